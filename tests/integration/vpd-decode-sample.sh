# opal-vpd decode on the shared PCI VPD sample (README section 7): the lspci-style
# decode with a good checksum and exit 0; a copy with one corrupted byte still
# decodes, warns "RV checksum bad" on stderr and exits 5; JSON names the checksum.
fail() { echo "FAIL: $*"; exit 1; }
S="$SHARED_DATA/vpd/sample-pci-vpd.bin"
[ -r "$S" ] || { echo "shared data absent: $S"; exit 77; }
V="$OPAL_RAS_BIN/opal-vpd"

"$V" decode "$S" >"$T/out" 2>"$T/err" || fail "decode exit $? $(cat "$T/err")"
for l in "Product Name: Example 2-port 25GbE Adapter" "[PN] Part number: 01FT741" \
	"[EC] Engineering changes: P40094" "[SN] Serial number: Y050UF81Z00A" \
	"[MN] Manufacture ID: 31 30 33 37" "[V0] Vendor specific: 5x PCIe Gen4 x8" \
	"[RV] Reserved: checksum good, 4 byte(s) reserved" "[V1] Vendor specific: hostfw-1.2" \
	"[RW] Read-write area: 16 byte(s) free" "End"; do
	grep -qF "$l" "$T/out" || fail "missing line: $l"
done
[ -s "$T/err" ] && fail "unexpected stderr: $(cat "$T/err")"

"$V" decode -o json "$S" >"$T/json" || fail "json decode"
grep -q '"checksum": "good"' "$T/json" || fail "json checksum: $(cat "$T/json")"
grep -q '"product_name": "Example 2-port 25GbE Adapter"' "$T/json" || fail "json product name"

# Corrupt one byte of the serial number (offset 0x38).
cp "$S" "$T/bad.bin" && chmod u+w "$T/bad.bin"
printf 'X' | dd of="$T/bad.bin" bs=1 seek=56 conv=notrunc 2>/dev/null
"$V" decode "$T/bad.bin" >"$T/out2" 2>"$T/err2"; rc=$?
[ $rc -eq 5 ] || fail "corrupted copy: exit $rc, expected 5"
grep -q "RV checksum bad" "$T/err2" || fail "no checksum warning: $(cat "$T/err2")"
grep -qF "[RV] Reserved: checksum bad" "$T/out2" || fail "text does not say bad"
grep -qF "[SN] Serial number: X050UF81Z00A" "$T/out2" || fail "still decodes the fields"

# Not VPD at all, and a missing file.
printf '\377\377\377\377' >"$T/ff.bin"
"$V" decode "$T/ff.bin" 2>"$T/err3"; rc=$?
[ $rc -eq 1 ] || fail "0xff image: exit $rc"
grep -q "no VPD EEPROM" "$T/err3" || fail "0xff message: $(cat "$T/err3")"
"$V" decode "$T/none.bin" 2>/dev/null; [ $? -eq 1 ] || fail "missing file"
echo "ok: sample decodes with a good checksum; a corrupted copy warns (exit 5)"
