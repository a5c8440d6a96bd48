#!/bin/sh
# dump-fetch-integrity.sh - opal-dump list/fetch/ack/parse on a simulated dump tree and
# on the ppc64-diag fixtures: the recorded SHA-256 equals sha256sum of the source, the
# stored file is byte-identical (also through zstd), fetch never acks unless --ack, ids
# resolve by directory name or bare id, ambiguous and unknown ids exit 3.
. "$(dirname "$0")/lib/dump.sh"
R=$T/root
OUT=$T/out
n1=$(mk_dump "$R" 2 5 3M) || exit 1
n2=$(mk_dump "$R" 1 5 1M) || exit 1
n3=$(mk_dump "$R" 3 0x1a 100K) || exit 1
[ "$n1" = 0x2-0x5 ] || fail "name $n1"

"$OPAL_DUMP" --root "$R" list >"$T/list.txt" || fail "list"
grep -q '^0x2-0x5 .*System/Platform Dump .*0x5 .*3145728$' "$T/list.txt" || { cat "$T/list.txt"; fail "list text"; }
"$OPAL_DUMP" --root "$R" list -o json >"$T/list.json" || fail "list json"
grep -q '"name": "0x3-0x1a"' "$T/list.json" || fail "list json name"
grep -q '"type_name": "SMA Dump"' "$T/list.json" || fail "list json type_name"
"$OPAL_DUMP" list --root "$R" -o csv | grep -q '^0x1-0x5,0x1,SP Dump,0x5,1048576$' || fail "list csv"

# fetch by directory name, JSON result; the hash is the source's
"$OPAL_DUMP" --root "$R" fetch 0x2-0x5 -o "$OUT" --min-free 0 --json >"$T/f.json" || fail "fetch"
path=$(json_field path <"$T/f.json")
sha=$(json_field sha256 <"$T/f.json")
src=$R/sys/firmware/opal/dump/0x2-0x5/dump
[ "$sha" = "$(sha_of "$src")" ] || fail "hash $sha != sha256sum of the source"
[ "$(sha_of "$path")" = "$sha" ] || fail "stored file differs from the source"
grep -q '"acked": false' "$T/f.json" || fail "acked without --ack"
[ "$(head -c 3 "$R/sys/firmware/opal/dump/0x2-0x5/acknowledge")" = "ack" ] || fail "acknowledge changed"
grep -q 'ack - acknowledge dump' "$R/sys/firmware/opal/dump/0x2-0x5/acknowledge" || fail "fetch wrote acknowledge"
case $(basename "$path") in dump.0x2-0x5.${sha%"${sha#????????????}"}.SYSDUMP.*) ;; *) fail "file name $path" ;; esac
ls -A "$OUT" | grep -q '^\.partial' && fail "partial file left"

# zstd: the hash is still of the dump; the file decompresses to it
"$OPAL_DUMP" --root "$R" fetch 0x1a -o "$OUT" --min-free 0 --compress zstd --json >"$T/z.json" || fail "fetch zstd"
zpath=$(json_field path <"$T/z.json")
[ "$(json_field sha256 <"$T/z.json")" = "$(sha_of "$R/sys/firmware/opal/dump/0x3-0x1a/dump")" ] || fail "zstd hash"
[ "$(zstd -dc "$zpath" | sha256sum | cut -d' ' -f1)" = "$(sha_of "$R/sys/firmware/opal/dump/0x3-0x1a/dump")" ] || fail "zstd content"
"$OPAL_DUMP" parse "$zpath" | grep -q 'file name: *SYSDUMP' || fail "parse through zstd"

# ids: ambiguous bare id, unknown id, bad id
"$OPAL_DUMP" --root "$R" fetch 0x5 -o "$OUT" --min-free 0 2>"$T/err"; rc=$?
[ $rc -eq 3 ] || fail "ambiguous id: rc $rc"
grep -q 'ambiguous.*0x1-0x5.*0x2-0x5' "$T/err" || fail "ambiguous message: $(cat "$T/err")"
"$OPAL_DUMP" --root "$R" fetch 0x77 -o "$OUT" 2>/dev/null; [ $? -eq 3 ] || fail "unknown id rc"
"$OPAL_DUMP" --root "$R" ack 0x77 2>/dev/null; [ $? -eq 3 ] || fail "ack unknown id rc"

# fetch --ack: the ack is written only after the stored copy
"$OPAL_DUMP" --root "$R" fetch 1-5 -o "$OUT" --min-free 0 --ack >"$T/a.txt" || fail "fetch --ack"
grep -q '^acknowledged 0x1-0x5' "$T/a.txt" || fail "ack line"
if ! have_sim_dump; then
	[ "$(head -c 4 "$R/sys/firmware/opal/dump/0x1-0x5/acknowledge")" = "$(printf 'ack\n')" ] || fail "ack not written"
fi
"$OPAL_DUMP" --root "$R" ack "$n1" | grep -q "acknowledged 0x2-0x5" || fail "ack"

# the ppc64-diag fixtures
FIX=${SHARED_DATA:-}/pel/ppc64-diag-sysfs/firmware/opal
if [ -d "$FIX/dump" ]; then
	F=$T/fix/sys/firmware
	mkdir -p "$F" && cp -r "$FIX" "$F/" && chmod -R u+w "$T/fix"
	"$OPAL_DUMP" --root "$T/fix" list -o csv >"$T/fix.csv" || fail "fixture list"
	grep -q '^0xffffffff-0x01,0xffffffff,unknown,0x1,512$' "$T/fix.csv" || { cat "$T/fix.csv"; fail "fixture list row"; }
	"$OPAL_DUMP" --root "$T/fix" fetch 0x02 -o "$OUT" --min-free 0 >"$T/fx.txt" || fail "fixture fetch"
	grep -q 'dump.0xffffffff-0x02\.[0-9a-f]*\.platform.0x02$' "$T/fx.txt" || { cat "$T/fx.txt"; fail "fixture file name"; }
	"$OPAL_DUMP" parse -o json "$FIX/dump/0xffffffff-0x01/dump" >"$T/p.json" || fail "parse fixture"
	grep -q '"suggested_name": "platform.0x01"' "$T/p.json" || fail "fixture suggested name"
	grep -q '"prefix_size": 13362' "$T/p.json" || fail "fixture prefix size"
else
	echo "note: shared fixtures absent, fixture part skipped"
fi
echo "ok"
