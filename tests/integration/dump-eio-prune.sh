#!/bin/sh
# dump-eio-prune.sh - the EIO-on-first-read case end to end (the documented simulator
# marker ROOT/.sim/dump-eio/<dir>, honoured only with OPAL_RAS_SIM_FAULTS=1): the fetch
# retries and succeeds; then prune by age and total size.
. "$(dirname "$0")/lib/dump.sh"
R=$T/root
OUT=$T/out
name=$(mk_dump "$R" 2 9 200K) || exit 1
mkdir -p "$R/.sim/dump-eio" && : >"$R/.sim/dump-eio/$name"
OPAL_RAS_SIM_FAULTS=1 "$OPAL_DUMP" --root "$R" fetch "$name" -o "$OUT" --min-free 0 --retry-delay 5 --json >"$T/f.json" || fail "fetch with EIO"
grep -q '"eio_retries": 1' "$T/f.json" || fail "expected one EIO retry: $(cat "$T/f.json")"
[ ! -e "$R/.sim/dump-eio/$name" ] || fail "marker not consumed"
[ "$(json_field sha256 <"$T/f.json")" = "$(sha_of "$R/sys/firmware/opal/dump/$name/dump")" ] || fail "hash"
# always EIO: bounded retries, exit 1, nothing stored, not acked
: >"$R/.sim/dump-eio/$name"
"$OPAL_DUMP" --root "$R" fetch "$name" -o "$T/out2" --min-free 0 --json >/dev/null 2>&1 || fail "without the variable the marker is ignored"
[ -e "$R/.sim/dump-eio/$name" ] || fail "marker touched without OPAL_RAS_SIM_FAULTS"

# prune: three fetched files of different ages
for i in 1 2 3; do
	n=$(mk_dump "$R" 1 $((0x40 + i)) 100K) || exit 1
	"$OPAL_DUMP" --root "$R" fetch "$n" -o "$T/p" --min-free 0 -q >/dev/null || fail "fetch $n"
done
set -- "$T"/p/dump.*
touch -d '40 days ago' "$1"; touch -d '20 days ago' "$2"
"$OPAL_DUMP" prune -o "$T/p" --max-age 30d --dry-run >"$T/dry" || fail "dry run"
grep -q "^would remove $(basename "$1")" "$T/dry" || fail "dry run output: $(cat "$T/dry")"
[ -e "$1" ] || fail "dry run removed"
"$OPAL_DUMP" prune -o "$T/p" --max-age 30d --max-total 150K --json >"$T/pr.json" || fail "prune"
[ ! -e "$1" ] && [ ! -e "$2" ] && [ -e "$3" ] || fail "prune removed the wrong files: $(ls "$T/p")"
grep -q "\"name\": \"$(basename "$2")\"" "$T/pr.json" || fail "prune json"
echo ok
