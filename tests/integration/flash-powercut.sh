#!/bin/sh
# flash-powercut.sh - a power cut in the middle of a write: the real opal-flash is
# SIGKILLed at random byte offsets of its erase/program stream
# (OPAL_FLASH_TEST_KILL_AT). Afterwards verify must report exactly the partition
# being written (unless the cut came before anything changed), and every other
# partition and the other side must be unchanged. Writes of ECC partitions erase a
# sentinel block first and program it last, so a torn write always leaves a hole.
set -u
cd "$T" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
cat > layout.in <<'L'
@0,0x0,
@1,0x400000,G
HBEL,0x8000,0x24000,E,01,
GUARD,0x2C000,0x5000,EPF,01,
NVRAM,0x31000,0x90000,PF,01,
OTHER_SIDE,0x400000,0x1000,,0,
OTHER_SIDE,0x0,0x1000,,1,
PAYLOAD,0x100000,0x100000,E,0,
BOOTKERNEL,0x200000,0x200000,,0,
PAYLOAD,0x500000,0x100000,EG,1,
BOOTKERNEL,0x600000,0x200000,G,1,
L
opal-flash create layout.in -F base.img --flash-size 0x800000 || fail create
# PAYLOAD holds 932064 data bytes; old and new images fill it (every block changes)
head -c 932064 /dev/urandom > old.bin
head -c 932064 /dev/urandom > new.bin
opal-flash -F base.img --no-record -y write PAYLOAD old.bin >/dev/null || fail "write old"
opal-flash -F base.img --no-record -y write BOOTKERNEL old.bin >/dev/null || fail "write bk"
opal-flash -F base.img verify > base.txt || fail "base verify"
grep -v PAYLOAD base.txt > base-others.txt
region() { # file start end -> sha256 of bytes outside [start, end)
	{ head -c "$2" "$1"; tail -c +$(($3 + 1)) "$1"; } | sha256sum
}
outside=$(region base.img $((0x100000)) $((0x200000)))
iters=${FLASH_POWERCUT_ITERS:-5}
[ "${SAN:-0}" = 1 ] && [ -z "${FLASH_POWERCUT_ITERS:-}" ] && iters=3
i=0
seed=$$
while [ $i -lt $iters ]; do
	i=$((i + 1))
	# 16 blocks x (64 KiB erase + 64 KiB program) = 2 MiB of operations
	at=$(awk -v s="$seed" -v i="$i" 'BEGIN { srand(s + i); print 1 + int(rand() * (2097152 - 2)) }')
	cp base.img img
	OPAL_FLASH_TEST_KILL_AT=$at opal-flash -F img --no-record -y --no-progress \
		write PAYLOAD new.bin >/dev/null 2>&1
	rc=$?
	[ $rc -eq 137 ] || fail "iteration $i (cut at $at): exit $rc, expected death by SIGKILL"
	opal-flash -F img verify > v.txt 2>v.err; vrc=$?
	line=$(grep ' PAYLOAD ' v.txt | head -1)
	case "$line" in
	*damaged*) [ $vrc -eq 4 ] || fail "iteration $i: damaged but exit $vrc" ;;
	*erased-tail*) ;;
	*)	# only a cut before the first erase completed may leave it intact: then it
		# must be exactly the old content
		opal-flash -F img read PAYLOAD -o p.now 2>/dev/null
		opal-flash -F base.img read PAYLOAD -o p.old 2>/dev/null
		cmp -s p.now p.old || fail "iteration $i (cut at $at): torn PAYLOAD not reported: $line" ;;
	esac
	grep -v PAYLOAD v.txt > others.txt
	diff -u base-others.txt others.txt || fail "iteration $i: other partitions reported differently"
	[ "$(region img $((0x100000)) $((0x200000)))" = "$outside" ] || fail "iteration $i: bytes outside PAYLOAD changed"
	# recovery: a complete write repairs it
	opal-flash -F img --no-record -y write PAYLOAD new.bin >/dev/null || fail "rewrite"
	opal-flash -F img verify >/dev/null || fail "iteration $i: verify after rewrite"
	echo "iteration $i: cut at $at -> $(echo "$line" | awk '{print $NF}')"
done
echo ok
