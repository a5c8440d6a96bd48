#!/bin/sh
# sim-kmsg-socket.sh - ROOT/dev/kmsg is a SOCK_SEQPACKET socket: one record per read in
# /dev/kmsg format, a new reader starts at the oldest record of the ring, and a reader
# that falls behind the ring sees the sequence jump.
set -eu
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
R=$T/root
opal-sim init "$R"
opal-sim inject "$R" kmsg --mce --cpu 7 --ea 0x1000 --not-recovered
opal-sim run "$R" --quiet --set kmsg.ring=32 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0; while [ ! -f "$R/.sim/run.ready" ]; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ]; done
[ -S "$R/dev/kmsg" ] || { echo "dev/kmsg is not a socket"; exit 1; }
cat > "$T/reader.py" <<'PY'
import os, socket, sys, time
path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(path)
if mode == "stall":
    # connect, read one record, then stop reading while the writer floods the ring
    first = s.recv(8192)
    open(sys.argv[3], "w").write("ready\n")
    while not os.path.exists(sys.argv[4]):
        time.sleep(0.02)
s.settimeout(0.5)
seqs = []
try:
    while True:
        d = s.recv(8192)
        if not d:
            break
        t = d.decode()
        assert t.endswith("\n"), t
        head, text = t.split(";", 1)
        f = head.split(",")
        assert len(f) >= 4 and f[3] == "-", head
        assert text.count("\n") == 1 or text.split("\n", 1)[1].startswith(" "), repr(t)
        seqs.append(int(f[1]))
        if mode == "dump":
            print(t, end="")
except socket.timeout:
    pass
print("SEQS", " ".join(map(str, seqs)))
PY
python3 "$T/reader.py" "$R/dev/kmsg" dump > "$T/out1"
grep -q '^3,5,[0-9]*,-;MCE: CPU7: machine check (Severe)  UE Load/Store DAR: 0000000000001000 \[Not recovered\]$' "$T/out1" || { cat "$T/out1"; echo "MCE record"; exit 1; }
grep -q '^SEQS 0 1 2 3 4 5 6 7 8$' "$T/out1" || { tail -1 "$T/out1"; echo "want seqs 0..8"; exit 1; }
# records injected while run is up reach a connected reader
opal-sim inject "$R" kmsg --text 'hello	world' --dict SUBSYSTEM=pci --dict DEVICE=+pci:0000:01:00.0
python3 "$T/reader.py" "$R/dev/kmsg" dump > "$T/out2"
grep -q '^6,9,[0-9]*,-;hello\\x09world$' "$T/out2" || { cat "$T/out2"; echo "escaped text"; exit 1; }
grep -q '^ SUBSYSTEM=pci$' "$T/out2"
grep -q '^ DEVICE=+pci:0000:01:00.0$' "$T/out2"
# overrun: a stalled reader falls more than the ring behind
python3 "$T/reader.py" "$R/dev/kmsg" stall "$T/ready" "$T/go" > "$T/out3" & rpid=$!
i=0; while [ ! -f "$T/ready" ]; do sleep 0.05; i=$((i+1)); [ $i -lt 100 ]; done
opal-sim inject "$R" kmsg --text flood --count 2000
sleep 0.5
touch "$T/go"
wait $rpid
python3 - "$T/out3" <<'PY'
import sys
seqs = [int(x) for x in open(sys.argv[1]).read().split()[1:]]
assert seqs, "no records after the stall"
assert seqs == sorted(seqs), "seqs increase"
gaps = [b - a for a, b in zip(seqs, seqs[1:]) if b - a != 1]
assert gaps, "expected a sequence gap after the overrun: %s" % seqs[:20]
assert seqs[-1] == 2009, "reader catches up to the newest record, got %d" % seqs[-1]
assert len(seqs) < 2000, "the ring (32) bounds what a slow reader gets"
print("gap ok", gaps[:3], len(seqs))
PY
kill $pid; wait $pid || true
trap - EXIT
echo ok
