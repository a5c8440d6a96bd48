#!/bin/sh
# sim-elog-inject.sh - `inject elog --count N` creates N logs as the kernel shows them;
# --from takes real PELs (files or a sysfs-like tree); ids never repeat.
set -eu
R=$T/root
E=$R/sys/firmware/opal/elog
opal-sim init "$R"
opal-sim inject "$R" elog --count 20
n=$(ls "$E" | wc -l)
[ "$n" -eq 20 ] || { echo "want 20 logs, got $n"; exit 1; }
# every file as the kernel shows it (one python process checks them all)
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
python3 - "$E" <<'PY' || exit 1
import os, stat, struct, sys
E = sys.argv[1]
for name in sorted(os.listdir(E)):
    d = os.path.join(E, name)
    rd = lambda f: open(os.path.join(d, f), "rb").read()
    mode = lambda f: stat.S_IMODE(os.stat(os.path.join(d, f)).st_mode)
    assert rd("id") == (name + "\n").encode(), name
    assert rd("type") == b"0x0 PEL\n", name
    assert rd("acknowledge") == b"ack - acknowledge log message\n", name
    assert (mode("raw"), mode("id"), mode("type"), mode("acknowledge")) == (0o400, 0o444, 0o444, 0o660), name
    raw = rd("raw")
    assert raw[:2] == b"PH", name + " raw is not a PEL"
    # the PH entry id (offset 44) is the directory id; sections cover the PEL exactly
    assert "0x%x" % struct.unpack(">I", raw[44:48])[0] == name, name
    off, n = 0, 0
    while off < len(raw):
        off += struct.unpack(">H", raw[off + 2:off + 4])[0]
        n += 1
    assert off == len(raw) and n == raw[27], name
print("checked", len(os.listdir(E)))
PY
# raw size = the PEL length (sum of sections); --pad gives FSP-style 16 KiB buffers
opal-sim inject "$R" elog --count 2 --pad
[ "$(ls "$E" | wc -l)" -eq 22 ]
[ "$(stat -c %s "$E/0x50100015/raw")" -eq 16384 ] || { echo "pad"; exit 1; }
# no half-made logs and nothing left in the staging area
[ -z "$(ls "$R/.sim/tmp")" ] || { echo "staging not empty"; exit 1; }
if [ -d "${SHARED_DATA:-/nonexistent}/pel/ppc64-diag-sysfs" ]; then
	opal-sim inject "$R" elog --from "$SHARED_DATA/pel/ppc64-diag-sysfs"
	[ "$(ls "$E" | wc -l)" -eq 31 ] || { echo "want 31 after --from"; exit 1; }
	cmp "$E/0x5034a000/raw" "$SHARED_DATA/pel/ppc64-diag-sysfs/firmware/opal/elog/0x5034a000/raw"
	# a single file, repeated: later copies get fresh ids
	opal-sim inject "$R" elog --from "$SHARED_DATA/pel/ppc64-diag-sysfs/firmware/opal/elog/0x07/raw" --count 3
	[ "$(ls "$E" | wc -l)" -eq 33 ] || { echo "want 33, got $(ls "$E" | wc -l)"; exit 1; }
fi
# a bigger batch: every log appears (speed is measured by bench_pel_encode, not here)
before=$(ls "$E" | wc -l)
opal-sim inject "$R" elog --count 2000
[ "$(ls "$E" | wc -l)" -eq $((before + 2000)) ] || { echo "2000 injections: count"; exit 1; }
echo ok
