# Disk full: with the database on a tiny, full filesystem nothing is acknowledged that
# is not stored, the daemon logs the failure once and keeps running, and it recovers
# by itself when space returns: every log then stored once and acknowledged.
. tests/tools/itlib.sh
[ "$(id -u)" -eq 0 ] || skip "needs root to mount a size-limited tmpfs"
mkdir -p "$T/small"
mount -t tmpfs -o size=4m tmpfs "$T/small" 2>/dev/null || skip "cannot mount a tmpfs here"
trap 'cleanup; umount "$T/small" 2>/dev/null' EXIT INT TERM
DB="$T/small/ras.db"
sim_start
prd_start
sleep 0.3
dd if=/dev/zero of="$T/small/filler" bs=4k 2>/dev/null
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 50 --seed 5 || fail inject
sleep 2
acks=$(grep -c '^ack elog' "$ROOT/.sim/actions.log" 2>/dev/null || true)
[ "${acks:-0}" -eq 0 ] || fail "$acks logs acknowledged while the disk was full"
[ "$(elogs_pending)" -eq 50 ] || fail "firmware lost logs: $(elogs_pending) left"
kill -0 "$PRD_PID" || fail "the daemon died on a full disk"
printf 'status\n' | socat - UNIX-CONNECT:"$ROOT/run/opal-ras/control" | grep -q '"paused":true' ||
	fail "status does not say paused"
fails=$(grep -c 'event=store_failed' "$T/prd.log")
[ "$fails" -eq 1 ] || fail "store failure logged $fails times (expected once)"
rm -f "$T/small/filler"
wait_for 60 no_elogs_pending || fail "not recovered: $(elogs_pending) logs left"
grep -q 'event=store_recovered' "$T/prd.log" || fail "no recovery logged"
prd_stop || fail "exit status"
[ "$(q "select count(*) from events where kind='pel'")" -eq 50 ] || fail "stored count"
[ "$(grep -c '^ack elog' "$ROOT/.sim/actions.log")" -eq 50 ] || fail "ack count"
echo "ok: nothing acked while full, one log line, recovered and stored all 50"
