# Many SIGHUP reloads in a row: each stops and restarts the sources, which must give
# their timers and descriptors back to the event loop (it has a fixed number of slots).
# After 100 reloads the daemon holds the same number of descriptors as after the first,
# still ingests and acknowledges elogs, and exits cleanly on SIGTERM.
. tests/tools/itlib.sh
sim_start
prd_start
reloads() { grep -c 'event=reloaded' "$T/prd.log"; }
nfds() { ls "/proc/$PRD_PID/fd" | wc -l; }
reloaded_to() { [ "$(reloads)" -ge "$1" ]; }
hup_and_wait() {
	_want=$(( $(reloads) + 1 ))
	kill -HUP "$PRD_PID" || fail "daemon gone"
	wait_for 20 reloaded_to "$_want" || fail "reload $_want not logged: $(tail -3 "$T/prd.log")"
}
hup_and_wait
FDS0=$(nfds)
i=1
while [ $i -lt 100 ]; do
	hup_and_wait
	i=$((i + 1))
done
[ "$(reloads)" -eq 100 ] || fail "$(reloads) reloads logged, sent 100"
FDS1=$(nfds)
[ "$FDS1" -eq "$FDS0" ] || fail "descriptors grew from $FDS0 to $FDS1 over 99 reloads"
grep -q 'event=reload_failed' "$T/prd.log" && fail "a reload failed: $(grep reload_failed "$T/prd.log" | head -1)"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 50 --seed 3 || fail inject
wait_for 30 no_elogs_pending || fail "$(elogs_pending) elogs still offered after the reloads"
[ "$(q "select count(*) from events where kind='pel'")" -eq 50 ] || fail "stored $(q "select count(*) from events where kind='pel'") of 50"
prd_stop || fail "daemon exit status $? on SIGTERM"
echo "ok: 100 reloads, $FDS0 descriptors before and after, 50 elogs ingested afterwards"
