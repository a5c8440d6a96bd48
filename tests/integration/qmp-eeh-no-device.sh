# Finding the guest's device for a failed host PCI address without forward.devices: the
# forwarder asks query-pci for the guest's devices and qom-get for each one's "host"
# property (what vfio-pci passthrough has). A test cannot pass a device through, and an
# emulated virtio-net-pci has no such property: the attempt is recorded as no-device, the
# device stays, and nothing else is disturbed.
. tests/tools/itlib.sh
. tests/integration/lib/qemu.sh
qemu_start rhel9-db
mon_start '{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"net0","romfile":""}}'
added() { [ "$(grep -c '"return"' "$T/mon.log")" -ge 2 ]; }
wait_for 10 added || fail "device_add: $(cat "$T/mon.log")"
cat >"$T/c.yaml" <<Y
eeh:
  poll_interval: 200ms
forward:
  qmp: ["$T/qmp.sock"]
  timeout: 2s
  retries: 0
Y
sim_start
prd_start --config "$T/c.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" pci fail 0030:01:00.0 || fail "pci fail"
done_() { [ "$(q "select count(*) from guest_forwards")" -ge 1 ]; }
wait_for 20 done_ || fail "not attempted: $(tail -5 "$T/prd.log")"
row=$(q "select class, action, guest, socket, result from guest_forwards")
[ "$row" = "eeh-failed|device_del|rhel9-db|$T/qmp.sock|no-device" ] || fail "record: $row"
q "select error from guest_forwards" | grep -q 'no device of guest rhel9-db is host 0030:01:00.0 (query-pci found 1' || fail "error: $(q "select error from guest_forwards")"
mon_send '{"execute":"query-pci"}'
wait_for 5 grep -q '"qdev_id": "net0"' "$T/mon.log" || fail "the device is gone"
grep -q DEVICE_DELETED "$T/mon.log" && fail "a device was deleted"
[ "$(q "select state from outbox")" = failed ] || fail "outbox state"
prd_stop || fail "exit status"
echo ok
