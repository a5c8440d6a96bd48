#!/bin/sh
# tally.sh add SUITE PASSED FAILED | tally.sh total
# Keeps the pass/fail counts of every suite of one `make check` in build/check-tally.
f=${TALLY_FILE:-build/check-tally}
case "$1" in
add) mkdir -p "$(dirname "$f")"; echo "$2 $3 $4" >>"$f" ;;
reset) rm -f "$f" ;;
total)
	[ -f "$f" ] || { echo "no test suite ran"; exit 1; }
	awk '{p+=$2; f+=$3} END {printf "check: %d passed, %d failed\n", p, f; exit (f>0 || p==0)}' "$f" ;;
esac
