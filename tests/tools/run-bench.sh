#!/bin/sh
# Run every benchmark; each prints its own report lines. Benchmarks report, never assert.
export OPAL_RAS_BIN="${OPAL_RAS_BIN:-$(pwd)/build/bin}"
for b in "$@"; do echo "== $(basename "$b")"; "$b" || echo "$(basename "$b") exited $?"; done
