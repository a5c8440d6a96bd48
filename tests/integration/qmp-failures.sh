# Forwarding failures are recorded and never stall the daemon: a hung QEMU (SIGSTOP: it
# accepts the connection but never greets), a socket that does not exist, and a guest
# that is gone (an EEH failure for guest rhel9-db, which no socket answers for) each give
# a guest_forwards row with the reason; meanwhile 50 firmware logs are stored and
# acknowledged as usual. After SIGCONT the next EPOW reaches the same QEMU again (a new
# connection per attempt).
. tests/tools/itlib.sh
. tests/integration/lib/qemu.sh
qemu_start vm-hang
mon_start
cat >"$T/c.yaml" <<Y
eeh:
  poll_interval: 200ms
forward:
  qmp: ["$T/qmp.sock", "$T/missing.sock"]
  timeout: 4s
  retries: 0
Y
sim_start
prd_start --config "$T/c.yaml"
kill -STOP "$QEMU_PID"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --subsystem 0x63 --severity 0x50 || fail "inject epow"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 50 --subsystem 0x20 --severity 0x40 || fail "inject elogs"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --subsystem 0x63 --severity 0x50 || fail "inject epow 2"
stored() { [ "$(q "select count(*) from events where kind='pel'")" -eq 52 ] && no_elogs_pending; }
wait_for 20 stored || fail "ingest stalled: $(q "select count(*) from events") stored, $(elogs_pending) pending"
# Stored and acknowledged while the forward to the hung QEMU still waits for its greeting.
[ "$(q "select count(*) from guest_forwards where result='timeout'")" -eq 0 ] || fail "ingest waited for the QMP timeout"
# The second EPOW's delivery to the same socket waits for the first (one QMP client at a
# time) without spinning: the daemon uses little CPU while QEMU hangs.
sleep 2
ticks=$(awk '{print $14 + $15}' "/proc/$PRD_PID/stat")
echo "ticks=$ticks"; [ "$ticks" -lt 100 ] || fail "the daemon spins while a forward waits: $ticks ticks"
four() { [ "$(q "select count(*) from guest_forwards")" -eq 4 ]; }
wait_for 20 four || fail "attempts not recorded: $(q "select * from guest_forwards")"
r=$(q "select group_concat(result) from guest_forwards where socket='$T/qmp.sock'")
[ "$r" = timeout,timeout ] || fail "hung QEMU: $r"
q "select error from guest_forwards where socket='$T/qmp.sock' limit 1" | grep -q 'no answer to the greeting within 4000 ms' || fail "timeout reason: $(q "select error from guest_forwards")"
r=$(q "select group_concat(result) from guest_forwards where socket='$T/missing.sock'")
[ "$r" = unreachable,unreachable ] || fail "missing socket: $r"
q "select error from guest_forwards where socket='$T/missing.sock' limit 1" | grep -q 'No such file' || fail "missing reason"
[ "$(q "select count(*) from outbox where state='failed'")" -eq 4 ] || fail "outbox rows not failed: $(q "select target, state from outbox")"

kill -CONT "$QEMU_PID"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" pci fail 0030:01:00.0 || fail "pci fail"
gone() { [ "$(q "select count(*) from guest_forwards where class='eeh-failed'")" -eq 1 ]; }
wait_for 20 gone || fail "EEH failure not attempted: $(q "select kind, refcode, guest from events where kind='eeh'")"
row=$(q "select guest, result from guest_forwards where class='eeh-failed'")
[ "$row" = "rhel9-db|no-guest" ] || fail "guest gone: $row $(q "select error from guest_forwards where class='eeh-failed'")"

"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --subsystem 0x61 --severity 0x51 || fail "inject epow 2"
again() { [ "$(q "select count(*) from guest_forwards where result='ok'")" -eq 1 ]; }
wait_for 20 again || fail "no reconnect after SIGCONT: $(q "select result, error from guest_forwards")"
[ "$(q "select guest from guest_forwards where result='ok'")" = vm-hang ] || fail "guest name"
wait_for 10 grep -q '"POWERDOWN"' "$T/mon.log" || fail "no POWERDOWN"
kill -0 "$PRD_PID" || fail "daemon died"
prd_stop || fail "exit status"
echo ok
