#!/bin/sh
# dump-kill.sh - SIGKILL the real opal-dump in the middle of copying a big dump: no file
# that looks complete is left (only a hidden .partial.*), the dump is still unacked, and
# the next fetch succeeds with the right hash and removes the dead fetcher's partial file.
. "$(dirname "$0")/lib/dump.sh"
R=$T/root
OUT=$T/out
size=${DUMP_KILL_SIZE:-256M}
name=$(mk_dump "$R" 2 0x33 "$size" sparse) || exit 1
src=$R/sys/firmware/opal/dump/$name/dump
cat "$src" >/dev/null # warm the cache so only the copy is timed

killed=0
for attempt in 1 2 3; do
	rm -rf "$OUT"
	"$OPAL_DUMP" --root "$R" fetch "$name" -o "$OUT" --min-free 0 -q >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 500 ]; do
		p=$(ls -A "$OUT" 2>/dev/null | grep '^\.partial' | head -1)
		if [ -n "$p" ] && [ "$(stat -c %s "$OUT/$p" 2>/dev/null || echo 0)" -gt 8388608 ]; then
			kill -9 $pid 2>/dev/null && killed=1
			break
		fi
		sleep 0.01; i=$((i + 1))
	done
	wait $pid 2>/dev/null
	[ $killed = 1 ] && break
done
[ $killed = 1 ] || skip "could not catch the fetch mid-copy in 3 tries (machine too fast)"

ls -A "$OUT" >"$T/after-kill"
grep -q '^dump\.' "$T/after-kill" && fail "a complete-looking file exists after SIGKILL: $(cat "$T/after-kill")"
grep -q '^\.partial\.' "$T/after-kill" || fail "expected the hidden partial file"
grep -q 'ack - acknowledge dump' "$R/sys/firmware/opal/dump/$name/acknowledge" || fail "acknowledged after a kill"
[ -d "$R/sys/firmware/opal/dump/$name" ] || fail "dump gone after a kill"

"$OPAL_DUMP" --root "$R" fetch "$name" -o "$OUT" --min-free 0 --json >"$T/f.json" || fail "second fetch"
[ "$(json_field sha256 <"$T/f.json")" = "$(sha_of "$src")" ] || fail "hash after retry"
ls -A "$OUT" | grep -q '^\.partial' && fail "the dead fetcher's partial file was not removed"
[ "$(ls -A "$OUT" | grep -c '^dump\.')" = 1 ] || fail "expected exactly one fetched file"
echo ok
