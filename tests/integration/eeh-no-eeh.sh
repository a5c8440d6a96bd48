#!/bin/sh
# eeh-no-eeh.sh - opal-eeh on this machine's real /sys (no EEH off POWER): a clean
# message and exit 0 for list/stats, a clean failure for show/inject, JSON says so too.
set -u
fail() { echo "FAIL: $*"; exit 1; }
if [ -e /proc/powerpc/eeh ]; then echo "this machine has EEH (/proc/powerpc/eeh)"; exit 77; fi
[ -d /sys/bus/pci/devices ] || { echo "no /sys/bus/pci/devices on this machine"; exit 77; }

out=$(opal-eeh list) || fail "list exit $?"
[ "$out" = "EEH not available on this system" ] || fail "list said: $out"
out=$(opal-eeh --root / list -o json) || fail "list json exit $?"
echo "$out" | grep -q '"eeh_available": false' || fail "json: $out"
echo "$out" | grep -q '"pes": \[\]' || fail "json pes: $out"
opal-eeh stats >"$T/stats" || fail "stats exit $?"
grep -q "EEH not available" "$T/stats" || fail "stats: $(cat "$T/stats")"
opal-eeh show 0000:00:00.0 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "show exit $rc"
grep -q "EEH not available on this system" "$T/err" || fail "show said: $(cat "$T/err")"
opal-eeh inject 0000:00:00.0 --yes 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "inject exit $rc"
# a root without any PCI sysfs is the same as no EEH
out=$(opal-eeh --root "$T" list) || fail "empty root exit $?"
[ "$out" = "EEH not available on this system" ] || fail "empty root: $out"
# usage errors
opal-eeh bogus 2>/dev/null; [ $? -eq 2 ] || fail "unknown command not 2"
opal-eeh -o xml list 2>/dev/null; [ $? -eq 2 ] || fail "bad -o not 2"
opal-eeh history --db "$T/none.db" 2>"$T/err"; [ $? -eq 3 ] || fail "history without db not 3"
opal-eeh --help | grep -q "^examples:" || fail "--help has no examples"
echo ok
