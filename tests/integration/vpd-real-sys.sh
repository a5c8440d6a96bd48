# opal-vpd on this machine's real /sys and /proc (no device-tree VPD; PCI vpd files
# absent or root-only): list --live and refresh succeed with whatever is there.
fail() { echo "FAIL: $*"; exit 1; }
V="$OPAL_RAS_BIN/opal-vpd"
[ -d /sys/bus/pci ] || { echo "no /sys/bus/pci on this machine"; exit 77; }
"$V" list --live >"$T/out" 2>"$T/err" || fail "list --live exit $?: $(cat "$T/err")"
head -1 "$T/out" | grep -q "^LOCATION" || fail "no table header"
"$V" list --live -o json >"$T/json" || fail "json"
grep -q '"origin": "live"' "$T/json" || fail "json origin"
"$V" list --live -o lsvpd >"$T/lsvpd" || fail "lsvpd"
head -1 "$T/lsvpd" | grep -qx '\*VC 5.0' || fail "lsvpd header"
"$V" --db "$T/ras.db" refresh >"$T/r" 2>"$T/err" || fail "refresh exit $?: $(cat "$T/err")"
grep -q "^snapshot 1: .* (baseline)" "$T/r" || fail "refresh output: $(cat "$T/r")"
"$V" --db "$T/ras.db" refresh >"$T/r2" || fail "second refresh"
grep -q "^snapshot 1: .* no change" "$T/r2" || fail "second refresh: $(cat "$T/r2")"
echo "ok: real root handled ($(($(wc -l <"$T/out") - 1)) FRUs)"
