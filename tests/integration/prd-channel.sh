# The PRD channel (/dev/opal-prd served by opal-sim): every OPAL->host message type
# becomes an event (a firmware ERROR_LOG as a PEL event), replies go out (ATTN_ACK,
# FSP_*_STATUS), malformed messages become prd-protocol-error events without a crash,
# and ATTN_ACK is sent only after the record is committed: the daemon is killed -9 at
# random moments and every attention the simulator saw acknowledged is in the database.
. tests/tools/itlib.sh
SIM="$OPAL_RAS_BIN/opal-sim"
LOG="$ROOT/.sim/actions.log"
sim_start
wait_for 10 test -S "$ROOT/dev/opal-prd" || fail "no PRD socket"
prd_start
wait_for 10 grep -q "prd: host->opal INIT version=1 ipoll=0xf000000000000000" "$LOG" || fail "no INIT"
grep -q "prd: ioctl GET_INFO" "$LOG" || fail "no GET_INFO"

for t in occ-error occ-reset firmware-notify sbe-passthrough fsp-occ-reset fsp-occ-load-start; do
	$SIM inject "$ROOT" prd $t --chip 1 || fail "inject $t"
done
$SIM inject "$ROOT" prd attn --chip 2 --status 0x2000000000000000 || fail "inject attn"
PEL="$SHARED_DATA/pel/malformed/allsections.pel"
[ -f "$PEL" ] && { $SIM inject "$ROOT" prd error-log "$PEL" || fail "inject error-log"; }
# malformed: short, size lying, unknown type, oversized
printf 'ab' >"$T/short"
printf '\002\000\000\100AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' >"$T/lying"  # says 64, is 36
printf '\143\000\000\040AAAAAAAAAAAAAAAAAAAAAAAAAAAA' >"$T/unknown"  # type 99, 32 bytes
head -c 70000 /dev/zero >"$T/oversized"
for f in short lying unknown oversized; do $SIM inject "$ROOT" prd raw "$T/$f" || fail "inject $f"; done

n_kind() { q "select count(*) from events where kind='$1'"; }
have() { [ "$(n_kind "$1")" -ge "$2" ]; }
for k in prd-occ-error prd-occ-reset prd-fw-notify prd-sbe-passthrough prd-fsp-occ-reset \
	prd-fsp-occ-load-start prd-attn; do
	wait_for 10 have $k 1 || fail "no $k event"
done
wait_for 10 have prd-protocol-error 4 || fail "protocol errors: $(n_kind prd-protocol-error)"
[ -f "$PEL" ] && { wait_for 10 have pel 1 || fail "ERROR_LOG not stored as a pel event"; }
[ "$(q "select json_extract(attrs,'\$.chip') from events where kind='prd-attn'")" = 2 ] || fail "attn chip"
q "select summary from events where kind='prd-protocol-error'" | grep -q "unknown type 99" || fail "unknown type reason"
q "select summary from events where kind='prd-protocol-error'" | grep -q "size field says 64" || fail "lying size reason"
q "select summary from events where kind='prd-protocol-error'" | grep -q "exceeds the 64 KiB" || fail "oversize reason"
wait_for 10 grep -q "host->opal ATTN_ACK proc=2 ipoll_ack=0x2000000000000000" "$LOG" || fail "no ATTN_ACK"
wait_for 10 grep -q "host->opal FSP_OCC_RESET_STATUS chip=1" "$LOG" || fail "no FSP_OCC_RESET_STATUS"
wait_for 10 grep -q "host->opal FSP_OCC_LOAD_START_STATUS chip=1" "$LOG" || fail "no FSP_OCC_LOAD_START_STATUS"
kill -0 "$PRD_PID" || fail "daemon died"
prd_stop || fail "exit status"
wait_for 5 grep -q "prd: host->opal FINI" "$LOG" || fail "no FINI on close"

# ATTN_ACK only after commit: kill -9 at random moments; every acked chip is stored.
check_acked() {
	for p in $(sed -n 's/.*host->opal ATTN_ACK proc=\([0-9]*\) .*/\1/p' "$LOG" | sort -u); do
		[ "$(q "select count(*) from events where kind='prd-attn' and json_extract(attrs,'\$.chip')='$p'")" -ge 1 ] ||
			fail "attention on chip $p acknowledged but not in the database"
	done
}
i=10
while [ $i -lt 25 ]; do
	prd_start
	$SIM inject "$ROOT" prd attn --chip $i || fail inject
	$SIM inject "$ROOT" prd attn --chip $((i + 1)) || fail inject
	$SIM inject "$ROOT" prd attn --chip $((i + 2)) || fail inject
	sleep 0.0$(( $(od -An -N1 -tu1 /dev/urandom) % 10 ))
	prd_kill9
	check_acked
	i=$((i + 3))
done
prd_start
all_acked() { [ "$(grep -c 'host->opal ATTN_ACK proc=[1-3][0-9] ' "$LOG")" -ge 15 ]; }
wait_for 20 all_acked || fail "not every attention acknowledged after restart: $(grep -c 'ATTN_ACK proc=[1-3][0-9] ' "$LOG")"
check_acked
prd_stop || fail "exit status"
echo "ok: all message types, replies, 4 malformed, $(grep -c 'ATTN_ACK' "$LOG") acks all stored across kill -9"
