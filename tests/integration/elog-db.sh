# opal-elog on the database: import (idempotent), list with filters, show, stats,
# export resumable with --after, follow, close/reopen, prune --dry-run, check; exit
# codes; a user who cannot write the database can read it; a newer schema is refused.
. tests/tools/itlib.sh
E="$OPAL_RAS_BIN/opal-elog"
"$OPAL_RAS_BIN/opal-sim" init "$ROOT" || fail init
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 200 --seed 21 || fail inject

# No database yet: exit 3 and a message naming the path and how to create it.
$E list --db "$DB" 2>"$T/err"; rc=$?
[ $rc -eq 3 ] || fail "list without a database: exit $rc"
grep -q "$DB" "$T/err" && grep -q "import" "$T/err" || fail "message: $(cat "$T/err")"

$E import --db "$DB" "$ROOT/sys/firmware/opal/elog" >"$T/out" || fail "import: $(cat "$T/out")"
grep -q "200 new" "$T/out" || fail "import: $(cat "$T/out")"
$E import --db "$DB" "$ROOT/sys/firmware/opal/elog" >"$T/out" || fail "re-import"
grep -q "0 new, 200 already stored" "$T/out" || fail "import is not idempotent: $(cat "$T/out")"
NS=0
if [ -d "$SHARED_DATA/pel/ppc64-diag-sysfs" ]; then
	$E import --db "$DB" "$SHARED_DATA/pel/ppc64-diag-sysfs/firmware/opal/elog" >/dev/null 2>&1 || fail "import samples"
	NS=9
fi
TOTAL=$((200 + NS))
[ "$(q 'select count(*) from events')" -eq $TOTAL ] || fail "count after import"

# list: formats and filters, checked against SQL over the same data.
$E list --db "$DB" >"$T/list" || fail list
[ "$(($(wc -l <"$T/list") - 1))" -eq $TOTAL ] || fail "list rows"
$E list --db "$DB" -o json | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert all(r["kind"] == "pel" and "attrs" in r and "callouts" in r for r in rows)
print(len(rows))' >"$T/n" || fail "list -o json is not JSON lines"
[ "$(cat "$T/n")" -eq $TOTAL ] || fail "json rows"
$E list --db "$DB" -o csv | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert rows and set(rows[0]) >= {"id", "severity", "refcode", "summary"}
print(len(rows))' >"$T/n" || fail "csv"
[ "$(cat "$T/n")" -eq $TOTAL ] || fail "csv rows"
for sev in 1 2 3; do
	name=$(echo "x warning error critical" | cut -d' ' -f$((sev + 1)))
	want=$(q "select count(*) from events where severity >= $sev")
	got=$($E list --db "$DB" --severity $name -o csv | tail -n +2 | wc -l)
	[ "$got" -eq "$want" ] || fail "--severity $name: $got, want $want"
done
want=$(q "select count(*) from events where serviceable")
got=$($E list --db "$DB" --serviceable -o csv | tail -n +2 | wc -l)
[ "$got" -eq "$want" ] && [ "$want" -gt 0 ] || fail "--serviceable: $got, want $want"
src=$(q "select refcode from events where refcode is not null limit 1")
pfx=$(echo "$src" | cut -c1-4)
want=$(q "select count(*) from events where refcode like '$pfx%'")
got=$($E list --db "$DB" --src "$pfx" -o csv | tail -n +2 | wc -l)
[ "$got" -eq "$want" ] || fail "--src $pfx: $got, want $want"
loc=$(q "select c.value ->> 1 from events, json_each(events.callouts) c where c.value ->> 1 like 'U%' limit 1")
[ -n "$loc" ] || fail "no callout location in the imported PELs"
want=$(q "select count(*) from events where location like '$loc%' or exists (select 1 from json_each(callouts) where value ->> 1 like '$loc%')")
got=$($E list --db "$DB" --location "$loc" -o csv | tail -n +2 | wc -l)
[ "$got" -eq "$want" ] && [ "$want" -ge 1 ] || fail "--location $loc: $got, want $want"
got=$($E list --db "$DB" --limit 5 -o csv | tail -n +2 | wc -l)
[ "$got" -eq 5 ] || fail "--limit"
first=$($E list --db "$DB" --limit 1 --reverse -o csv | tail -n +2 | cut -d, -f2)
[ "$first" -eq "$(q 'select max(time_us) from events')" ] || fail "--reverse shows newest first"
got=$($E list --db "$DB" --since 2000-01-01 --until 2000-01-02 -o csv | tail -n +2 | wc -l)
[ "$got" -eq 0 ] || fail "--since/--until"
$E list --db "$DB" --since yesterday 2>/dev/null; [ $? -eq 2 ] || fail "bad --since must be usage error 2"
$E list --db "$DB" --severity bogus 2>/dev/null; [ $? -eq 2 ] || fail "bad --severity"

# show: text, and JSON with the decoded PEL.
id=$(q "select id from events where serviceable limit 1")
$E show --db "$DB" "$id" >"$T/show" || fail show
grep -q "Private Header" "$T/show" && grep -q "Callouts" "$T/show" || fail "show text"
$E show --db "$DB" -o json "$id" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["event"]["id"] > 0 and "sections" in json.dumps(d["pel"])' || fail "show json"
$E show --db "$DB" 999999 2>/dev/null; [ $? -eq 1 ] || fail "show of a missing id"

# stats and export.
$E stats --db "$DB" -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["kind"]["pel"] == '$TOTAL', d' || fail stats
$E export --db "$DB" --limit 50 >"$T/exp1" || fail export
last=$(tail -1 "$T/exp1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
$E export --db "$DB" --after "$last" >"$T/exp2" || fail "export --after"
[ "$(cat "$T/exp1" "$T/exp2" | wc -l)" -eq $TOTAL ] || fail "export resumed loses or repeats rows"
[ "$(cat "$T/exp1" "$T/exp2" | python3 -c 'import json,sys; print(len({json.loads(l)["id"] for l in sys.stdin}))')" -eq $TOTAL ] || fail "export ids"

# close / reopen are history, not deletion.
$E close --db "$DB" "$id" 2>/dev/null; [ $? -eq 2 ] || fail "close without --reason must be a usage error"
$E close --db "$DB" "$id" --reason "replaced fan" >/dev/null || fail close
[ "$($E list --db "$DB" --closed -o csv | tail -n +2 | wc -l)" -eq 1 ] || fail "--closed"
$E reopen --db "$DB" "$id" >/dev/null || fail reopen
[ "$(q "select group_concat(action) from event_history where event_id=$id")" = "close,reopen" ] || fail history
$E show --db "$DB" "$id" | grep -q "replaced fan" || fail "show lists history"

# follow: sees events committed after it started, and nothing before (backlog 0).
$E follow --db "$DB" --backlog 0 -o json >"$T/follow" &
FPID=$!
sleep 0.5
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 3 --seed 99 || fail inject
$E import --db "$DB" "$ROOT/sys/firmware/opal/elog" >/dev/null || fail import
followed3() { [ "$(wc -l <"$T/follow")" -ge 3 ]; }
wait_for 10 followed3 || fail "follow saw $(wc -l <"$T/follow") events"
kill "$FPID"; wait "$FPID" 2>/dev/null
[ "$(wc -l <"$T/follow")" -eq 3 ] || fail "follow printed $(wc -l <"$T/follow") lines"

# prune --dry-run deletes nothing; check passes.
before=$(q 'select count(*) from events')
$E prune --db "$DB" --dry-run --max-age info=1d --max-age warning=1d >"$T/prune" || fail prune
grep -q "would delete" "$T/prune" || fail "prune output"
[ "$(q 'select count(*) from events')" -eq "$before" ] || fail "dry run deleted rows"
$E check --db "$DB" >/dev/null || fail check

# Readers need no write permission: as nobody in group adm (the files are 0640 root:adm).
if command -v setpriv >/dev/null && getent group adm >/dev/null && [ "$(id -u)" -eq 0 ]; then
	chgrp adm "$DB" "$DB-wal" "$DB-shm" 2>/dev/null
	chmod 0640 "$DB" "$DB-wal" "$DB-shm" 2>/dev/null
	chmod 0755 "$T"
	setpriv --reuid=nobody --regid=adm --clear-groups "$E" list --db "$DB" --limit 3 >/dev/null ||
		fail "nobody:adm cannot list"
	setpriv --reuid=nobody --regid=adm --clear-groups "$E" show --db "$DB" "$id" >/dev/null ||
		fail "nobody:adm cannot show"
	setpriv --reuid=nobody --regid=adm --clear-groups "$E" close --db "$DB" "$id" --reason x 2>/dev/null &&
		fail "nobody could write"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$E" list --db "$DB" 2>/dev/null &&
		fail "a user outside adm could read"
else
	echo "note: setpriv or group adm unavailable, reader permission check skipped"
fi

# A database from a newer opal-ras is refused with a clear message.
cp "$DB" "$T/new.db"
sqlite3 "$T/new.db" "pragma user_version = 999" || fail "sqlite3"
$E list --db "$T/new.db" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "newer" "$T/err" || fail "newer schema: exit $rc, $(cat "$T/err")"
echo "ok"
