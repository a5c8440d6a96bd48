#!/bin/sh
# demo.sh - `make demo`: the daemon against a simulated OPAL host.
# Creates a temporary host root (opal-sim init), starts the simulator and opal-prd with a
# temporary database, injects firmware error logs (the real ppc64-diag samples when the
# shared data is there, and generated ones), machine checks, an HMI and EEH reports,
# waits until everything is stored and acknowledged, then shows the records. Everything
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
cleanup() {
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

step "opal-prd --root ROOT --db $DB --foreground"
"$B/opal-prd" --root "$ROOT" --db "$DB" --foreground 2>"$WORK/prd.log" &
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
"$B/opal-sim" inject "$ROOT" kmsg --eeh --phb 0x30 --pe 1 --bdf 0030:01:00.0 --outcome recovered
"$B/opal-sim" inject "$ROOT" kmsg --eeh --phb 0x30 --pe 1 --outcome failed --freezes 5

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
step "opal-elog stats"
"$B/opal-elog" stats --db "$DB"
step "opal-elog status --root ROOT   (the daemon's counters)"
"$B/opal-elog" status --root "$ROOT"
echo
step "stopping the daemon (SIGTERM drains) and the simulator"
exit 0
