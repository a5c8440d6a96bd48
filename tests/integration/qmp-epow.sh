# Forwarding an EPOW-class PEL to a KVM guest: a critical power-supply log injected into
# the simulated firmware becomes system_powerdown on the guest's QMP socket (a real,
# paused qemu-system-ppc64 pseries): an observer on a second monitor sees POWERDOWN, the
# attempt is recorded (guest from query-name, result ok, latency), shown by
# `opal-elog show` (text and JSON) and found by `opal-elog list --guest`. A PEL of another
# subsystem is not forwarded.
. tests/tools/itlib.sh
. tests/integration/lib/qemu.sh
qemu_start vm-epow
mon_start
cat >"$T/c.yaml" <<Y
forward:
  qmp: ["$T/*.qmp-none", "$T/qmp.sock"]
  timeout: 2s
  retries: 0
Y
sim_start
prd_start --config "$T/c.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --subsystem 0x20 --severity 0x51 || fail "inject memory"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --subsystem 0x61 --severity 0x51 --src 11002610 || fail "inject epow"
fwd() { [ "$(q "select count(*) from guest_forwards")" -ge 1 ]; }
wait_for 20 fwd || fail "nothing forwarded: $(tail -5 "$T/prd.log")"
wait_for 10 grep -q '"POWERDOWN"' "$T/mon.log" || fail "no POWERDOWN event: $(cat "$T/mon.log")"
[ "$(q "select count(*) from guest_forwards")" -eq 1 ] || fail "forwarded more than the EPOW: $(q "select * from guest_forwards")"
row=$(q "select class, action, guest, result, socket, latency_us > 0 from guest_forwards")
[ "$row" = "epow|powerdown|vm-epow|ok|$T/qmp.sock|1" ] || fail "record: $row"
id=$(q "select event_id from guest_forwards")
[ "$(q "select subsystem from events where id=$id")" = "Power Supply" ] || fail "wrong event forwarded"
[ "$(q "select state from outbox where event_id=$id")" = done ] || fail "outbox row not done"
"$OPAL_RAS_BIN/opal-elog" show --db "$DB" "$id" >"$T/show.txt" || fail "show"
grep -q "epow powerdown to guest vm-epow: ok" "$T/show.txt" || fail "show text: $(cat "$T/show.txt")"
"$OPAL_RAS_BIN/opal-elog" show --db "$DB" "$id" -o json >"$T/show.json" || fail "show json"
grep -q '"target": "qmp:epow:' "$T/show.json" || fail "show json: $(cat "$T/show.json")"
grep -q '"result": "ok"' "$T/show.json" || fail "show json result"
[ "$("$OPAL_RAS_BIN/opal-elog" list --db "$DB" --guest vm-epow -o csv | tail -n +2 | wc -l)" -eq 1 ] || fail "list --guest"
[ "$("$OPAL_RAS_BIN/opal-elog" list --db "$DB" --guest other -o csv | tail -n +2 | wc -l)" -eq 0 ] || fail "list --guest other"
prd_stop || fail "exit status"
echo ok
