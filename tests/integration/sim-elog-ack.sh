#!/bin/sh
# sim-elog-ack.sh - under `run`, a write to acknowledge removes the log directory and is
# logged in order in .sim/actions.log; acks written before run started, or right after
# a log appeared, are seen too; `reboot` re-offers exactly the un-acked logs.
set -eu
R=$T/root
E=$R/sys/firmware/opal/elog
opal-sim init "$R"
opal-sim inject "$R" elog --count 6
# acked while nobody emulates the kernel: applied when run starts
echo ack > "$E/0x50100005/acknowledge"
opal-sim run "$R" --quiet & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0; while [ ! -f "$R/.sim/run.ready" ]; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ]; done
for id in 0x50100002 0x50100000 0x50100004; do
	echo ack > "$E/$id/acknowledge"
done
# a log acked the instant it appears
opal-sim inject "$R" elog --count 1
echo ack > "$E/0x50100006/acknowledge"
i=0; while [ -d "$E/0x50100006" ] || [ -d "$E/0x50100004" ]; do sleep 0.05; i=$((i+1)); [ $i -lt 100 ] || { echo "ack not processed"; exit 1; }; done
grep '^ack elog' "$R/.sim/actions.log" > "$T/acks"
printf 'ack elog 0x50100005\nack elog 0x50100002\nack elog 0x50100000\nack elog 0x50100004\nack elog 0x50100006\n' > "$T/want"
diff "$T/want" "$T/acks" || { echo "ack order differs"; exit 1; }
[ "$(ls "$E")" = "$(printf '0x50100001\n0x50100003')" ] || { echo "remaining: $(ls "$E")"; exit 1; }
# a second ack of a removed log is a harmless no-op (the file is gone)
kill $pid; wait $pid || true
trap - EXIT
[ ! -f "$R/.sim/run.ready" ] || { echo "run.ready left behind"; exit 1; }
# reboot: kernel memory is gone, RESEND offers the un-acked logs again
echo ack > "$E/0x50100003/acknowledge"   # written while run was down
opal-sim reboot "$R"
[ "$(ls "$E")" = "0x50100001" ] || { echo "after reboot: $(ls "$E")"; exit 1; }
grep -q '^ack elog 0x50100003 (at reboot)' "$R/.sim/actions.log"
grep -q '^reboot elog re-offered 1' "$R/.sim/actions.log"
[ "$(cat "$E/0x50100001/acknowledge")" = "ack - acknowledge log message" ]
# reboot twice is stable
opal-sim reboot "$R"
[ "$(ls "$E")" = "0x50100001" ]
echo ok
