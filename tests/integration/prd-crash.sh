# Crash safety: kill -9 the daemon at random moments during a 5,000-elog storm and
# restart it. After every kill, every log the simulator saw acknowledged must be in the
# database (ack after commit); at the end the database holds exactly the injected set,
# nothing twice, and every log is acknowledged. 50 kills here; `make stress` runs 1,000.
. tests/tools/itlib.sh
ITER=${ITER:-50}
[ "${STRESS:-0}" = 1 ] && ITER=1000
N=5000
sim_start
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count $N --seed 11 || fail inject
acked_ids() { grep '^ack elog ' "$ROOT/.sim/actions.log" | awk '{print $3}' | sort -u; }
i=0
while [ $i -lt $ITER ]; do
	i=$((i + 1))
	prd_start
	# A random moment: 0-40 ms after the daemon is up (it is mid-batch most of the time).
	sleep "0.0$(awk -v s="$i" 'BEGIN { srand(s * 7919); printf "%02d", int(rand() * 40) }')"
	prd_kill9
	acked_ids >"$T/acked"
	q "select json_extract(attrs, '\$.elog_id') from events" | sort -u >"$T/stored"
	early=$(comm -23 "$T/acked" "$T/stored" | head -3)
	[ -z "$early" ] || fail "iteration $i: acknowledged but not stored after kill -9: $early"
	# Once everything is acked, keep killing: restarts must not duplicate anything.
	if no_elogs_pending && [ $i -lt $ITER ] && [ $((i % 10)) -eq 0 ]; then
		"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 500 --seed $((100 + i)) || fail inject
		N=$((N + 500))
	fi
done
"$OPAL_RAS_BIN/opal-sim" reboot "$ROOT" || fail reboot # re-offers anything never acked
prd_start
wait_for 120 no_elogs_pending || fail "$(elogs_pending) elogs never acked"
prd_stop || fail "daemon exit status $?"
stored=$(q "select count(*) from events where kind='pel'")
[ "$stored" -eq "$N" ] || fail "stored $stored, injected $N"
[ "$(acked_ids | wc -l)" -eq "$N" ] || fail "acked $(acked_ids | wc -l) distinct logs of $N"
q "pragma integrity_check" | grep -qx ok || fail "integrity check"
echo "ok: $ITER kills, $N logs stored exactly once, all acknowledged after commit"
