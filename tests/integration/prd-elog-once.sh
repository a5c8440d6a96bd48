# The daemon against opal-sim: every injected elog (generated ones and the real
# ppc64-diag samples) is stored exactly once and acknowledged exactly once, and no log
# is acknowledged before it is stored (checked repeatedly while the acks arrive,
# against the simulator's ordered ack log). `opal-elog status` reports the same counts.
. tests/tools/itlib.sh
sim_start
prd_start
N=500
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count $N --seed 7 || fail inject
EXTRA=0
if [ -d "$SHARED_DATA/pel/ppc64-diag-sysfs" ]; then
	"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --from "$SHARED_DATA/pel/ppc64-diag-sysfs" || fail "inject samples"
	EXTRA=$(ls -d "$SHARED_DATA"/pel/ppc64-diag-sysfs/firmware/opal/elog/*/ | wc -l)
else
	echo "note: shared data absent, generated logs only"
fi
TOTAL=$((N + EXTRA))
acked_ids() { grep '^ack elog ' "$ROOT/.sim/actions.log" | awk '{print $3}'; }
end=$(( $(date +%s) + 90 ))
while :; do
	# Snapshot the acks first, then the database: an ack seen must be stored.
	acked_ids | sort -u >"$T/acked"
	q "select json_extract(attrs, '\$.elog_id') from events" | sort -u >"$T/stored"
	early=$(comm -23 "$T/acked" "$T/stored" | head -3)
	[ -z "$early" ] || fail "acknowledged before stored: $early"
	n=$(wc -l <"$T/acked")
	[ "$n" -ge "$TOTAL" ] && break
	[ "$(date +%s)" -ge $end ] && fail "only $n of $TOTAL elogs acked"
	sleep 0.05
done
wait_for 10 no_elogs_pending || fail "$(elogs_pending) elogs still offered"
# opal-elog status: the table (text) and the daemon's document (-o json) give the counts.
"$OPAL_RAS_BIN/opal-elog" status --root "$ROOT" >"$T/st.txt" || fail "status exit $?"
grep -Eq "^elog +running +$TOTAL +$TOTAL +0 +0 +$TOTAL " "$T/st.txt" ||
	fail "status text: $(cat "$T/st.txt")"
grep -q '^ingest    running$' "$T/st.txt" || fail "status text: no ingest line"
"$OPAL_RAS_BIN/opal-elog" status --root "$ROOT" -o json |
	python3 -c 'import json, sys; e = json.load(sys.stdin)["sources"]["elog"]
assert e["stored"] == e["acked"] == int(sys.argv[1]), e' "$TOTAL" || fail "status -o json"
"$OPAL_RAS_BIN/opal-elog" status --root "$ROOT" -o csv 2>/dev/null
[ $? -eq 2 ] || fail "status -o csv is a usage error"
prd_stop || fail "daemon exit status $? on SIGTERM"
"$OPAL_RAS_BIN/opal-elog" status --root "$ROOT" 2>/dev/null
[ $? -eq 5 ] || fail "status without a daemon exits 5"
stored=$(q "select count(*) from events where kind='pel'")
[ "$stored" -eq "$TOTAL" ] || fail "stored $stored pel events, injected $TOTAL"
dups=$(acked_ids | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups elogs acked more than once"
[ "$(acked_ids | wc -l)" -eq "$TOTAL" ] || fail "ack count differs from $TOTAL"
echo "ok: $TOTAL elogs stored once and acked once, never before their commit"
