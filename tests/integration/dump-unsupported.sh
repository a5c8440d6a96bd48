#!/bin/sh
# dump-unsupported.sh - a host without /sys/firmware/opal/dump (BMC systems) or without
# initiate_dump: a clear "not supported on this system" and exit 4, not a generic error;
# usage errors exit 2; --help shows EXAMPLES.
. "$(dirname "$0")/lib/dump.sh"
E=$T/empty
mkdir -p "$E"
for cmd in list "fetch 0x1" "ack 0x1" initiate; do
	"$OPAL_DUMP" --root "$E" $cmd >/dev/null 2>"$T/err"; rc=$?
	[ $rc -eq 4 ] || fail "$cmd: rc $rc"
	grep -q 'not supported on this system' "$T/err" || fail "$cmd: $(cat "$T/err")"
done
# a dump directory without initiate_dump: listing works, initiate is unsupported
R=$T/root
mk_dump "$R" 2 1 4K >/dev/null || exit 1
rm -f "$R/sys/firmware/opal/dump/initiate_dump"
"$OPAL_DUMP" --root "$R" list >/dev/null || fail "list"
"$OPAL_DUMP" --root "$R" initiate 2>"$T/err"; [ $? -eq 4 ] || fail "initiate rc"
grep -q 'initiate_dump does not exist' "$T/err" || fail "initiate message"
# with initiate_dump: "1" is written
printf '1 - initiate Service Processor(FSP) dump\n' >"$R/sys/firmware/opal/dump/initiate_dump"
"$OPAL_DUMP" --root "$R" initiate >/dev/null || fail "initiate"
[ "$(head -c 1 "$R/sys/firmware/opal/dump/initiate_dump")" = 1 ] || fail "initiate wrote"
# usage
"$OPAL_DUMP" 2>/dev/null; [ $? -eq 2 ] || fail "no command"
"$OPAL_DUMP" frobnicate 2>/dev/null; [ $? -eq 2 ] || fail "bad command"
"$OPAL_DUMP" --root "$R" fetch 2>/dev/null; [ $? -eq 2 ] || fail "fetch without id"
"$OPAL_DUMP" --root "$R" list -o xml 2>/dev/null; [ $? -eq 2 ] || fail "bad format"
"$OPAL_DUMP" --root "$R" list --ack 2>/dev/null; [ $? -eq 2 ] || fail "option for another command"
"$OPAL_DUMP" prune -o "$T" 2>/dev/null; [ $? -eq 2 ] || fail "prune without limits"
"$OPAL_DUMP" --help | grep -q '^EXAMPLES' || fail "--help examples"
"$OPAL_DUMP" parse "$T/nonexistent" 2>/dev/null; [ $? -eq 1 ] || fail "parse missing file"
echo ok
