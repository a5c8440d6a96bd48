#!/bin/sh
# flash-write-verify.sh - write/read/verify round trips on a file image built with
# `opal-flash create`: ECC encoding, dry-run plans, refusals (oversize, no terminal,
# read-only, golden side), ECC single-bit errors corrected and double-bit detected,
# erase of an ECC partition to valid blank ECC.
set -u
cd "$T" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
cat > layout.in <<'L'
@0,0x0,
@1,0x400000,G
HBEL,0x8000,0x24000,E,01,
GUARD,0x2C000,0x5000,EPF,01,
NVRAM,0x31000,0x90000,PF,01,
RO,0xC1000,0x10000,R,0,
OTHER_SIDE,0x400000,0x1000,,0,
OTHER_SIDE,0x0,0x1000,,1,
PAYLOAD,0x100000,0x100000,E,0,
BOOTKERNEL,0x200000,0x200000,,0,
PAYLOAD,0x500000,0x100000,EG,1,
BOOTKERNEL,0x600000,0x200000,G,1,
L
opal-flash create layout.in -F img --flash-size 0x800000 || fail "create"
opal-flash -F img verify > v0.txt || fail "fresh image does not verify"
[ "$(grep -c 'TOC@' v0.txt)" -eq 2 ] || fail "two sides expected"

head -c 500000 /dev/urandom > p.bin
opal-flash -F img write PAYLOAD p.bin --dry-run > plan.txt || fail "dry run"
grep -q 'erase+program' plan.txt || fail "plan: $(cat plan.txt)"
cmp -s img img.dry 2>/dev/null
cp img before.img
opal-flash -F img write PAYLOAD p.bin -n >/dev/null
cmp -s img before.img || fail "dry run changed the image"
opal-flash -F img write PAYLOAD p.bin < /dev/null 2> err.txt; rc=$?
[ $rc -eq 7 ] && grep -q 'without a terminal' err.txt || fail "no-tty refusal: $rc"
cmp -s img before.img || fail "refused write changed the image"
: > notadir
opal-flash -F img --db "$T/notadir/ras.db" -y write PAYLOAD p.bin > out.txt 2> err.txt || fail "write"
grep -q verified out.txt || fail "write output"
grep -q 'not recorded' err.txt || fail "no warning when the database cannot be opened: $(cat err.txt)"
opal-flash -F img read PAYLOAD --ecc -s 500000 -o back.bin || fail "read back"
cmp p.bin back.bin || fail "round trip"
opal-flash -F img read PAYLOAD --ecc --actual -o back2.bin || fail "read actual"
[ "$(wc -c < back2.bin)" -eq 500000 ] || fail "actual read length $(wc -c < back2.bin)"
opal-flash -F img verify > v1.txt || fail "verify after write"
grep PAYLOAD v1.txt | head -1 | grep -q ' ok$' || fail "PAYLOAD not ok: $(grep PAYLOAD v1.txt)"
cmp -s before.img img && fail "write did nothing"
# side 1 untouched by the side-0 write
[ "$(tail -c +$((0x400001)) before.img | sha256sum)" = "$(tail -c +$((0x400001)) img | sha256sum)" ] || fail "side 1 changed"

# a raw (non-ECC) write and read, recorded as a flash-op event
head -c 1000000 /dev/urandom > k.bin
opal-flash -F img --db "$T/ras.db" -y write BOOTKERNEL k.bin >/dev/null || fail "write BOOTKERNEL"
opal-elog list --db "$T/ras.db" --kind flash-op > ev.txt || fail "opal-elog list"
grep -q 'write *BOOTKERNEL' ev.txt || fail "write not recorded: $(cat ev.txt)"
opal-elog show --db "$T/ras.db" 1 | grep -q "sha256: $(sha256sum k.bin | cut -c1-64)" || fail "sha256 not recorded"
opal-flash -F img read BOOTKERNEL -s 1000000 -o k2.bin && cmp k.bin k2.bin || fail "raw round trip"

# refusals
head -c 2000000 /dev/urandom > big.bin
opal-flash -F img --no-record -y write PAYLOAD big.bin 2> err.txt; rc=$?
[ $rc -eq 7 ] && grep -q 'refusing' err.txt || fail "oversize: $rc"
head -c 12 /dev/urandom > odd.bin
opal-flash -F img --no-record -y write PAYLOAD odd.bin 2>/dev/null; [ $? -ne 0 ] || fail "unaligned ECC image accepted"
opal-flash -F img --no-record -y write RO odd.bin 2> err.txt; rc=$?
[ $rc -eq 7 ] && grep -q READONLY err.txt || fail "readonly: $rc"
opal-flash -F img --no-record -y -S 1 write PAYLOAD p.bin 2> err.txt; rc=$?
[ $rc -eq 7 ] && grep -q golden err.txt || fail "golden side: $rc"
opal-flash -F img --no-record -y -S 1 --force write PAYLOAD p.bin >/dev/null || fail "golden --force"

# ECC errors: a single-bit error is corrected, a double-bit error detected
flip() { # file offset xor
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ $3)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
flip img $((0x100000 + 9 * 100 + 2)) 16
opal-flash -F img verify > v2.txt; rc=$?
[ $rc -eq 0 ] || fail "single-bit: verify exit $rc"
grep PAYLOAD v2.txt | head -1 | grep -q 'corrected' || fail "single-bit not reported"
opal-flash -F img read PAYLOAD --ecc -s 500000 -o c.bin 2> err.txt && cmp p.bin c.bin || fail "single-bit not corrected"
grep -q 'corrected 1' err.txt || fail "correction not reported"
flip img $((0x100000 + 9 * 5000 + 1)) 3
opal-flash -F img verify -o json > v3.json; rc=$?
[ $rc -eq 4 ] || fail "double-bit: verify exit $rc"
grep -A 8 '"name": "PAYLOAD"' v3.json | head -9 > p.json
grep -q '"status": "damaged"' p.json && grep -q '"uncorrectable": 1,' p.json && grep -q '"corrected": 1,' p.json &&
	grep -q '"ok": false' v3.json || fail "json verify: $(cat p.json)"
if command -v python3 >/dev/null; then python3 -m json.tool v3.json >/dev/null || fail "invalid JSON"; fi
opal-flash -F img read PAYLOAD --ecc -o d.bin 2> err.txt; rc=$?
[ $rc -eq 4 ] && grep -q 'uncorrectable' err.txt && [ ! -e d.bin ] || fail "UE read: $rc"

# erase of an ECC partition leaves valid blank ECC (never plain 0xFF)
opal-flash -F img --no-record -y erase PAYLOAD > /dev/null || fail "erase"
opal-flash -F img verify > v4.txt || fail "verify after erase"
grep PAYLOAD v4.txt | head -1 | grep -q ' ok$' || fail "erased ECC partition not ok"
opal-flash -F img read PAYLOAD -s 18 -o blank.bin
[ "$(od -An -tx1 blank.bin | tr -d ' \n')" = "ffffffffffffffff00ffffffffffffffff00" ] || fail "blank ECC pattern"
opal-flash -F img info | grep ' PAYLOAD ' | head -1 | grep -q 'actual=0x00000000' || fail "actual after erase"

# guard create/clear with ECC-correct writes
opal-flash -F img --no-record -y guard create /Sys0/Node0/Proc3 >/dev/null || fail "guard create"
opal-flash -F img guard list | grep -q '/Sys0/Node0/Proc3' || fail "guard list"
opal-flash -F img --no-record -y guard create /Sys0/Node0/Proc3 2>/dev/null && fail "duplicate accepted"
opal-flash -F img verify | grep GUARD | head -1 | grep -q ' ok$' || fail "GUARD ECC after create"
opal-flash -F img --no-record -y guard clear all >/dev/null || fail "clear all"
opal-flash -F img guard list | grep -q 'No GARD' || fail "clear all left records"
echo ok
