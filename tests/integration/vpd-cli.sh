# opal-vpd usage and exit codes: --help with EXAMPLES, bad usage 2, no database 3,
# unknown location or snapshot 4; decode of IPZ blobs written by the simulator.
fail() { echo "FAIL: $*"; exit 1; }
V="$OPAL_RAS_BIN/opal-vpd"
"$V" --help | grep -q "^Examples:" || fail "help has no examples"
"$V" >/dev/null 2>&1; [ $? -eq 2 ] || fail "no command: not 2"
"$V" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command: not 2"
"$V" -o yaml list >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad format: not 2"
"$V" -o csv show X >/dev/null 2>&1; [ $? -eq 2 ] || fail "csv show: not 2"
"$V" diff 1 >/dev/null 2>&1; [ $? -eq 2 ] || fail "diff one arg: not 2"
"$V" diff 0 x >/dev/null 2>&1; [ $? -eq 2 ] || fail "diff bad ids: not 2"
"$V" --db "$T/none.db" list 2>"$T/err"; [ $? -eq 3 ] || fail "no db: not 3"
grep -q "no database" "$T/err" || fail "no db message: $(cat "$T/err")"
"$V" --db "$T/none.db" history >/dev/null 2>&1; [ $? -eq 3 ] || fail "history no db: not 3"
[ -e "$T/none.db" ] && fail "a reader created the database"
command -v opal-sim >/dev/null 2>&1 || PATH="$OPAL_RAS_BIN:$PATH"
if "$OPAL_RAS_BIN/opal-sim" --help 2>&1 | grep -q "vpd swap"; then
	"$OPAL_RAS_BIN/opal-sim" init "$T/root" >/dev/null 2>&1 || fail "opal-sim init"
	"$V" --root "$T/root" --db "$T/ras.db" refresh >/dev/null || fail refresh
	"$V" --db "$T/ras.db" show U0000.000.NONE 2>/dev/null; [ $? -eq 4 ] || fail "unknown location: not 4"
	"$V" --db "$T/ras.db" diff 1 7 2>/dev/null; [ $? -eq 4 ] || fail "unknown snapshot: not 4"
	n=$(find "$T/root/proc/device-tree/vpd" -name ibm,vpd | wc -l)
	[ "$n" -ge 10 ] || fail "only $n ibm,vpd properties"
	f=$(find "$T/root/proc/device-tree/vpd" -path '*anchor-card*' -name ibm,vpd)
	"$V" decode "$f" >"$T/anchor" || fail "decode anchor"
	grep -q "^Record VINI" "$T/anchor" || fail "anchor record: $(cat "$T/anchor")"
	grep -qF "[CC] Customer Card ID Number: 52FE" "$T/anchor" || fail "anchor CC"
	"$V" decode --ipz -o json "$T/root/proc/device-tree/vpd/ibm,vpd" | grep -q '"record": "VSYS"' ||
		fail "system VPD"
fi
echo "ok: usage and exit codes"
