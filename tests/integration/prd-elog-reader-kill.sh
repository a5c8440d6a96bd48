# kill -9 while the elog reader thread holds logs: one log's raw is a FIFO with no
# writer, so the reader blocks opening it and the logs handed to it after that one wait
# in its queue, never delivered to the store. After the kill, every log the simulator saw
# acknowledged is stored, the held logs are neither stored nor acknowledged, and a
# restart (with the FIFO replaced by the log's real bytes) stores every log exactly once
# and acknowledges each once.
. tests/tools/itlib.sh
command -v mkfifo >/dev/null || skip "no mkfifo"
sim_start
N=1200
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count $N --seed 31 || fail inject
ELOG="$ROOT/sys/firmware/opal/elog"
pick=$(ls "$ELOG" | sort | sed -n 400p)
[ -n "$pick" ] || fail "no elog to block on"
cp "$ELOG/$pick/raw" "$T/raw.keep" || fail "copy raw"
rm -f "$ELOG/$pick/raw"
mkfifo "$ELOG/$pick/raw" || fail mkfifo
acked_ids() { grep '^ack elog ' "$ROOT/.sim/actions.log" | awk '{print $3}'; }
status_num() {
	"$OPAL_RAS_BIN/opal-elog" status --root "$ROOT" -o json 2>/dev/null |
		tr -d ' \n' | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}
# The reader is stuck on the FIFO with logs queued behind it, and everything that was
# decoded before it is committed and acknowledged (the pipeline has settled).
reader_holds() {
	r=$(status_num reading)
	[ -n "$r" ] && [ "$r" -ge 2 ] || return 1
	[ "$(status_num acks_pending)" = 0 ] || return 1
	s=$(q "select count(*) from events where kind='pel'")
	[ "$(acked_ids | sort -u | wc -l)" -eq "$s" ]
}
prd_start
wait_for 60 reader_holds || fail "the reader never held logs (reading=$(status_num reading))"
held=$(status_num reading)
prd_kill9
# opal-sim run handles an ack after the daemon wrote it (it removes the directory, then
# logs the ack): let it finish the ones written just before the kill.
settled() { [ "$(elogs_pending)" -eq $((N - $(acked_ids | sort -u | wc -l))) ]; }
wait_for 10 settled || fail "offered logs != unacked logs"
acked_ids | sort -u >"$T/acked"
q "select json_extract(attrs, '\$.elog_id') from events" | sort -u >"$T/stored"
early=$(comm -23 "$T/acked" "$T/stored" | head -3)
[ -z "$early" ] || fail "acknowledged but not stored: $early"
grep -qx "$pick" "$T/stored" && fail "the blocked log $pick was stored"
stored=$(wc -l <"$T/stored")
[ $((stored + held)) -le $N ] || fail "stored $stored + held $held > $N"
[ "$(elogs_pending)" -eq $((N - $(wc -l <"$T/acked"))) ] || fail "offered logs != unacked logs"
# The kernel would offer the held logs again; give the blocked one its bytes back.
rm -f "$ELOG/$pick/raw"
cp "$T/raw.keep" "$ELOG/$pick/raw" || fail "restore raw"
prd_start
wait_for 120 no_elogs_pending || fail "$(elogs_pending) elogs never acked after restart"
prd_stop || fail "daemon exit status $? on SIGTERM"
total=$(q "select count(*) from events where kind='pel'")
distinct=$(q "select count(distinct json_extract(attrs, '\$.elog_id')) from events where kind='pel'")
[ "$total" -eq $N ] || fail "stored $total events for $N logs"
[ "$distinct" -eq $N ] || fail "$distinct distinct logs stored of $N"
dups=$(acked_ids | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups logs acknowledged twice"
[ "$(acked_ids | wc -l)" -eq $N ] || fail "acknowledged $(acked_ids | wc -l) of $N"
echo "ok: killed with $held logs held by the reader; $N stored once and acked once after restart"
