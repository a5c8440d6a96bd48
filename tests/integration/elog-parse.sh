#!/bin/sh
# elog-parse.sh - the real `opal-elog parse` binary on the ppc64-diag sample tree and the
# malformed PELs: exit codes (0 clean, 1 unreadable/undecodable, 2 usage, 4 --strict with
# warnings), --root over a temporary sysfs root, JSON validity, summary, --section, stdin.
set -u
D=${SHARED_DATA:-../shared/data}
ELOG=$D/pel/ppc64-diag-sysfs/firmware/opal/elog
MAL=$D/pel/malformed
B=${OPAL_RAS_BIN:-build/bin}
T=${T:-$(mktemp -d)}
fail=0
ck() { # ck DESCRIPTION EXPECTED_RC ACTUAL_RC
	if [ "$2" != "$3" ]; then echo "FAIL: $1: rc $3, expected $2"; fail=1; else echo "ok: $1"; fi
}
has() { # has DESCRIPTION FILE PATTERN
	if grep -q -- "$3" "$2"; then echo "ok: $1"; else echo "FAIL: $1: no '$3' in $2"; sed 's/^/  | /' "$2" | head -20; fail=1; fi
}

if [ ! -d "$ELOG" ] || [ ! -d "$MAL" ]; then
	echo "shared PEL data absent at $D/pel"
	exit 77
fi

"$B/opal-elog" --help >"$T/h" 2>&1; ck "opal-elog --help" 0 $?
has "--help lists parse" "$T/h" "parse"
"$B/opal-elog" parse --help >"$T/h" 2>&1; ck "parse --help" 0 $?
has "parse --help has EXAMPLES" "$T/h" "EXAMPLES"
"$B/opal-elog" >/dev/null 2>&1; ck "no subcommand" 2 $?
"$B/opal-elog" frobnicate >/dev/null 2>&1; ck "unknown subcommand" 2 $?
"$B/opal-elog" parse -o xml "$ELOG/0x07/raw" >/dev/null 2>"$T/e"; ck "bad -o" 2 $?
has "bad -o names the formats" "$T/e" "text json summary"
"$B/opal-elog" parse --bogus >/dev/null 2>&1; ck "unknown option" 2 $?
"$B/opal-elog" parse --section 'P#' "$ELOG/0x07/raw" >/dev/null 2>&1; ck "bad --section" 2 $?

# one real PEL, text
"$B/opal-elog" parse "$ELOG/0x5034a000/raw" >"$T/o" 2>"$T/e"; ck "real PEL" 0 $?
has "text shows the SRC" "$T/o" "Reference Code            : 11007201"
has "text shows the callout" "$T/o" "U78AB.001.WZSGBJ6"
has "text shows the symptom id" "$T/o" "11007201_003C0001_00007201"
[ -s "$T/e" ] && { echo "FAIL: stderr not empty"; fail=1; }

# eSEL from stdin
"$B/opal-elog" parse - <"$ELOG/0x5034a000/eSEL" >"$T/o" 2>&1; ck "eSEL on stdin" 0 $?
has "eSEL header shown" "$T/o" "eSEL Header"

# not a PEL: rc 1, message names file and offset
"$B/opal-elog" parse "$ELOG/0x01/raw" >"$T/o" 2>"$T/e"; ck "fixed-offset fixture 0x01" 1 $?
has "error names the file" "$T/e" "0x01/raw: not a PEL"
has "error names the offset" "$T/e" "at offset 0"
"$B/opal-elog" parse "$T/does-not-exist" >/dev/null 2>"$T/e"; ck "missing file" 1 $?
has "missing file named" "$T/e" "does-not-exist"

# warnings: exit 0, or 4 with --strict
"$B/opal-elog" parse "$MAL/unknown-section.pel" >"$T/o" 2>&1; ck "warnings without --strict" 0 $?
has "warning printed" "$T/o" "unknown-section"
"$B/opal-elog" parse --strict "$MAL/unknown-section.pel" >/dev/null 2>&1; ck "--strict with warnings" 4 $?
"$B/opal-elog" parse --strict "$MAL/good.pel" >/dev/null 2>&1; ck "--strict clean" 0 $?
"$B/opal-elog" parse --strict "$MAL/good.pel" "$MAL/first-not-ph.pel" >/dev/null 2>&1
ck "failure wins over warnings" 1 $?

# every malformed sample: never a crash (rc 0 or 1 only)
mkdir -p "$T/mj"
for f in "$MAL"/*; do
	"$B/opal-elog" parse -o json --hex "$f" >"$T/mj/$(basename "$f").json" 2>/dev/null; r=$?
	case $r in 0|1) ;; *) echo "FAIL: $f: rc $r"; fail=1 ;; esac
done
python3 -c '
import json, sys
for p in sys.argv[1:]:
    json.load(open(p))
' "$T"/mj/*.json || { echo "FAIL: invalid JSON for a malformed sample"; fail=1; }
echo "ok: malformed samples"

# --root over a temporary sysfs root (the sample tree placed at sys/firmware/opal)
mkdir -p "$T/root/sys"
ln -s "$(cd "$D/pel/ppc64-diag-sysfs" && pwd)/firmware" "$T/root/sys/firmware"
"$B/opal-elog" parse --root "$T/root" -o json >"$T/j" 2>"$T/e"
ck "--root json (0x01 and 0x05 are not PELs)" 1 $?
python3 - "$T/j" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 9, len(d)  # 9 log directories (the eSEL copy is not read by --root)
ok = [x for x in d if "error" not in x]
bad = [x for x in d if "error" in x]
assert len(ok) == 7 and len(bad) == 2, (len(ok), len(bad))
by = {x["entry_id"]: x for x in ok}
assert by["0x5034A000"]["reference_code"] == "11007201"
assert by["0x5034A000"]["sections"][2]["callouts"][0]["location"] == "U78AB.001.WZSGBJ6"
assert by["0x00000007"]["plid"] == "0xB0000008"
assert by["0x5055ED2E"]["length"] == 740
assert len(by["0x5055ED2E"]["sections"]) == 12
assert by["0x50000006"]["sections"][1]["comment"] == "call home comment goes here"
print("ok: --root json content")
PY
has "stderr names 0x05" "$T/e" "0x05/raw: not a PEL"

"$B/opal-elog" parse --root "$T/root" -o summary >"$T/s" 2>/dev/null; ck "--root summary" 1 $?
has "summary header" "$T/s" "^ID  "
has "summary row 5034a000" "$T/s" "^0x5034A000 2014-03-13 08:15:55 11007201 + Predictive Error"
has "summary row 07" "$T/s" "^0x00000007 2014-07-09 23:58:54 BB828010   Predictive Error"
[ "$(grep -c '^0x' "$T/s")" = 7 ] || { echo "FAIL: 7 summary rows expected"; fail=1; }

# a directory operand, section filter, hex dumps
mkdir -p "$T/dir"
cp "$ELOG/0x07/raw" "$T/dir/a.pel"; cp "$MAL/good.pel" "$T/dir/b.pel"
"$B/opal-elog" parse --section ud --hex "$T/dir" >"$T/o" 2>&1; ck "directory operand" 0 $?
[ "$(grep -c '^PEL ' "$T/o")" = 2 ] || { echo "FAIL: 2 PELs expected from the directory"; fail=1; }
has "hex dump of UD" "$T/o" "44 45 53 43 00 3c 00 00"
if grep -q "Private Header" "$T/o"; then echo "FAIL: --section ud shows PH"; fail=1; fi

exit $fail
