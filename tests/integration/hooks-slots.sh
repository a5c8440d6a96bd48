# Hook deliveries waiting for a run slot. (1) A retry that comes due while its hook's
# only slot is busy waits without the daemon spinning (it used to re-arm a 1 us timer
# until the slot freed: a whole core), and runs when the slot frees. (2) A retry of
# another hook is not held back by rows waiting for a busy hook: it runs on time.
. tests/tools/itlib.sh
# Hooks run as nobody: their scripts and marker files live in a world-accessible dir.
D=$(mktemp -d /dev/shm/opal-ras-hooks.XXXXXX) || fail mktemp
chmod 777 "$D"
trap 'cleanup; rm -rf "$D"' EXIT INT TERM
cat >"$D/busy.sh" <<S
#!/bin/sh
# the first run fails (retried after 200 ms); every later run takes 3 s
mkdir "$D/busy-first" 2>/dev/null && exit 1
sleep 3
S
cat >"$D/quick.sh" <<S
#!/bin/sh
mkdir "$D/quick-first" 2>/dev/null && exit 1
exit 0
S
chmod 755 "$D/busy.sh" "$D/quick.sh"
cat >"$T/c.yaml" <<Y
hooks:
  - name: busy
    match: {kinds: [pel]}
    command: ["$D/busy.sh"]
    max_concurrent: 1
    retries: 3
    retry_backoff: 200ms
Y
sim_start
prd_start --config "$T/c.yaml"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PRD_PID/stat"; }
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 2 --seed 3 || fail inject
wait_for 20 no_elogs_pending || fail "elogs not acked"
# event 1 failed and waits for its retry; event 2 holds the slot for 3 s
retry_waiting() { [ "$(q "select count(*) from outbox where state='pending' and attempts=1")" -eq 1 ]; }
wait_for 10 retry_waiting || fail "no retry waiting: $(q 'select state, attempts from outbox')"
a=$(cpu_ticks)
sleep 1.5
b=$(cpu_ticks)
# A spinning daemon burns ~150 ticks here (100 per CPU-second); an idle one 0-2.
[ $((b - a)) -lt 40 ] || fail "daemon used $((b - a)) CPU ticks in 1.5 s while a retry waited for the slot"
all_done() { [ "$(q "select count(*) from outbox where state='done'")" -eq 2 ]; }
wait_for 20 all_done || fail "deliveries not done: $(q 'select state, attempts from outbox')"
prd_stop || fail "daemon exit status $?"

# (2) two hooks: 'busy' holds its slot with rows waiting, 'quick' fails once and retries
rm -rf "$D/busy-first" "$D/quick-first" "$DB" "$DB-wal" "$DB-shm"
mkdir "$D/busy-first" # busy: every run takes 3 s
cat >>"$T/c.yaml" <<Y
  - name: quick
    match: {kinds: [pel]}
    command: ["$D/quick.sh"]
    retries: 3
    retry_backoff: 200ms
Y
prd_start --config "$T/c.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" elog --count 2 --seed 4 || fail inject
quick_done() { [ "$(q "select count(*) from outbox where target='hook:quick' and state='done'")" -eq 2 ]; }
wait_for 20 quick_done || fail "quick not done: $(q 'select target, state, attempts from outbox')"
# busy's first run (3 s) must still be going: quick's retry did not wait for it
[ "$(q "select count(*) from outbox where target='hook:busy' and state='done'")" -eq 0 ] ||
	fail "quick's retry only ran after busy's slot freed"
[ "$(q "select attempts from outbox where target='hook:quick' order by attempts desc limit 1")" -eq 2 ] ||
	fail "quick: expected one retry: $(q 'select target, state, attempts from outbox')"
prd_stop || fail "daemon exit status $?"
echo "ok: a retry waiting for a busy slot leaves the daemon idle; other hooks' retries run on time"
