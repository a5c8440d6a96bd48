# itlib.sh - helpers for integration tests (sourced): a simulated host, the daemon,
# waiting with a deadline, and cleanup of everything started. POSIX sh.
# Needs: $OPAL_RAS_BIN, $T (a fresh temporary directory).

# The simulated host lives in memory (/dev/shm) like the real sysfs; the database is
# on disk in $T, as in production.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	ROOT=$(mktemp -d /dev/shm/opal-ras-root.XXXXXX)
else
	ROOT="$T/root"
fi
DB="$T/ras.db"
SIM_PID=""
PRD_PID=""

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }

cleanup() {
	[ -n "$PRD_PID" ] && kill -9 "$PRD_PID" 2>/dev/null
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
	# Any other background job a test started (follow, a peer): never wait forever.
	for _j in $(jobs -p); do kill "$_j" 2>/dev/null; done
	wait 2>/dev/null
	case $ROOT in /dev/shm/opal-ras-root.*) [ "${KEEP:-0}" = 1 ] || rm -rf "$ROOT" ;; esac
	true
}
trap cleanup EXIT INT TERM

# wait_for SECONDS COMMAND...: run COMMAND until it succeeds or the time is up.
wait_for() {
	_limit=$1; shift
	_end=$(( $(date +%s) + _limit ))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.05
	done
	return 0
}

sim_start() {
	"$OPAL_RAS_BIN/opal-sim" init "$ROOT" || fail "opal-sim init"
	"$OPAL_RAS_BIN/opal-sim" run "$ROOT" --quiet "$@" 2>"$T/sim.log" &
	SIM_PID=$!
	wait_for 20 test -e "$ROOT/.sim/run.ready" || fail "opal-sim run did not come up"
}

# prd_start [ARGS]: start the daemon in the foreground (background job), wait for its socket.
prd_start() {
	rm -f "$ROOT/run/opal-ras/control"
	"$OPAL_RAS_BIN/opal-prd" --root "$ROOT" --db "$DB" --foreground "$@" 2>>"$T/prd.log" &
	PRD_PID=$!
	wait_for 20 test -S "$ROOT/run/opal-ras/control" || fail "opal-prd did not come up: $(tail -5 "$T/prd.log")"
}

prd_stop() {
	[ -n "$PRD_PID" ] || return 0
	kill -TERM "$PRD_PID" 2>/dev/null
	wait "$PRD_PID"
	_rc=$?
	PRD_PID=""
	return $_rc
}

prd_kill9() {
	[ -n "$PRD_PID" ] || return 0
	kill -9 "$PRD_PID" 2>/dev/null
	wait "$PRD_PID" 2>/dev/null
	PRD_PID=""
}

# Number of elog directories still offered by the simulated firmware.
elogs_pending() { ls "$ROOT/sys/firmware/opal/elog" | wc -l; }
no_elogs_pending() { [ "$(elogs_pending)" -eq 0 ]; }

q() { sqlite3 "$DB" "$@"; }
