# Hooks run by the daemon: the JSON and environment a hook gets, hostile event text that
# executes nothing, the run-as user, retries then failure, a crash between commit and
# hook run (the hook runs after the restart), and a rate-limited hook under a storm
# (bounded runs, coalesced counts, every event delivered exactly once).
. tests/tools/itlib.sh
chmod 755 "$T"
H="$T/h"; mkdir -p "$H"; chmod 777 "$H"
REC="$(pwd)/tests/tools/hook-record.sh"
cfg() { # name match extra-yaml
	cat >"$T/c.yaml" <<Y
hooks:
  - name: $1
    match: $2
    command: ["$REC", "$H"]
$3
Y
}
sim_start

# 1. JSON + env + user; hostile text in an MCE (the task name is user-controlled).
cfg rec "{kinds: [mce]}" "    retries: 0"
prd_start --config "$T/c.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" kmsg --mce --cpu 5 --type ue --user '4242:$(touch /tmp/opal-pwn)`id`' || fail inject
ran() { ls "$H"/*.uid >/dev/null 2>&1; }
wait_for 20 ran || fail "the hook did not run: $(tail -3 "$T/prd.log")"
f=$(ls "$H"/*.json | head -1); b=${f%.json}
[ "$(cat "$b.uid")" = 65534 ] || fail "not run as nobody: $(cat "$b.uid")"
grep -qx 'OPAL_EVENT_KIND=mce' "$b.env" || fail "env: $(cat "$b.env")"
grep -qx 'OPAL_HOOK=rec' "$b.env" || fail "OPAL_HOOK"
id=$(sed -n 's/^OPAL_EVENT_ID=//p' "$b.env")
grep -qx "OPAL_DELIVERY_ID=$id:rec" "$b.env" || fail "delivery id"
python3 - "$f" "$id" <<'P' || fail "hook JSON is not the show -o json document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["event"]["id"] == int(sys.argv[2]) and d["event"]["kind"] == "mce", d
assert "$(touch /tmp/opal-pwn)" in json.dumps(d), "hostile text did not arrive intact"
P
"$OPAL_RAS_BIN/opal-elog" show --db "$DB" -o json "$id" | python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(sys.stdin)
assert a["event"]["summary"] == b["event"]["summary"]' "$f" || fail "hook JSON differs from show"
[ ! -e /tmp/opal-pwn ] || fail "hostile text was executed"
prd_stop || fail "exit status"

# 2. Retries, then failed.
rm -f "$H"/*; echo 1 >"$H/exit"
cfg failing "{kinds: [hmi]}" "    retries: 2
    retry_backoff: 100ms"
prd_start --config "$T/c.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" kmsg --hmi || fail inject
failed() { [ "$(q "select count(*) from outbox where target='hook:failing' and state='failed'")" -eq 1 ]; }
wait_for 30 failed || fail "not marked failed: $(q "select state, attempts from outbox where target='hook:failing'")"
[ "$(q "select count(*) from hook_runs where hook='failing' and outcome='failed'")" -eq 3 ] || fail "want 3 attempts"
"$OPAL_RAS_BIN/opal-elog" hooks runs --db "$DB" --failed --hook failing | grep -q failing || fail "hooks runs --failed"
prd_stop || fail "exit status"
rm -f "$H/exit"

# 3. Crash while hooks run: the interrupted deliveries run after the restart.
rm -f "$H"/*; echo 30 >"$H/sleep"
cfg slow "{kinds: [pel]}" "    timeout: 60s"
prd_start --config "$T/c.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 3 --seed 77 || fail inject
started() { [ -n "$(ls "$H"/*.uid 2>/dev/null)" ]; }
wait_for 20 started || fail "slow hook never started"
prd_kill9
pkill -f "sleep 30" 2>/dev/null
rm -f "$H/sleep"
prd_start --config "$T/c.yaml"
alldone() { [ "$(q "select count(*) from outbox where target='hook:slow' and state='done'")" -eq 3 ]; }
wait_for 60 alldone || fail "after restart: $(q "select state, count(*) from outbox where target='hook:slow' group by 1")"
[ "$(q "select count(*) from hook_runs where hook='slow' and outcome='ok'")" -eq 3 ] || fail "each delivery succeeded once"
prd_stop || fail "exit status"

# 4. A storm of 300 events against a hook limited to 3 runs per 2 s.
rm -f "$H"/*
cfg limited "{kinds: [pel]}" "    rate_limit: {runs: 3, per: 2s}
    max_concurrent: 1"
prd_start --config "$T/c.yaml"
before=$(q "select count(*) from events where kind='pel'")
start=$(date +%s)
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 300 --seed 5150 || fail inject
n_pel() { q "select count(*) from events where kind='pel'"; }
stored() { [ "$(n_pel)" -ge $((before + 300)) ]; }
wait_for 60 stored || fail "storm not stored"
delivered() { [ "$(q "select count(*) from outbox where target='hook:limited' and state='done'")" -eq 300 ]; }
wait_for 60 delivered || fail "not all delivered: $(q "select state, count(*) from outbox where target='hook:limited' group by 1"); rows not done: $(q "select id, event_id, state, attempts from outbox where target='hook:limited' and state <> 'done' limit 5"); $(grep -c record_failed "$T/prd.log") record_failed lines in the daemon log"
elapsed=$(( $(date +%s) - start + 1 ))
runs=$(q "select count(*) from hook_runs where hook='limited'")
bound=$(( 3 * (elapsed / 2 + 2) ))
[ "$runs" -le "$bound" ] || fail "$runs runs in ${elapsed}s exceeds the limit ($bound)"
[ "$(q "select sum(event_count) from hook_runs where hook='limited' and outcome='ok'")" -eq 300 ] || fail "coalesced counts do not add up"
[ "$(q "select max(event_count) from hook_runs where hook='limited'")" -gt 1 ] || fail "nothing was coalesced"
tr ',' '\n' <"$H/ids.log" | sort | uniq -d >"$T/dup"
[ ! -s "$T/dup" ] || fail "events delivered twice: $(head -3 "$T/dup")"
[ "$(tr ',' '\n' <"$H/ids.log" | sort -u | wc -l)" -eq 300 ] || fail "events missing"
grep -q '^\[' "$(ls "$H"/*-*:limited.json | head -1)" || fail "a coalesced run gets a JSON array"
prd_stop || fail "exit status"
echo "ok: $runs runs for 300 events"
