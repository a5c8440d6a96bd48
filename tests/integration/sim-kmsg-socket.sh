#!/bin/sh
# sim-kmsg-socket.sh - ROOT/dev/kmsg is a SOCK_SEQPACKET socket: one record per read in
# /dev/kmsg format, a new reader starts at the oldest record of the ring, and a reader
# that falls behind the ring sees the sequence jump. The reader is `opal-sim dmesg
# --check`, which fails unless every read() returns exactly one record.
set -eu
R=$T/root
opal-sim init "$R"
opal-sim inject "$R" kmsg --mce --cpu 7 --ea 0x1000 --not-recovered
rc=0; opal-sim dmesg "$R" 2>/dev/null || rc=$?
[ $rc -eq 1 ] || { echo "dmesg without run: rc $rc, want 1"; exit 1; }
opal-sim run "$R" --quiet --set kmsg.ring=32 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0; while [ ! -f "$R/.sim/run.ready" ]; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ]; done
[ -S "$R/dev/kmsg" ] || { echo "dev/kmsg is not a socket"; exit 1; }
seqs() { awk -F'[,;]' '!/^ / { printf "%s ", $2 }' "$1"; }

# a new reader gets the whole ring from the oldest record, one record per read
opal-sim dmesg "$R" --check > "$T/out1"
grep -q '^3,5,[0-9]*,-;MCE: CPU7: machine check (Severe)  UE Load/Store DAR: 0000000000001000 \[Not recovered\]$' "$T/out1" || { cat "$T/out1"; echo "MCE record"; exit 1; }
[ "$(seqs "$T/out1")" = "0 1 2 3 4 5 6 7 8 " ] || { echo "seqs: $(seqs "$T/out1")"; exit 1; }

# records injected while run is up; escaping and dictionary lines
opal-sim inject "$R" kmsg --text 'hello	world' --dict SUBSYSTEM=pci --dict DEVICE=+pci:0000:01:00.0
opal-sim dmesg "$R" --check > "$T/out2"
grep -q '^6,9,[0-9]*,-;hello\\x09world$' "$T/out2" || { cat "$T/out2"; echo "escaped text"; exit 1; }
grep -A2 '^6,9,' "$T/out2" | grep -q '^ SUBSYSTEM=pci$'
grep -A2 '^6,9,' "$T/out2" | grep -q '^ DEVICE=+pci:0000:01:00.0$'
[ "$(seqs "$T/out2")" = "0 1 2 3 4 5 6 7 8 9 " ] || { echo "seqs: $(seqs "$T/out2")"; exit 1; }

# overrun: a reader stalls after its first record while 2000 records pass a 32-record ring
opal-sim dmesg "$R" --check --ready "$T/ready" --resume "$T/go" > "$T/out3" & rpid=$!
i=0; while [ ! -f "$T/ready" ]; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ]; done
opal-sim inject "$R" kmsg --text flood --count 2000
i=0; until [ "$(wc -l < "$R/.sim/kmsg.log")" -ge 2012 ]; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ]; done
sleep 0.3 # let run take the flood into its ring
touch "$T/go"
wait $rpid
seqs "$T/out3" | awk '{
	for (i = 2; i <= NF; i++) {
		if ($i <= $(i-1)) { print "seq went back: " $(i-1) " -> " $i; exit 1 }
		if ($i != $(i-1) + 1) gaps++
	}
	if (!gaps) { print "no sequence gap after the overrun"; exit 1 }
	if ($NF != 2009) { print "last seq " $NF ", want 2009"; exit 1 }
	if (NF >= 2000) { print NF " records: the ring should bound a slow reader"; exit 1 }
	print "gap ok: " NF " records, " gaps " gap(s)"
}'
# a new reader now starts at the oldest record still in the ring
opal-sim dmesg "$R" --check > "$T/out4"
[ "$(seqs "$T/out4" | awk '{ print $1, NF }')" = "1978 32" ] || { echo "ring: $(seqs "$T/out4" | awk '{ print $1, NF }')"; exit 1; }
kill $pid; wait $pid || true
trap - EXIT
echo ok
