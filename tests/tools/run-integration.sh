#!/bin/sh
# Run every integration test tests/integration/*.sh (or those named in $TESTS).
# A test exits 0 (pass), 77 (skip: a peer or the shared data is absent, it says which)
# or anything else (fail). Environment given to tests: OPAL_RAS_BIN (the binaries),
# SHARED_DATA, SAN (1 under sanitizers), STRESS (1 for the long variants), T (a fresh
# temporary directory, removed afterwards unless KEEP=1).
here=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0; skip=0
export OPAL_RAS_BIN SHARED_DATA SAN STRESS
export PATH="$OPAL_RAS_BIN:$PATH"
for t in ${TESTS:-tests/integration/*.sh}; do
	[ -f "$t" ] || continue
	T=$(mktemp -d /tmp/opal-ras-it.XXXXXX); export T
	start=$(date +%s)
	sh "$t" >"$T.log" 2>&1; r=$?
	d=$(( $(date +%s) - start ))
	case $r in
	0) pass=$((pass + 1)); echo "PASS $(basename "$t") (${d}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $(basename "$t"): $(tail -1 "$T.log")" ;;
	*) fail=$((fail + 1)); echo "FAIL $(basename "$t") (rc $r)"; tail -40 "$T.log" ;;
	esac
	[ "${KEEP:-0}" = 1 ] || rm -rf "$T" "$T.log"
done
sh "$here/tally.sh" add integration $pass $fail
echo "integration: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
