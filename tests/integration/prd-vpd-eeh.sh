# The daemon's inventory and EEH polling: a baseline VPD snapshot at start, a FRU swap
# in the simulator becomes a "replaced" vpd-change event after a refresh; a freeze of a
# PE passed through to a guest (the kernel prints nothing for VFIO-owned PEs) is found
# by polling eeh_pe_state and stored with the guest's name; thawing it is a recovery.
. tests/tools/itlib.sh
sim_start
printf 'eeh:\n  poll_interval: 200ms\n' >"$T/c.yaml"
prd_start --config "$T/c.yaml"
baseline() { [ "$(q "select count(*) from vpd_snapshots")" -ge 1 ]; }
wait_for 20 baseline || fail "no baseline snapshot"
[ "$(q "select count(*) from events where kind='vpd-change'")" -eq 0 ] || fail "a baseline is not a change"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" vpd swap U78D2.001.WZS0001-P1-C7 --serial NEWSERIAL01 || fail "vpd swap"
printf 'reload\n' | socat - UNIX-CONNECT:"$ROOT/run/opal-ras/control" >/dev/null # a refresh now
replaced() { [ "$(q "select count(*) from events where kind='vpd-change' and refcode='replaced'")" -ge 1 ]; }
wait_for 20 replaced || fail "no replaced event"
q "select summary from events where kind='vpd-change'" | grep -q NEWSERIAL01 || fail "summary lacks the new serial"

"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" pci freeze 0030:01:00.0 || fail freeze
frozen() { [ "$(q "select count(*) from events where kind='eeh' and source='eeh-poll' and guest='rhel9-db'")" -ge 1 ]; }
wait_for 20 frozen || fail "poll did not see the freeze: $(q "select kind, source, guest, summary from events where kind='eeh'")"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" pci thaw 0030:01:00.0 || fail thaw
recovered() { [ "$(q "select count(*) from events where kind='eeh' and refcode='eeh-recovered'")" -ge 1 ]; }
wait_for 20 recovered || fail "no recovery event"
prd_stop || fail "exit status"
echo ok
