#!/bin/sh
# sim-init.sh - `opal-sim init` creates the fake host tree; --help and usage errors.
set -eu
R=$T/root
opal-sim --help | grep -q "Examples:"
opal-sim --help | grep -q "elog \[--count N\]"
opal-sim --help | grep -q -- "--mce|--hmi|--eeh"
rc=0; opal-sim bogus "$R" 2>/dev/null || rc=$?
[ $rc -eq 2 ] || { echo "bad command: rc $rc, want 2"; exit 1; }
rc=0; opal-sim inject "$R" elog 2>/dev/null || rc=$?
[ $rc -eq 1 ] || { echo "inject before init: rc $rc, want 1"; exit 1; }
opal-sim init "$R"
for d in sys/firmware/opal/elog sys/bus/pci/devices sys/kernel/debug/powerpc proc/powerpc \
	proc/device-tree dev run .sim/tmp; do
	[ -d "$R/$d" ] || { echo "missing $d"; exit 1; }
done
grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' \
	"$R/proc/sys/kernel/random/boot_id" || { echo "bad boot_id"; exit 1; }
head -1 "$R/.sim/kmsg.log" | grep -Eq '^5,0,[0-9]+,-;Linux version' || { echo "no boot records"; exit 1; }
# init on an existing root keeps working
opal-sim init "$R"
rc=0; opal-sim inject "$R" elog --count x 2>/dev/null || rc=$?
[ $rc -eq 2 ] || { echo "bad --count: rc $rc, want 2"; exit 1; }
echo ok
