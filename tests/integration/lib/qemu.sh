# qemu.sh - a real QEMU pseries guest (paused, no OS) for the forwarding tests
# (sourced after tests/tools/itlib.sh). docs/spec/test-peers.md §2 has the command line.
#   qemu_start NAME   -> $T/qmp.sock (for opal-prd) and $T/observer.mon (the test's observer)
#   qemu_decoy NAME   -> another guest on $T/a-NAME.sock (sorts before qmp.sock)
#   mon_start         -> an observer on observer.mon whose output goes to $T/mon.log
#   qemu_stop         (also on exit)
command -v qemu-system-ppc64 >/dev/null 2>&1 || skip "qemu-system-ppc64 is not installed"
command -v socat >/dev/null 2>&1 || skip "socat is not installed"
QEMU_PID=""
qemu_start() {
	qemu-system-ppc64 -M pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off \
		-m 512M -S -nodefaults -nographic -name "$1" \
		-qmp "unix:$T/qmp.sock,server=on,wait=off" \
		-qmp "unix:$T/observer.mon,server=on,wait=off" \
		-daemonize -pidfile "$T/qemu.pid" 2>"$T/qemu.log" || fail "qemu did not start: $(cat "$T/qemu.log")"
	QEMU_PID=$(cat "$T/qemu.pid")
	[ -S "$T/qmp.sock" ] || fail "no QMP socket"
}
DECOY_PID=""
qemu_decoy() {
	qemu-system-ppc64 -M pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off \
		-m 256M -S -nodefaults -nographic -name "$1" \
		-qmp "unix:$T/a-$1.sock,server=on,wait=off" \
		-daemonize -pidfile "$T/decoy.pid" 2>"$T/decoy.log" || fail "decoy qemu did not start: $(cat "$T/decoy.log")"
	DECOY_PID=$(cat "$T/decoy.pid")
}
qemu_stop() {
	[ -n "$DECOY_PID" ] && kill "$DECOY_PID" 2>/dev/null
	DECOY_PID=""
	[ -n "$QEMU_PID" ] || return 0
	kill -CONT "$QEMU_PID" 2>/dev/null
	kill "$QEMU_PID" 2>/dev/null
	_n=0
	while kill -0 "$QEMU_PID" 2>/dev/null && [ $_n -lt 100 ]; do sleep 0.05; _n=$((_n + 1)); done
	kill -9 "$QEMU_PID" 2>/dev/null
	QEMU_PID=""
}
# mon_start [COMMANDS...]: QMP commands (JSON lines) sent after qmp_capabilities.
# The observer reads its commands from a fifo the test keeps open (fd 9): mon_send adds more.
MON_PID=""
mon_start() {
	mkfifo "$T/mon.in" || fail mkfifo
	socat - "UNIX-CONNECT:$T/observer.mon" <"$T/mon.in" >"$T/mon.log" 2>&1 &
	MON_PID=$!
	exec 9>"$T/mon.in"
	mon_send '{"execute":"qmp_capabilities"}' "$@"
	wait_for 10 grep -q '"return"' "$T/mon.log" || fail "the observer got no reply: $(cat "$T/mon.log")"
}
mon_send() { for _c in "$@"; do printf '%s\n' "$_c" >&9; done; }
qemu_trap() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	exec 9>&-
	qemu_stop
	cleanup
}
trap qemu_trap EXIT INT TERM
