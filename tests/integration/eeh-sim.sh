#!/bin/sh
# eeh-sim.sh - opal-eeh against opal-sim's PCI/EEH host: discovery (names, drivers,
# location codes, the VFIO guest), decoded state, JSON fields, injection refusals and the
# exact err_injct / eeh_dev_break strings; with `opal-sim run`, an injected freeze of a
# host PE produces the kernel's log lines and the PE recovers, a guest PE freezes silently.
. tests/tools/itlib.sh
[ -x "$OPAL_RAS_BIN/opal-sim" ] || skip "opal-sim not built"
E="$OPAL_RAS_BIN/opal-eeh"
"$OPAL_RAS_BIN/opal-sim" init "$ROOT" >"$T/init.log" 2>&1 || fail "opal-sim init: $(cat "$T/init.log")"
[ -f "$ROOT/sys/bus/pci/devices/0030:01:00.0/eeh_pe_state" ] ||
	skip "opal-sim has no pci module (sim_module_pci not in sim_modules[])"

"$E" --root "$ROOT" list >"$T/list" || fail "list exit $?"
grep -q "PHB#30-PE#1fa .*state=healthy owner=vfio guest=rhel9-db pid=4242 loc=U78D2.001.WZS0001-P1-C9" "$T/list" ||
	fail "list: $(cat "$T/list")"
grep -q "PHB#0-PE#1 .*state=not-read owner=host loc=U78D2.001.WZS0001-P1-C7" "$T/list" ||
	fail "host PE state must not be read by default: $(cat "$T/list")"
grep -q "0000:01:00.1 \[15b3:1017\] Mellanox" "$T/list" || fail "names: $(cat "$T/list")"
"$E" --root "$ROOT" list --state | grep -q "PHB#0-PE#1 .*state=healthy" || fail "list --state"

"$E" --root "$ROOT" -o json list >"$T/list.json" || fail "list json"
for k in '"phb": 48' '"pe": 506' '"bdf": "0030:01:00.0"' '"state": {' '"name": "rhel9-db"' \
	'"driver": "nvme"' '"location": "U78D2.001.WZS0001-P1-C2"'; do
	grep -q "$k" "$T/list.json" || fail "list json lacks $k"
done
"$E" --root "$ROOT" -o csv list | grep -q '^PHB#30-PE#1fa,48,506,vfio,healthy,rhel9-db,4242,0030:01:00.0,' ||
	fail "csv"

"$E" --root "$ROOT" show 0001:01:00.0 >"$T/show" || fail "show exit $?"
grep -q "State:     healthy (0x00000078 0x00000800)" "$T/show" || fail "show: $(cat "$T/show")"
"$E" --root "$ROOT" show PHB#1-PE#7 2>/dev/null; [ $? -eq 1 ] || fail "unknown PE not 1"
"$E" --root "$ROOT" show nonsense 2>/dev/null; [ $? -eq 2 ] || fail "bad PE not 2"
"$E" --root "$ROOT" stats | grep -q "eeh_max_freezes: 5 (from debugfs)" || fail "stats"

# injection policy
"$E" --root "$ROOT" inject 0000:01:00.0 2>"$T/err"; rc=$?
[ $rc -eq 4 ] || fail "inject without --yes: exit $rc"
grep -q 'Would write "1:0:0:0:0"' "$T/err" || fail "inject preview: $(cat "$T/err")"
"$E" --root "$ROOT" inject 30:1fa --yes 2>"$T/err"; rc=$?
[ $rc -eq 4 ] || fail "guest PE without --force-guest: exit $rc"
grep -q "guest rhel9-db (pid 4242)" "$T/err" || fail "guest refusal: $(cat "$T/err")"
"$E" --root "$ROOT" inject 30:1fa --yes --dry-run --force-guest >/dev/null || fail "dry run"
[ -s "$ROOT/sys/kernel/debug/powerpc/PCI0030/err_injct" ] && fail "dry run wrote"

"$E" --root "$ROOT" inject 0001:01:00.0 --func dma-write-data --type 64 --yes >/dev/null ||
	fail "inject nvme"
[ "$(cat "$ROOT/sys/kernel/debug/powerpc/PCI0001/err_injct")" = "1:1:11:0:0" ] ||
	fail "err_injct holds '$(cat "$ROOT/sys/kernel/debug/powerpc/PCI0001/err_injct")'"
: >"$ROOT/sys/kernel/debug/powerpc/PCI0001/err_injct"

# the running simulator reacts to the writes
"$OPAL_RAS_BIN/opal-sim" run "$ROOT" --quiet 2>"$T/sim.log" &
SIM_PID=$!
wait_for 10 test -f "$ROOT/.sim/run.ready" || fail "opal-sim run not ready: $(cat "$T/sim.log")"

"$E" --root "$ROOT" inject PHB#0-PE#1 --yes >/dev/null || fail "inject host PE"
wait_for 10 grep -q "EEH: Recovery successful." "$ROOT/.sim/kmsg.log" || fail "no outcome line"
grep -q "EEH: Recovering PHB#0-PE#1" "$ROOT/.sim/kmsg.log" || fail "no recovery lines in kmsg.log"
grep -q "pci err_injct PCI0000" "$ROOT/.sim/actions.log" || fail "actions.log: $(cat "$ROOT/.sim/actions.log")"
"$E" --root "$ROOT" show 0:1 | grep -q "State:     healthy" || fail "host PE not recovered"

"$E" --root "$ROOT" inject 0030:01:00.0 --break --yes --force-guest >/dev/null || fail "break"
frozen() { "$E" --root "$ROOT" show 30:1fa | grep -q "State:     frozen (0x00000000 0x00000800)"; }
wait_for 10 frozen || fail "guest PE not frozen: $("$E" --root "$ROOT" show 30:1fa)"
grep -q "PHB#30-PE#1fa" "$ROOT/.sim/kmsg.log" && fail "the host logged a passed-through PE"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" pci thaw 30:1fa || fail "thaw"
"$E" --root "$ROOT" -o json show 30:1fa | grep -q '"health": "healthy"' || fail "not thawed"
echo ok
