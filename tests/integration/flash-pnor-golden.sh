#!/bin/sh
# flash-pnor-golden.sh - opal-flash on the shared 64 MiB PNOR: the table equals
# pflash -i, partition reads equal the expected SHA-256 sums, the GUARD list equals
# opal-gard's, JSON is valid, a corrupted TOC checksum is refused (exit 3).
set -u
D="$SHARED_DATA/pnor"
[ -f "$D/pnor-64M.img.xz" ] || { echo "skip: $D/pnor-64M.img.xz absent"; exit 77; }
command -v xz >/dev/null || { echo "skip: xz not installed"; exit 77; }
cd "$T" || exit 1
xz -dc "$D/pnor-64M.img.xz" > pnor-64M.img || exit 1
xz -dc "$D/pnor-64M-with-gard.img.xz" > gard.img || exit 1
fail() { echo "FAIL: $*"; exit 1; }

opal-flash -F pnor-64M.img info > info.txt || fail "info exited $?"
# the erase granule is the file backend's real erase block (pflash says 0KB)
grep -v '^Erase granule' info.txt > a.txt
grep -v '^Erase granule' "$D/expected/pflash-info.txt" > b.txt
diff -u b.txt a.txt || fail "info differs from pflash -i"
grep -q '^Erase granule = 64KB' info.txt || fail "erase granule line"

opal-flash -F pnor-64M.img info -o json > info.json || fail "info json"
[ "$(grep -c '"name": ' info.json)" -eq 15 ] || fail "json: 14 partitions + the device name"
grep -A 14 '"name": "GUARD"' info.json > g.json
grep -q '"base": "0x0002C000"' g.json && grep -q '"ecc": true' g.json && grep -q '"preserved": true' g.json ||
	fail "json GUARD entry: $(cat g.json)"
if command -v python3 >/dev/null; then python3 -m json.tool info.json >/dev/null || fail "invalid JSON"; fi

while read -r sum file; do
	part=${file%.bin}
	opal-flash -F pnor-64M.img read "$part" -o "$file" || fail "read $part"
	echo "$sum  $file" | sha256sum -c --quiet || fail "sha256 of $part"
done < "$D/expected/partition-sha256-as-read-by-pflash.txt"

opal-flash -F gard.img guard list > gard.txt || fail "guard list exited $?"
diff -u "$D/expected/opal-gard-list.txt" gard.txt || fail "guard list differs from opal-gard"
opal-flash -F pnor-64M.img guard list | grep -q 'No GARD entries' || fail "empty guard list"

# ECC-decoded read of an ffspart image with an erased tail: the data, and a note
opal-flash -F pnor-64M.img read HBB --ecc -o hbb.data 2> hbb.err || fail "read --ecc HBB"
grep -q 'erased' hbb.err || fail "no erased-tail note"
[ "$(wc -c < hbb.data)" -eq 65536 ] || fail "HBB data length $(wc -c < hbb.data)"

# corrupted TOC header checksum: clear error, exit 3, nothing read
cp pnor-64M.img bad.img
printf '\001' | dd of=bad.img bs=1 seek=44 conv=notrunc 2>/dev/null
opal-flash -F bad.img info > /dev/null 2> err.txt; rc=$?
[ $rc -eq 3 ] || fail "corrupt TOC: exit $rc, expected 3"
grep -q 'header checksum mismatch' err.txt || fail "message: $(cat err.txt)"
opal-flash -F bad.img read HBB -o x.bin 2>/dev/null; rc=$?
[ $rc -eq 3 ] && [ ! -e x.bin ] || fail "read on corrupt TOC: exit $rc"
# corrupted entry checksum
cp pnor-64M.img bad2.img
printf '\001' | dd of=bad2.img bs=1 seek=$((48 + 128 * 5 + 0x28)) conv=notrunc 2>/dev/null
opal-flash -F bad2.img verify > /dev/null 2> err.txt; rc=$?
[ $rc -eq 3 ] && grep -q 'entry 5' err.txt || fail "entry checksum: exit $rc $(cat err.txt)"
# erased flash
head -c 1048576 /dev/zero | tr '\0' '\377' > blank.img
opal-flash -F blank.img info 2> err.txt; rc=$?
[ $rc -eq 3 ] && grep -q 'erased' err.txt || fail "erased flash: exit $rc"
echo ok
