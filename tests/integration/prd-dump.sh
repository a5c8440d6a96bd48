# The daemon's dump source: a new platform dump is copied, hashed and synced, recorded
# as an event, and acknowledged only after that commit; when storing it would leave too
# little free space, the refusal is recorded and the dump stays with firmware.
. tests/tools/itlib.sh
sim_start
mkdir -p "$T/dumps"
printf 'dump:\n  dir: %s\n  min_free: 1M\n' "$T/dumps" >"$T/c.yaml"
prd_start --config "$T/c.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" dump --size 8M || fail inject
n_dump() { q "select count(*) from events where kind='dump'"; }
one() { [ "$(n_dump)" -ge 1 ]; }
wait_for 30 one || fail "no dump event"
gone() { [ -z "$(ls "$ROOT/sys/firmware/opal/dump" | grep -v initiate_dump)" ]; }
wait_for 10 gone || fail "dump not acknowledged"
path=$(q "select json_extract(attrs,'\$.path') from events where kind='dump'")
sha=$(q "select json_extract(attrs,'\$.sha256') from events where kind='dump'")
[ -f "$path" ] || fail "stored file missing: $path"
[ "$(sha256sum "$path" | cut -d' ' -f1)" = "$sha" ] || fail "hash mismatch"
[ "$(stat -c %s "$path")" -eq $((8 * 1024 * 1024)) ] || fail "size"
grep -q "^dump ack " "$ROOT/.sim/actions.log" || fail "no ack logged by the simulator"
prd_stop || fail "exit status"

# Refusal: demand more free space than any disk has.
printf 'dump:\n  dir: %s\n  min_free: 1000T\n' "$T/dumps" >"$T/c2.yaml"
prd_start --config "$T/c2.yaml"
"$OPAL_RAS_BIN/opal-sim" inject "$ROOT" dump --size 1M || fail inject
refused() { [ "$(q "select count(*) from events where kind='dump' and summary like '%left with firmware%'")" -ge 1 ]; }
wait_for 30 refused || fail "no refusal event"
sleep 0.5
[ -n "$(ls "$ROOT/sys/firmware/opal/dump" | grep -v initiate_dump)" ] || fail "a refused dump was acknowledged"
prd_stop || fail "exit status"
echo "ok: retrieved, hashed, acked after commit; refusal recorded, dump kept"
