# PRD control commands (opal-prd occ/pm-complex through the control socket) and their
# FSP/BMC refusals; prd.mask_attentions (no ATTN_ACK); the EBUSY path: a second daemon
# cannot open the channel, logs it once and still collects error logs.
. tests/tools/itlib.sh
SIM="$OPAL_RAS_BIN/opal-sim"
PRD="$OPAL_RAS_BIN/opal-prd"
LOG="$ROOT/.sim/actions.log"
[ "$(id -u)" = 0 ] || skip "control commands are root-only; not running as root"
sim_start
wait_for 10 test -S "$ROOT/dev/opal-prd" || fail "no PRD socket"
printf 'prd:\n  mask_attentions: true\nelog:\n  enabled: false\n' >"$T/a.yaml"
prd_start --config "$T/a.yaml"
wait_for 10 grep -q "host->opal INIT" "$LOG" || fail "no INIT"

# FSP system (opal-sim init creates proc/device-tree/fsps): occ refused, pm-complex runs.
[ -d "$ROOT/proc/device-tree/fsps" ] || mkdir -p "$ROOT/proc/device-tree/fsps"
out=$("$PRD" --root "$ROOT" occ reset 0) && fail "occ reset accepted on FSP"
echo "$out" | grep -q '"result":"refused"' || fail "occ on FSP: $out"
out=$("$PRD" --root "$ROOT" pm-complex reset 0x1) && fail "pm-complex reset claimed success without HBRT"
echo "$out" | grep -q '"result":"failed"' || fail "pm-complex: $out"
echo "$out" | grep -q '"chip":1' || fail "chip parsed base 0: $out"
grep -q OCC_RESET_NOTIFY "$LOG" && fail "OCC_RESET_NOTIFY sent for pm-complex"
# BMC system: pm-complex refused, occ reset notifies OPAL first.
rm -rf "$ROOT/proc/device-tree/fsps"
out=$("$PRD" --root "$ROOT" pm-complex reset) && fail "pm-complex accepted on BMC"
echo "$out" | grep -q '"result":"refused"' || fail "pm-complex on BMC: $out"
"$PRD" --root "$ROOT" occ reset 2 >"$T/out" && fail "occ reset claimed success without HBRT"
wait_for 5 grep -q "host->opal OCC_RESET_NOTIFY" "$LOG" || fail "no OCC_RESET_NOTIFY"
for c in enable disable process-error; do
	out=$("$PRD" --root "$ROOT" occ $c 0)
	echo "$out" | grep -q "\"command\":\"occ $c\"" || fail "occ $c: $out"
done
"$PRD" --root "$ROOT" occ bogus; [ $? -eq 2 ] || fail "bad usage is not exit 2"
[ "$(q "select count(*) from events where kind='prd-control'")" -ge 5 ] || fail "control requests not recorded"

# mask_attentions: recorded, never acknowledged.
$SIM inject "$ROOT" prd attn --chip 7 || fail inject
wait_for 10 sh -c "[ \$(sqlite3 '$DB' \"select count(*) from events where kind='prd-attn'\") -ge 1 ]" || fail "masked attn not stored"
sleep 0.3
grep -q "ATTN_ACK proc=7" "$LOG" && fail "ATTN_ACK sent with mask_attentions"

# EBUSY: a second daemon (elog on, its own database and control socket).
printf 'control_socket: run/opal-ras/control2\n' >"$T/b.yaml"
"$PRD" --root "$ROOT" --db "$T/b.db" --config "$T/b.yaml" --foreground 2>"$T/b.log" &
B=$!
wait_for 10 test -S "$ROOT/run/opal-ras/control2" || fail "second daemon did not start"
wait_for 5 grep -q "source=prd event=busy" "$T/b.log" || fail "EBUSY not logged: $(cat "$T/b.log")"
[ "$(grep -c 'source=prd event=busy' "$T/b.log")" -eq 1 ] || fail "EBUSY logged more than once"
grep -q "prd: open refused: EBUSY" "$LOG" || fail "sim did not refuse"
$SIM inject "$ROOT" elog --count 1 || fail "inject elog"
wait_for 10 sh -c "[ \$(sqlite3 '$T/b.db' \"select count(*) from events where kind='pel'\") -ge 1 ]" || fail "second daemon collected no elog"
kill -TERM $B; wait $B || fail "second daemon exit status"
prd_stop || fail "exit status"
echo "ok: refusals, OCC_RESET_NOTIFY, mask_attentions, EBUSY"
