#!/bin/sh
# run-fuzz.sh regress|fuzz TARGET...
# regress: run each target once over its seed corpus (tests/fuzz/corpus/<name>/) and the
# shared malformed data; fuzz: coverage-guided fuzzing for $FUZZ_TIME seconds per target.
mode=$1; shift
here=$(dirname "$0")
pass=0; fail=0
for t in "$@"; do
	name=$(basename "$t")
	seeds="tests/fuzz/corpus/${name#fuzz_}"
	mkdir -p "$seeds"
	if [ "$mode" = fuzz ]; then
		work="build/fuzz/corpus-${name#fuzz_}"; mkdir -p "$work"
		"$t" -max_total_time="${FUZZ_TIME:-20}" -rss_limit_mb=2048 -max_len=65536 \
			-artifact_prefix=build/fuzz/"$name"- "$work" "$seeds" >build/fuzz/"$name".log 2>&1
	else
		files=$(find "$seeds" -type f | sort)
		if [ -z "$files" ]; then
			echo "no seed corpus in $seeds" >build/fuzz/"$name".log; false
		else
			"$t" $files >build/fuzz/"$name".log 2>&1
		fi
	fi
	if [ $? -eq 0 ]; then pass=$((pass + 1)); echo "$name: ok"
	else fail=$((fail + 1)); echo "$name: FAILED"; tail -30 build/fuzz/"$name".log; fi
done
[ "$mode" = regress ] && sh "$here/tally.sh" add fuzz $pass $fail
echo "fuzz-$mode: $pass passed, $fail failed"
[ $fail -eq 0 ]
