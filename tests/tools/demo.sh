#!/bin/sh
# demo.sh - `make demo`: the daemon against a simulated OPAL host.
# Creates a temporary host root (opal-sim init), starts the simulator and opal-prd with a
# temporary database, injects firmware error logs (the real ppc64-diag samples when the
# shared data is there, and generated ones), machine checks, an HMI and EEH reports,
# waits until everything is stored and acknowledged, then shows the records. With
# qemu-system-ppc64 and socat installed, a paused pseries guest "rhel9-db" (the guest the
# simulated host passes 0030:01:00.0 through to) gets a power warning and loses its
# dead device over QMP (opal-prd(8), FORWARDING). Everything
# it started is stopped and removed at the end. Environment: OPAL_RAS_BIN, SHARED_DATA.
B=${OPAL_RAS_BIN:-build/bin}
D=${SHARED_DATA:-../shared/data}
base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
ROOT=$(mktemp -d "$base/opal-ras-demo-root.XXXXXX") || exit 1
WORK=$(mktemp -d /tmp/opal-ras-demo.XXXXXX) || exit 1
DB=$WORK/ras.db
SIM_PID=""
PRD_PID=""
QEMU_PID=""
cleanup() {
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
	[ -n "$PRD_PID" ] && kill "$PRD_PID" 2>/dev/null && wait "$PRD_PID" 2>/dev/null
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
	rm -rf "$ROOT" "$WORK"
}
trap cleanup EXIT INT TERM
step() { printf '\n==> %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

step "opal-sim init $ROOT; opal-sim run (a fake OPAL host: sysfs elog, /dev/kmsg, PCI)"
"$B/opal-sim" init "$ROOT" || die "opal-sim init failed"
"$B/opal-sim" run "$ROOT" --quiet 2>"$WORK/sim.log" &
SIM_PID=$!
i=0
while [ ! -S "$ROOT/dev/kmsg" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

CONFIG=/dev/null
if command -v qemu-system-ppc64 >/dev/null 2>&1 && command -v socat >/dev/null 2>&1; then
	step "qemu-system-ppc64 -M pseries -S -name rhel9-db -qmp unix:WORK/rhel9-db.qmp (a paused guest)"
	qemu-system-ppc64 -M pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off \
		-m 512M -S -nodefaults -nographic -name rhel9-db \
		-qmp "unix:$WORK/rhel9-db.qmp,server=on,wait=off" -daemonize \
		-pidfile "$WORK/qemu.pid" 2>"$WORK/qemu.log" && QEMU_PID=$(cat "$WORK/qemu.pid")
	printf '{"execute":"qmp_capabilities"}\n{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"hostdev0","romfile":""}}\n' |
		socat -t 1 - "UNIX-CONNECT:$WORK/rhel9-db.qmp" >/dev/null 2>&1
	CONFIG=$WORK/opal-ras.yaml
	printf 'eeh:\n  poll_interval: 500ms\nforward:\n  qmp: ["%s/*.qmp"]\n  devices: {"0030:01:00.0": hostdev0}\n' "$WORK" >"$CONFIG"
fi

step "opal-prd --root ROOT --db $DB --foreground --config $CONFIG"
"$B/opal-prd" --root "$ROOT" --db "$DB" --foreground --config "$CONFIG" 2>"$WORK/prd.log" &
PRD_PID=$!
i=0
while [ ! -S "$ROOT/run/opal-ras/control" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$ROOT/run/opal-ras/control" ] || die "the daemon did not start: $(cat "$WORK/prd.log")"

N=50
if [ -d "$D/pel/ppc64-diag-sysfs" ]; then
	step "inject the 9 real ppc64-diag sample logs (two are not PELs: stored raw, flagged)"
	"$B/opal-sim" inject "$ROOT" elog --from "$D/pel/ppc64-diag-sysfs"
	N=$((N + 9))
else
	echo "(shared data not found at $D: generated logs only)"
fi
step "inject 50 generated PELs, two machine checks, an HMI, an EEH freeze and a failure"
"$B/opal-sim" inject "$ROOT" elog --count 50 --seed 2026
"$B/opal-sim" inject "$ROOT" kmsg --mce --cpu 12 --type ue --subtype 3 --ea 0x7fffb5c40000 --not-recovered
"$B/opal-sim" inject "$ROOT" kmsg --mce --cpu 40 --type slb --severity warning --old
"$B/opal-sim" inject "$ROOT" kmsg --hmi --hmi-type 4 --tfmr 0x0040000000000000
# A host-owned adapter's freeze is in the kernel log; the kernel prints nothing for the
# guest's passed-through device (VFIO owns its PE): the daemon's poller finds that one.
"$B/opal-sim" inject "$ROOT" kmsg --eeh --phb 0x0 --pe 1 --bdf 0000:01:00.0 --outcome recovered
"$B/opal-sim" inject "$ROOT" pci freeze 0030:01:00.0
sleep 1
"$B/opal-sim" inject "$ROOT" pci fail 0030:01:00.0

step "wait until every log is stored and acknowledged (firmware deletes acked logs)"
i=0
while [ "$(ls "$ROOT/sys/firmware/opal/elog" | wc -l)" -gt 0 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
echo "acknowledged: $(grep -c '^ack elog' "$ROOT/.sim/actions.log") of $N logs"

step "opal-elog list --db $DB --limit 25"
"$B/opal-elog" list --db "$DB" --limit 25
step "opal-elog list --serviceable --severity warning"
"$B/opal-elog" list --db "$DB" --serviceable --severity warning
id=$(sqlite3 "$DB" "select id from events where kind='pel' and serviceable order by severity desc, id limit 1" 2>/dev/null)
if [ -n "$id" ]; then
	step "opal-elog show $id   (a serviceable event, decoded from its stored PEL)"
	"$B/opal-elog" show --db "$DB" "$id"
fi
step "opal-elog list --kind mce,hmi,eeh"
"$B/opal-elog" list --db "$DB" --kind mce,hmi,eeh
if [ -n "$QEMU_PID" ]; then
	step "a critical power-supply log (EPOW); the EEH failure above was on rhel9-db's device"
	"$B/opal-sim" inject "$ROOT" elog --subsystem 0x61 --severity 0x51 --src 11002610
	i=0
	while [ "$(sqlite3 "$DB" "select count(*) from guest_forwards where class='epow'" 2>/dev/null || echo 0)" -lt 1 ] &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	step "opal-elog list --guest rhel9-db   (what concerned the guest; system_powerdown, device_del)"
	"$B/opal-elog" list --db "$DB" --guest rhel9-db
	for c in eeh-failed epow; do
		id=$(sqlite3 "$DB" "select event_id from guest_forwards where class='$c' limit 1" 2>/dev/null)
		[ -n "$id" ] && "$B/opal-elog" show --db "$DB" "$id" | sed -n '/^Guest forwards/,/^$/p'
	done
fi
step "opal-elog stats"
"$B/opal-elog" stats --db "$DB"
step "opal-elog status --root ROOT   (the daemon's counters)"
"$B/opal-elog" status --root "$ROOT"
echo
step "stopping the daemon (SIGTERM drains) and the simulator"
exit 0
