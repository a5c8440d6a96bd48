#!/bin/sh
# dump-enospc.sh - fetching into a full filesystem (a 1 MiB tmpfs; a loop image if tmpfs
# cannot be mounted): the free-space policy refuses with a clear message and exit 5; with
# the pre-check off the write hits ENOSPC, the error is clear, the temporary file is
# removed, and the dump is never acknowledged (not even with --ack).
. "$(dirname "$0")/lib/dump.sh"
R=$T/root
M=$T/mnt
mkdir -p "$M"
name=$(mk_dump "$R" 2 7 4M) || exit 1
ackf=$R/sys/firmware/opal/dump/$name/acknowledge

mounted=
if mount -t tmpfs -o size=1m tmpfs "$M" 2>/dev/null; then
	mounted=tmpfs
elif command -v mkfs.ext4 >/dev/null && truncate -s 2M "$T/img" && mkfs.ext4 -q "$T/img" 2>/dev/null &&
	mount -o loop "$T/img" "$M" 2>/dev/null; then
	mounted=loop
fi
[ -n "$mounted" ] || skip "cannot mount a small tmpfs or loop image (needs root)"
trap 'umount "$M" 2>/dev/null' EXIT

"$OPAL_DUMP" --root "$R" fetch "$name" -o "$M" --min-free 0 --ack 2>"$T/err1"; rc=$?
[ $rc -eq 5 ] || fail "policy refusal: rc $rc ($(cat "$T/err1"))"
grep -q 'not enough free space' "$T/err1" || fail "message: $(cat "$T/err1")"
grep -q 'left with firmware (not acknowledged)' "$T/err1" || fail "message: $(cat "$T/err1")"

"$OPAL_DUMP" --root "$R" fetch "$name" -o "$M" --no-space-check --ack --json >"$T/o2" 2>"$T/err2"; rc=$?
[ $rc -eq 5 ] || fail "ENOSPC: rc $rc ($(cat "$T/err2"))"
grep -q 'No space left on device' "$T/err2" || fail "message: $(cat "$T/err2")"
grep -q '"stored": false' "$T/o2" || fail "json: $(cat "$T/o2")"
grep -q '"acked": false' "$T/o2" || fail "json acked"
left=$(ls -A "$M" | grep -v '^lost+found$')
[ -z "$left" ] || fail "files left on the full filesystem: $left"
grep -q 'ack - acknowledge dump' "$ackf" || fail "the dump was acknowledged"
echo "ok ($mounted)"
