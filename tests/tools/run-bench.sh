#!/bin/sh
# Run every benchmark; each prints its own report lines. Benchmarks report, never assert.
for b in "$@"; do echo "== $(basename "$b")"; "$b" || echo "$(basename "$b") exited $?"; done
