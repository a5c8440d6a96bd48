# A permanent EEH failure of a PE passed through to a guest removes the device from the
# guest: the simulated host's VFIO PE 0030:01:00.0 is held by guest "rhel9-db"; a real
# paused qemu-system-ppc64 named rhel9-db gets a device hostdev0 with device_add (a
# virtio-net-pci: no VFIO in a test, so forward.devices maps the host address to the
# device id). `opal-sim inject pci fail` kills the PE; the daemon's poller stores the
# failure with the guest, the forwarder sends device_del and waits for DEVICE_DELETED:
# the observer sees it, query-pci no longer lists the device, the attempt is recorded.
# Another guest's socket matches the glob too (and is asked first): guests are told
# apart by query-name, and the other guest is left alone.
# A freeze of the same PE (before the failure) and a machine check taken in the guest's
# vCPU thread (the guest is named from the QEMU's command line) are recorded with the
# guest only; the same machine check in host user context is not guest-visible.
. tests/tools/itlib.sh
. tests/integration/lib/qemu.sh
qemu_start rhel9-db
qemu_decoy other-vm
mon_start '{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"hostdev0","romfile":""}}'
added() { [ "$(grep -c '"return"' "$T/mon.log")" -ge 2 ]; }
wait_for 10 added || fail "device_add: $(cat "$T/mon.log")"
cat >"$T/c.yaml" <<Y
eeh:
  poll_interval: 200ms
forward:
  qmp: ["$T/*.sock"]
  timeout: 2s
  device_del_timeout: 5s
  retries: 0
  devices: {"0030:01:00.0": hostdev0}
Y
sim_start
prd_start --config "$T/c.yaml"
sleep 0.5
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" pci freeze 0030:01:00.0 || fail freeze
frz() { [ "$(q "select count(*) from guest_forwards where class='eeh-freeze'")" -ge 1 ]; }
wait_for 20 frz || fail "freeze not recorded: $(q "select kind, refcode, guest from events where kind='eeh'")"
[ "$(q "select action, guest, result, socket is null from guest_forwards where class='eeh-freeze'")" = "record|rhel9-db|recorded|1" ] || fail "freeze record: $(q "select * from guest_forwards")"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" kmsg --mce --type ue --user '4242:qemu-system-ppc' || fail "mce user"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" kmsg --mce --type ue --guest '4242:CPU 0/KVM' || fail "mce guest"
mem() { [ "$(q "select count(*) from guest_forwards where class='memory'")" -ge 1 ]; }
wait_for 20 mem || fail "guest MCE not recorded: $(q "select kind, guest, summary from events where kind='mce'")"
[ "$(q "select count(*) from events where kind='mce'")" -eq 2 ] || fail "mce events"
[ "$(q "select count(*) from guest_forwards where class='memory'")" -eq 1 ] || fail "host MCE forwarded"
[ "$(q "select action, guest, result from guest_forwards where class='memory'")" = "record|rhel9-db|recorded" ] || fail "memory record"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" pci fail 0030:01:00.0 || fail "pci fail"
del() { [ "$(q "select count(*) from guest_forwards where class='eeh-failed'")" -ge 1 ]; }
wait_for 20 del || fail "failure not forwarded: $(q "select kind, refcode, guest from events where kind='eeh'") $(tail -5 "$T/prd.log")"
row=$(q "select action, guest, device, result, error from guest_forwards where class='eeh-failed'")
[ "$row" = "device_del|rhel9-db|hostdev0|ok|" ] || fail "record: $row"
[ "$(q "select socket from guest_forwards where class='eeh-failed'")" = "$T/qmp.sock" ] || fail "socket"
grep -q '"DEVICE_DELETED".*"device": "hostdev0"' "$T/mon.log" || fail "observer saw no DEVICE_DELETED: $(cat "$T/mon.log")"
mon_send '{"execute":"query-pci"}'
wait_for 5 grep -q '"devices": \[\]' "$T/mon.log" || fail "device still present: $(tail -1 "$T/mon.log")"
id=$(q "select event_id from guest_forwards where class='eeh-failed'")
"$OPAL_RAS_BIN/opal-elog" show --db "$DB" "$id" | grep -q "eeh-failed device_del to guest rhel9-db device hostdev0: ok" || fail "show: $("$OPAL_RAS_BIN/opal-elog" show --db "$DB" "$id")"
[ "$("$OPAL_RAS_BIN/opal-elog" list --db "$DB" --guest rhel9-db -o csv | tail -n +2 | wc -l)" -ge 2 ] || fail "list --guest"
prd_stop || fail "exit status"
echo ok
