#!/bin/sh
# flash-update-sim.sh - the OPAL firmware-update workflow of opal-flash against
# opal-sim's emulation (sim/sim_flash.c): every validate result token, an error
# status, commit/reject, schedule; and "not supported here" without the files.
set -u
cd "$T" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
mkdir bmc
opal-flash --root bmc update status 2> err.txt; rc=$?
[ $rc -eq 6 ] && grep -q 'not supported here' err.txt || fail "BMC host: exit $rc"
command -v opal-sim >/dev/null || { echo "skip: opal-sim is not built on this branch"; exit 77; }
opal-sim --help 2>&1 | grep -q 'flash validate' || { echo "skip: opal-sim has no flash module"; exit 77; }
opal-sim init root >/dev/null 2>&1 || fail "opal-sim init"
opal-sim run root >sim.log 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null' EXIT
sleep 0.5
python3 -c 'import struct,sys; n=8192; sys.stdout.buffer.write(struct.pack(">HHI", 0x5549, 1, n) + bytes(n - 8))' > fw.img
opal-flash --root root update validate fw.img --no-record > out.txt; rc=$?
[ $rc -eq 0 ] && grep -q 'Validation result 0' out.txt && grep -q 'New T side: *SV860_200' out.txt || fail "validate 0: $rc $(cat out.txt)"
for t in 1 2 3 4 5 6 7; do
	opal-sim inject root flash validate $t || fail inject
	for n in 1 2 3 4 5 6 7 8 9 10; do [ "$(cat root/sys/firmware/opal/validate_flash)" = -1099 ] && break; sleep 0.1; done
	opal-flash --root root update validate fw.img --no-record -o json > out.json; rc=$?
	case $t in 1|2|7) exp=8 ;; *) exp=0 ;; esac
	[ $rc -eq $exp ] || fail "token $t: exit $rc, expected $exp"
	python3 -c "import json; d=json.load(open('out.json')); assert d['result']==$t, d" || fail "token $t json"
done
opal-sim inject root flash validate -9002
sleep 0.3
opal-flash --root root update validate fw.img --no-record 2> err.txt; rc=$?
[ $rc -eq 8 ] && grep -q 'FLASH_NO_AUTH' err.txt || fail "-9002: $rc"
opal-flash --root root update schedule -y --no-record > out.txt || fail "schedule"
opal-flash --root root update status | grep -q 'Update status:  0' || fail status
opal-flash --root root update commit -y --no-record || fail commit
echo ok
