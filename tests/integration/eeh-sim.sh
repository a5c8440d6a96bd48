#!/bin/sh
# eeh-sim.sh - opal-eeh against opal-sim's PCI/EEH host: discovery (names, drivers,
# location codes, the VFIO guest), decoded state, JSON fields, injection refusals and the
# exact err_injct / eeh_dev_break strings; with `opal-sim run`, an injected freeze of a
# host PE produces the kernel's log lines and the PE recovers, a guest PE freezes silently.
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v opal-sim >/dev/null 2>&1 || { echo "opal-sim not built (sim branch not merged)"; exit 77; }
R=$T/root
mkdir -p "$R"
opal-sim init "$R" >"$T/init.log" 2>&1 || fail "opal-sim init: $(cat "$T/init.log")"
[ -f "$R/sys/bus/pci/devices/0030:01:00.0/eeh_pe_state" ] ||
	{ echo "opal-sim has no pci module (sim_module_pci not in sim_modules[])"; exit 77; }

opal-eeh --root "$R" list >"$T/list" || fail "list exit $?"
grep -q "PHB#30-PE#1fa .*state=healthy owner=vfio guest=rhel9-db pid=4242 loc=U78D2.001.WZS0001-P1-C9" "$T/list" ||
	fail "list: $(cat "$T/list")"
grep -q "PHB#0-PE#1 .*state=not-read owner=host loc=U78D2.001.WZS0001-P1-C7" "$T/list" ||
	fail "host PE state must not be read by default: $(cat "$T/list")"
grep -q "0000:01:00.1 \[15b3:1017\] Mellanox" "$T/list" || fail "names: $(cat "$T/list")"
opal-eeh --root "$R" list --state | grep -q "PHB#0-PE#1 .*state=healthy" || fail "list --state"

opal-eeh --root "$R" -o json list >"$T/list.json" || fail "list json"
for k in '"phb": 48' '"pe": 506' '"bdf": "0030:01:00.0"' '"state": {' '"name": "rhel9-db"' \
	'"driver": "nvme"' '"location": "U78D2.001.WZS0001-P1-C2"'; do
	grep -q "$k" "$T/list.json" || fail "list json lacks $k"
done

opal-eeh --root "$R" show 0001:01:00.0 >"$T/show" || fail "show exit $?"
grep -q "State:     healthy (0x00000078 0x00000800)" "$T/show" || fail "show: $(cat "$T/show")"
opal-eeh --root "$R" show PHB#1-PE#7 2>/dev/null; [ $? -eq 1 ] || fail "unknown PE not 1"
opal-eeh --root "$R" show nonsense 2>/dev/null; [ $? -eq 2 ] || fail "bad PE not 2"

# injection policy
opal-eeh --root "$R" inject 0000:01:00.0 2>"$T/err"; rc=$?
[ $rc -eq 3 ] || fail "inject without --yes: exit $rc"
grep -q 'Would write "1:0:0:0:0"' "$T/err" || fail "inject preview: $(cat "$T/err")"
opal-eeh --root "$R" inject 30:1fa --yes 2>"$T/err"; rc=$?
[ $rc -eq 3 ] || fail "guest PE without --force-guest: exit $rc"
grep -q "guest rhel9-db (pid 4242)" "$T/err" || fail "guest refusal: $(cat "$T/err")"
opal-eeh --root "$R" inject 30:1fa --yes --dry-run --force-guest >/dev/null || fail "dry run"
[ -s "$R/sys/kernel/debug/powerpc/PCI0030/err_injct" ] && fail "dry run wrote"

opal-eeh --root "$R" inject 0001:01:00.0 --func dma-write-data --type 64 --yes >/dev/null ||
	fail "inject nvme"
[ "$(cat "$R/sys/kernel/debug/powerpc/PCI0001/err_injct")" = "1:1:11:0:0" ] ||
	fail "err_injct holds '$(cat "$R/sys/kernel/debug/powerpc/PCI0001/err_injct")'"
: >"$R/sys/kernel/debug/powerpc/PCI0001/err_injct"

# the running simulator reacts to the writes
opal-sim run "$R" --quiet >"$T/run.log" 2>&1 &
SIMPID=$!
trap 'kill $SIMPID 2>/dev/null; wait $SIMPID 2>/dev/null' EXIT
i=0
while [ ! -f "$R/.sim/run.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -f "$R/.sim/run.ready" ] || fail "opal-sim run not ready: $(cat "$T/run.log")"

opal-eeh --root "$R" inject PHB#0-PE#1 --yes >/dev/null || fail "inject host PE"
i=0
while ! grep -q "EEH: Recovery successful." "$R/.sim/kmsg.log" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
grep -q "EEH: Recovering PHB#0-PE#1" "$R/.sim/kmsg.log" || fail "no recovery lines in kmsg.log"
grep -q "EEH: Recovery successful." "$R/.sim/kmsg.log" || fail "no outcome line"
grep -q "pci err_injct PCI0000" "$R/.sim/actions.log" || fail "actions.log: $(cat "$R/.sim/actions.log")"
opal-eeh --root "$R" show 0:1 | grep -q "State:     healthy" || fail "host PE not recovered"

opal-eeh --root "$R" inject 0030:01:00.0 --break --yes --force-guest >/dev/null || fail "break"
i=0
while ! opal-eeh --root "$R" show 30:1fa | grep -q "State:     frozen" && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
opal-eeh --root "$R" show 30:1fa | grep -q "State:     frozen (0x00000000 0x00000800)" ||
	fail "guest PE not frozen: $(opal-eeh --root "$R" show 30:1fa)"
grep -q "PHB#30-PE#1fa" "$R/.sim/kmsg.log" && fail "the host logged a passed-through PE"
opal-sim inject "$R" pci thaw 30:1fa || fail "thaw"
opal-eeh --root "$R" -o json show 30:1fa | grep -q '"health": "healthy"' || fail "not thawed"
echo ok
