# A crash in the middle of a forward retries it: the EPOW's delivery is marked running
# while the daemon waits for a stopped QEMU's greeting; kill -9 then; after the restart the
# delivery is pending again and, QEMU running again, delivered: POWERDOWN arrives, the
# attempt is recorded ok, exactly one successful forward.
. tests/tools/itlib.sh
. tests/integration/lib/qemu.sh
qemu_start vm-crash
mon_start
cat >"$T/c.yaml" <<Y
forward:
  qmp: ["$T/qmp.sock"]
  timeout: 30s
  retries: 0
Y
sim_start
prd_start --config "$T/c.yaml"
kill -STOP "$QEMU_PID"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --subsystem 0x62 --severity 0x51 || fail "inject epow"
running() { [ "$(q "select state from outbox")" = running ]; }
wait_for 20 running || fail "the delivery did not start: $(q "select * from outbox")"
prd_kill9
[ "$(q "select count(*) from guest_forwards")" -eq 0 ] || fail "an attempt was recorded before the crash"
kill -CONT "$QEMU_PID"
prd_start --config "$T/c.yaml"
ok() { [ "$(q "select count(*) from guest_forwards where result='ok'")" -eq 1 ]; }
wait_for 20 ok || fail "not retried after the restart: $(q "select * from guest_forwards") $(q "select * from outbox")"
wait_for 10 grep -q '"POWERDOWN"' "$T/mon.log" || fail "no POWERDOWN"
[ "$(q "select state from outbox")" = done ] || fail "outbox"
grep -q 'event=outbox_requeued rows=1' "$T/prd.log" || fail "no requeue logged"
prd_stop || fail "exit status"
echo ok
