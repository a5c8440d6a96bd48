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
for d in "$E"/*; do
	id=$(basename "$d")
	[ "$(cat "$d/id")" = "$id" ] || { echo "$d/id"; exit 1; }
	[ "$(cat "$d/type")" = "0x0 PEL" ] || { echo "$d/type"; exit 1; }
	[ "$(cat "$d/acknowledge")" = "ack - acknowledge log message" ] || { echo "$d/ack"; exit 1; }
	[ "$(stat -c %a "$d/raw")" = 400 ] || { echo "raw mode"; exit 1; }
	[ "$(stat -c %a "$d/acknowledge")" = 660 ] || { echo "ack mode"; exit 1; }
	[ "$(head -c 2 "$d/raw")" = PH ] || { echo "$d/raw is not a PEL"; exit 1; }
	# the PH entry id (offset 44) is the directory id
	eid=0x$(od -An -tx1 -j44 -N4 "$d/raw" | tr -d ' \n' | sed 's/^0*//')
	[ "$eid" = "$id" ] || { echo "entry id $eid != $id"; exit 1; }
done
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
# speed: 2000 logs well under the time budget
s=$(date +%s)
opal-sim inject "$R" elog --count 2000
[ $(( $(date +%s) - s )) -le 10 ] || { echo "2000 injections took too long"; exit 1; }
echo ok
