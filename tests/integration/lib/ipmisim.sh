# tests/integration/lib/ipmisim.sh - OpenIPMI's ipmi_sim on loopback for the prd-sel-*
# tests (sourced after tests/tools/itlib.sh). Writes a minimal lan.conf and .emu into
# $T (UDP port and console on 127.0.0.1 only, per-run random ports), preloads SEL
# entries from the .emu file (the fast way, spec test-peers.md 1.3/1.6), stops the
# simulator by PID from the EXIT trap. Skips (77) when ipmi_sim or ipmitool is missing.

command -v ipmi_sim >/dev/null 2>&1 || skip "ipmi_sim (package openipmi) not installed"
command -v ipmitool >/dev/null 2>&1 || skip "ipmitool not installed"
IPMISIM_PID=""

ipmisim_cleanup() {
	[ -n "$IPMISIM_PID" ] && kill "$IPMISIM_PID" 2>/dev/null
	cleanup
}
trap ipmisim_cleanup EXIT INT TERM

rand_port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 )); }
IPMI_PORT=$(rand_port)
IPMI_CONSOLE=$((IPMI_PORT + 1))

ipmitool_sim() {
	ipmitool -I lanplus -C 3 -N 1 -R 2 -H 127.0.0.1 -p "$IPMI_PORT" -U admin -P secret "$@"
}

# gen_sel_cmds N FIRST: N `sel_add` lines of mixed record types (system events of
# several sensor types, eSEL headers 0xDF, OEM 0xC0, OEM non-timestamped 0xE0).
gen_sel_cmds() {
	awk -v n="$1" -v f="${2:-0}" 'BEGIN {
		for (i = f; i < f + n; i++) {
			k = i % 5; lo = i % 256; hi = int(i / 256) % 256
			if (k == 0) printf "sel_add 0x20 0x02 0 0 0 0 0x41 0x00 0x04 0x02 %d 0x01 0x52 0x00 0x00\n", lo
			else if (k == 1) printf "sel_add 0x20 0x02 0 0 0 0 0x20 0x00 0x04 0x0c 0x09 0x6f 0xa1 %d %d\n", lo, hi
			else if (k == 2) printf "sel_add 0x20 0xdf 0 0 0 0 0x20 0x00 0x04 0x12 0x01 0x70 0xaa 0x00 0x00\n"
			else if (k == 3) printf "sel_add 0x20 0xc0 0 0 0 0 0x55 0x55 0x00 0x3a 0x04 0x00 0x00 %d %d\n", hi, lo
			else printf "sel_add 0x20 0xe0 %d %d 3 4 5 6 7 8 9 10 11 12 13\n", lo, hi
		} }'
}

# ipmisim_start N: start the simulator with N preloaded entries; wait until it answers.
ipmisim_start() {
	_tries=0
	while :; do
		cat >"$T/lan.conf" <<EOC
name "rassim"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 $IPMI_PORT
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  user 2 true  "admin"  "secret" admin 10 none md2 md5 straight
console 127.0.0.1 $IPMI_CONSOLE
EOC
		{
			echo "mc_setbmc 0x20"
			echo "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr"
			echo "sel_enable 0x20 3000 0x0a"
			echo "mc_enable 0x20"
			gen_sel_cmds "${1:-0}" 0
		} >"$T/rassim.emu"
		mkdir -p "$T/ipmistate"
		ipmi_sim -c "$T/lan.conf" -f "$T/rassim.emu" -s "$T/ipmistate" -p -n </dev/null \
			>"$T/ipmisim.log" 2>&1 &
		IPMISIM_PID=$!
		if wait_for 30 ipmitool_sim mc info; then
			return 0
		fi
		kill "$IPMISIM_PID" 2>/dev/null
		IPMISIM_PID=""
		_tries=$((_tries + 1))
		[ $_tries -lt 3 ] || fail "ipmi_sim did not come up: $(tail -3 "$T/ipmisim.log")"
		IPMI_PORT=$(rand_port)
		IPMI_CONSOLE=$((IPMI_PORT + 1))
	done
}

# sel_add_live N FIRST: add N entries at runtime through the console port.
sel_add_live() {
	gen_sel_cmds "$1" "$2" >"$T/live.cmds"
	socat -t2 - "TCP:127.0.0.1:$IPMI_CONSOLE" <"$T/live.cmds" >/dev/null 2>&1 ||
		fail "socat to the ipmi_sim console failed"
}

# write_ipmi_cfg FILE [PASSWORD] [PORT]: the daemon's configuration for the simulator.
write_ipmi_cfg() {
	printf '%s\n' "${2:-secret}" >"$T/ipmi.pw"
	chmod 600 "$T/ipmi.pw"
	cat >"$1" <<EOC
kmsg:
  enabled: false
ipmi:
  host: 127.0.0.1
  port: ${3:-$IPMI_PORT}
  user: admin
  password_file: $T/ipmi.pw
  timeout: ${4:-5s}
EOC
}
