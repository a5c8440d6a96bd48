#!/bin/sh
# demo.sh - `make demo` until the daemon exists: decode the real sample PELs of the shared
# data (ppc64-diag sysfs tree, used in place through --root) and print their summaries, then
# one full report and the JSON of one log. Without the shared data, the same on the
# synthetic PELs of the fuzz seed corpus (tests/fuzz/corpus/pel). Environment:
# OPAL_RAS_BIN (binaries), SHARED_DATA (the shared data folder).
B=${OPAL_RAS_BIN:-build/bin}
D=${SHARED_DATA:-../shared/data}
here=$(cd "$(dirname "$0")/../.." && pwd)
SEEDS=$here/tests/fuzz/corpus/pel
tmp=$(mktemp -d /tmp/opal-ras-demo.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

step() { printf '\n==> %s\n' "$*"; }

if [ -d "$D/pel/ppc64-diag-sysfs/firmware/opal/elog" ]; then
	# a fake host root: <tmp>/sys/firmware -> the sample tree (read-only, not copied)
	mkdir -p "$tmp/sys"
	ln -s "$(cd "$D/pel/ppc64-diag-sysfs" && pwd)/firmware" "$tmp/sys/firmware"
	step "opal-elog parse --root $tmp -o summary   (the 9 logs of the ppc64-diag sample tree;"
	echo "    0x01 and 0x05 are fixed-offset fixtures without a PEL header: reported, exit 1)"
	"$B/opal-elog" parse --root "$tmp" -o summary
	echo "(exit status $?)"
	step "opal-elog parse $D/pel/ppc64-diag-sysfs/firmware/opal/elog/0x5034a000/eSEL"
	"$B/opal-elog" parse "$D/pel/ppc64-diag-sysfs/firmware/opal/elog/0x5034a000/eSEL"
	step "opal-elog parse -o json --section PH,UD --hex .../0x07/raw   (an OPAL log relayed by the FSP)"
	"$B/opal-elog" parse -o json --section PH,UD --hex \
		"$D/pel/ppc64-diag-sysfs/firmware/opal/elog/0x07/raw"
	if [ -d "$D/pel/malformed" ]; then
		step "opal-elog parse -o summary $D/pel/malformed   (robustness samples: warnings, never a crash)"
		"$B/opal-elog" parse -o summary "$D/pel/malformed"
		echo "(exit status $?: first-not-ph.pel and truncated-in-ph.pel are not PELs)"
	fi
else
	echo "shared data not found at $D: using the synthetic PELs of $SEEDS"
	mkdir -p "$tmp/sys/firmware/opal/elog"
	for f in good.pel good.esel skiboot.pel info.pel allsections.pel; do
		mkdir -p "$tmp/sys/firmware/opal/elog/$f" && cp "$SEEDS/$f" "$tmp/sys/firmware/opal/elog/$f/raw"
	done
	step "opal-elog parse --root $tmp -o summary"
	"$B/opal-elog" parse --root "$tmp" -o summary
	step "opal-elog parse $SEEDS/good.pel"
	"$B/opal-elog" parse "$SEEDS/good.pel"
	step "opal-elog parse -o json --section UH,PS $SEEDS/skiboot.pel"
	"$B/opal-elog" parse -o json --section UH,PS "$SEEDS/skiboot.pel"
fi
exit 0
