# tests/integration/lib/dump.sh - shared helpers for the dump-*.sh integration tests
# (sourced, not run). mk_dump builds a dump directory the way the kernel shows it:
# with opal-sim's dump module when opal-sim is installed, else in plain sh (same layout:
# id, type, acknowledge, dump with an FSP-style header and varied content).

OPAL_DUMP=${OPAL_RAS_BIN:?}/opal-dump
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }

have_sim_dump() {
	[ -x "$OPAL_RAS_BIN/opal-sim" ] && "$OPAL_RAS_BIN/opal-sim" --help 2>&1 | grep -q 'dump'
}

# mk_dump ROOT TYPE ID SIZE [sparse]  -> prints the directory name
mk_dump() {
	_root=$1 _type=$2 _id=$3 _size=$4 _sparse=${5:-}
	if have_sim_dump; then
		[ -d "$_root/.sim" ] || "$OPAL_RAS_BIN/opal-sim" init "$_root" >/dev/null || fail "opal-sim init"
		"$OPAL_RAS_BIN/opal-sim" inject "$_root" dump --type "$_type" --id "$_id" \
			--size "$_size" ${_sparse:+--sparse} || fail "opal-sim inject"
		return
	fi
	_name=$(printf '0x%x-0x%x' "$_type" "$_id")
	_d=$_root/sys/firmware/opal/dump/$_name
	mkdir -p "$_d" || fail "mkdir $_d"
	printf '0x%x\n' "$_id" >"$_d/id"
	case $_type in 1) _tn="SP Dump" ;; 2) _tn="System/Platform Dump" ;; 3) _tn="SMA Dump" ;; *) _tn=unknown ;; esac
	printf '0x%x %s\n' "$_type" "$_tn" >"$_d/type"
	printf 'ack - acknowledge dump\n' >"$_d/acknowledge"
	_bytes=$(numfmt --from=iec "$_size")
	if [ -n "$_sparse" ]; then
		truncate -s "$_bytes" "$_d/dump"
		# one random 4 KiB block every 16 MiB so the content is not all zeros
		_o=0
		while [ "$_o" -lt $((_bytes / 4096)) ]; do
			head -c 4096 /dev/urandom | dd of="$_d/dump" bs=4096 seek=$_o conv=notrunc status=none
			_o=$((_o + 4096))
		done
	else
		head -c "$_bytes" /dev/urandom >"$_d/dump"
	fi
	# header: label "FILE", suggested name at 0x18
	{ printf 'FILE\000\000\000\000\000\001'; head -c 10 /dev/zero; printf '\000\002\000\100';
	  printf 'SYSDUMP.SH.%08x.20261125000000' "$_id"; head -c 8 /dev/zero; } |
		dd of="$_d/dump" bs=1 count=64 conv=notrunc status=none
	echo "$_name"
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
json_field() { sed -n "s/^ *\"$1\": \"\\{0,1\\}\\([^\",]*\\)\"\\{0,1\\},\\{0,1\\}\$/\\1/p" | head -1; }
