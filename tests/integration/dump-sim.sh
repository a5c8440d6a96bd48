#!/bin/sh
# dump-sim.sh - opal-dump against opal-sim's dump module with the run loop: inject a big
# sparse dump, fetch --ack (the simulated kernel removes the directory on ack, logged in
# .sim/actions.log), initiate (a new SP dump appears after a moment), --eio-first.
. "$(dirname "$0")/lib/dump.sh"
have_sim_dump || skip "opal-sim with the dump module is not built yet"
SIM=$OPAL_RAS_BIN/opal-sim
R=$T/root
OUT=$T/out
"$SIM" init "$R" >/dev/null || fail "opal-sim init"
[ -f "$R/sys/firmware/opal/dump/initiate_dump" ] || fail "init made no initiate_dump"
name=$("$SIM" inject "$R" dump --size 200M --sparse) || fail "inject"
name2=$("$SIM" inject "$R" dump --type sp --size 1M --eio-first) || fail "inject eio"
"$SIM" run "$R" >"$T/sim.log" 2>&1 &
simpid=$!
trap 'kill $simpid 2>/dev/null; wait $simpid 2>/dev/null' EXIT
sleep 0.5

"$OPAL_DUMP" --root "$R" fetch "$name" -o "$OUT" --min-free 0 --ack --json >"$T/f.json" || fail "fetch --ack"
grep -q '"acked": true' "$T/f.json" || fail "not acked"
i=0
while [ -d "$R/sys/firmware/opal/dump/$name" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -d "$R/sys/firmware/opal/dump/$name" ] && fail "the simulated kernel did not remove $name on ack"
grep -q "dump ack $name" "$R/.sim/actions.log" || fail "no ack in actions.log"

OPAL_RAS_SIM_FAULTS=1 "$OPAL_DUMP" --root "$R" fetch "$name2" -o "$OUT" --min-free 0 --retry-delay 5 --json >"$T/e.json" || fail "fetch eio-first"
grep -q '"eio_retries": 1' "$T/e.json" || fail "eio-first not seen"

before=$("$OPAL_DUMP" --root "$R" list -o csv | grep -c '^0x1-')
"$OPAL_DUMP" --root "$R" initiate >/dev/null || fail "initiate"
i=0
while [ $i -lt 50 ]; do
	now=$("$OPAL_DUMP" --root "$R" list -o csv | grep -c '^0x1-')
	[ "$now" -gt "$before" ] && break
	sleep 0.1; i=$((i + 1))
done
[ "$now" -gt "$before" ] || fail "initiate created no SP dump"
echo ok
