# Kernel log collection: MCE reports (current and pre-5.6 wording, multi-line) and
# HMIs become structured events; a restart resumes from the stored cursor without
# re-ingesting; records lost to a ring overrun become one "records lost" event.
. tests/tools/itlib.sh
SIM="$OPAL_RAS_BIN/opal-sim"
sim_start
prd_start
$SIM inject "$ROOT" kmsg --mce --cpu 12 --type ue --subtype 3 --ea 0x7fff0000 --not-recovered || fail inject
$SIM inject "$ROOT" kmsg --mce --cpu 3 --type slb --severity warning --old || fail inject
$SIM inject "$ROOT" kmsg --mce --cpu 7 --type erat --guest 4242:qemu-kvm || fail inject
$SIM inject "$ROOT" kmsg --hmi --hmi-type 4 --tfmr 0x0040000000000000 || fail inject
$SIM inject "$ROOT" kmsg --hmi --v2 --xstop core --pir 0x20 --severity fatal --not-recovered || fail inject
n_kind() { q "select count(*) from events where kind='$1'"; }
have() { [ "$(n_kind "$1")" -ge "$2" ]; }
wait_for 20 have mce 3 || fail "mce events: $(n_kind mce)"
wait_for 20 have hmi 2 || fail "hmi events: $(n_kind hmi)"
[ "$(q "select json_extract(attrs,'\$.cpu') from events where kind='mce' and refcode like 'UE%'")" = 12 ] || fail "UE cpu"
[ "$(q "select severity from events where kind='mce' and refcode like 'UE%'")" -ge 2 ] || fail "unrecovered UE is at least error"
q "select summary from events where kind='mce'" | grep -q 'CPU3' || fail "old-format MCE not parsed"
[ "$(q "select count(*) from events where kind='hmi' and severity=3")" -ge 1 ] || fail "fatal checkstop HMI is critical"
prd_stop || fail "exit status"

# Restart: only the new record is ingested.
$SIM inject "$ROOT" kmsg --mce --cpu 1 --type tlb || fail inject
prd_start
wait_for 20 have mce 4 || fail "mce after restart: $(n_kind mce)"
sleep 0.5
[ "$(n_kind mce)" -eq 4 ] || fail "re-ingested after restart: $(n_kind mce) mce events"
[ "$(n_kind hmi)" -eq 2 ] || fail "re-ingested hmi: $(n_kind hmi)"
prd_stop || fail "exit status"

# Overrun: a small ring and 200 records while the daemon is down.
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
"$SIM" run "$ROOT" --quiet --set kmsg.ring=16 2>>"$T/sim.log" &
SIM_PID=$!
sleep 0.3
$SIM inject "$ROOT" kmsg --text "filler line" --count 200 || fail inject
$SIM inject "$ROOT" kmsg --mce --cpu 9 --type ue || fail inject
prd_start
wait_for 20 have kmsg-lost 1 || fail "no records-lost event"
wait_for 20 have mce 5 || fail "mce after the gap: $(n_kind mce)"
lost=$(q "select json_extract(attrs,'\$.lost_records') from events where kind='kmsg-lost'")
[ "$lost" -gt 150 ] || fail "lost count $lost"
prd_stop || fail "exit status"
echo "ok: formats, restart without re-ingest, gap of $lost records"
