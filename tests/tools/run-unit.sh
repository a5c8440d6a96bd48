#!/bin/sh
# Run every Criterion unit-test binary given; print a summary; fail if any test failed.
# Criterion exits non-zero on any failing or crashing test (and on a sanitizer abort).
here=$(dirname "$0")
pass=0; fail=0; rc=0
for t in "$@"; do
	out=$("$t" --jobs=2 2>&1); r=$?
	syn=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -1)
	p=$(printf '%s' "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(printf '%s' "$syn" | sed -n 's/.*Failing: \([0-9]*\).*Crashing: \([0-9]*\).*/\1 \2/p')
	p=${p:-0}; set -- $f; f=$(( ${1:-0} + ${2:-0} ))
	if [ $r -ne 0 ] || [ -z "$syn" ]; then
		printf '%s\n' "$out" | grep -v 'Criterion v' | tail -60
		[ $f -eq 0 ] && f=1
		rc=1
	fi
	echo "$(basename "$t"): $p passed, $f failed"
	pass=$((pass + p)); fail=$((fail + f))
done
sh "$here/tally.sh" add unit $pass $fail
echo "unit: $pass passed, $fail failed"
exit $rc
