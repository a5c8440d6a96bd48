#!/bin/sh
# flash-update-sim.sh - the OPAL firmware-update workflow of opal-flash against
# opal-sim's emulation (sim/sim_flash.c): every validate result token, an error
# status, schedule, status, commit; "not supported here" without the files; every
# operation recorded as a flash-op event (opal-elog list --kind flash-op).
set -u
. "$(dirname "$0")/../tools/itlib.sh"
cd "$T" || exit 1
mkdir bmc
opal-flash --root bmc update status 2> err.txt; rc=$?
[ $rc -eq 6 ] && grep -q 'not supported here' err.txt || fail "BMC host: exit $rc"
"$OPAL_RAS_BIN/opal-sim" --help 2>&1 | grep -q 'flash validate' || skip "skip: opal-sim has no flash module"
sim_start
wait_for 10 test -f "$ROOT/.sim/run.ready" || fail "opal-sim run not ready"
{ printf 'UI\000\001\000\000\040\000'; head -c 8184 /dev/zero; } > fw.img  # magic, version, size 8192
opal-flash --root "$ROOT" --db "$DB" update validate fw.img > out.txt; rc=$?
[ $rc -eq 0 ] && grep -q 'Validation result 0' out.txt && grep -q 'New T side: *SV860_200' out.txt ||
	fail "validate 0: $rc $(cat out.txt)"
reset() { [ "$(cat "$ROOT/sys/firmware/opal/validate_flash")" = -1099 ]; }
for t in 1 2 3 4 5 6 7; do
	"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" flash validate $t || fail inject
	wait_for 5 reset || fail "validate_flash did not go back to -1099"
	opal-flash --root "$ROOT" --db "$DB" update validate fw.img -o json > out.json; rc=$?
	case $t in 1|2|7) exp=8 ;; *) exp=0 ;; esac
	[ $rc -eq $exp ] || fail "token $t: exit $rc, expected $exp"
	grep -q "\"result\": $t," out.json || fail "token $t json: $(cat out.json)"
	case $t in 4|5) grep -q '"new_p": "SV860_100"' out.json || fail "token $t: new P is the current T" ;; esac
done
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" flash validate -9002
wait_for 5 reset || fail "no reset"
opal-flash --root "$ROOT" --db "$DB" update validate fw.img 2> err.txt; rc=$?
[ $rc -eq 8 ] && grep -q 'FLASH_NO_AUTH' err.txt || fail "-9002: $rc"
opal-flash --root "$ROOT" --db "$DB" update schedule < /dev/null 2>/dev/null; rc=$?
[ $rc -eq 7 ] || fail "schedule without a terminal or --yes: exit $rc"
opal-flash --root "$ROOT" --db "$DB" update schedule -y > out.txt || fail "schedule"
opal-flash --root "$ROOT" update status | grep -q 'Update status:  0' || fail status
opal-flash --root "$ROOT" --db "$DB" update commit -y || fail commit
grep -q 'MI SV860_100 SV860_100' "$ROOT/proc/device-tree/ibm,opal/firmware/mi-version" || fail "commit did not copy T to P"
# the firmware history of the host
n=$(opal-elog list --db "$DB" --kind flash-op | grep -c flash-op)
[ "$n" -eq 11 ] || fail "expected 11 flash-op events, got $n"
opal-elog list --db "$DB" --kind flash-op | grep -q 'update-schedule' || fail "schedule not recorded"
echo ok
