# The daemon against OpenIPMI's ipmi_sim on loopback: 2,000 SEL entries of mixed types
# are stored exactly once (kind sel, source ipmi, listed by opal-elog list --kind sel);
# a restart resumes from the cursor (no duplicates, new entries picked up, also entries
# added while the daemon runs); a SEL clear is recorded as an event and entries added
# after the clear are still ingested.
. tests/tools/itlib.sh
. tests/integration/lib/ipmisim.sh
mkdir -p "$ROOT"
N=2000
ipmisim_start $N
write_ipmi_cfg "$T/cfg.yaml"
printf 'elog:\n  enabled: false\n' >>"$T/cfg.yaml"
# The host's copies of eSELs (16-byte SEL header + PEL) for record ids 1-5: the one
# whose id is an eSEL record in the SEL gets linked to its PEL.
ESEL="$SHARED_DATA/pel/ppc64-diag-sysfs/firmware/opal/elog/0x5034a000/eSEL"
if [ -f "$ESEL" ]; then
	for i in 1 2 3 4 5; do
		mkdir -p "$ROOT/sys/firmware/opal/elog/esel-$i"
		cp "$ESEL" "$ROOT/sys/firmware/opal/elog/esel-$i/eSEL"
		chmod u+w "$ROOT/sys/firmware/opal/elog/esel-$i/eSEL"
		printf "\\$(printf %o $i)" | dd of="$ROOT/sys/firmware/opal/elog/esel-$i/eSEL" bs=1 conv=notrunc 2>/dev/null
	done
fi
sel_count() { q "select count(*) from events where kind='sel' and source='ipmi' and json_extract(attrs,'\$.sel_record_id') is not null"; }
have() { [ "$(sel_count)" -ge "$1" ]; }

prd_start --config "$T/cfg.yaml"
wait_for 30 have $N || fail "only $(sel_count) of $N SEL entries stored: $(tail -5 "$T/prd.log")"
sleep 1.5 # a re-read must not duplicate anything
[ "$(sel_count)" -eq $N ] || fail "stored $(sel_count) SEL events, expected $N"
dups=$(q "select count(*) from (select json_extract(attrs,'\$.sel_record_id') r from events where kind='sel' group by r having count(*) > 1)")
[ "$dups" -eq 0 ] || fail "$dups record ids stored twice"
# mixed types decoded
[ "$(q "select count(*) from events where refcode='0c:6f:01' and severity=3")" -eq 400 ] || fail "memory UE events"
[ "$(q "select count(*) from events where summary like 'eSEL%'")" -eq 400 ] || fail "eSEL records"
[ "$(q "select count(*) from events where refcode='oem-e0'")" -eq 400 ] || fail "OEM non-timestamped records"
[ "$(q "select count(*) from events where refcode='oem-c0'")" -eq 400 ] || fail "OEM timestamped records"
q "select value from cursors where name='sel'" | grep -q '^a123456789abcdefa123456789abcdef:' || fail "no SEL cursor with the BMC GUID"
"$OPAL_RAS_BIN/opal-elog" list --db "$DB" --kind sel >"$T/list.txt" || fail "opal-elog list --kind sel"
grep -q 'Memory #0x09: Uncorrectable ECC Asserted' "$T/list.txt" || fail "list output lacks the decoded text"

if [ -f "$ESEL" ]; then
	linked=$(q "select json_extract(attrs,'\$.sel_record_id') || ' ' || json_extract(attrs,'\$.pel_plid') || ' ' || json_extract(attrs,'\$.elog_id') from events where json_extract(attrs,'\$.pel_plid') is not null")
	[ "$(echo "$linked" | grep -c .)" -eq 1 ] || fail "expected one eSEL linked to its PEL, got: $linked"
	set -- $linked
	[ "$2" = 0x5034a000 ] || fail "linked PLID $2"
	[ "$3" = "esel-$(($1))" ] || fail "record $1 linked to $3"
	q "select json_extract(attrs,'\$.pel_dedupe_key') from events where json_extract(attrs,'\$.pel_plid') is not null" | grep -q . || fail "no pel_dedupe_key"
else
	echo "note: shared data absent, eSEL linking not checked"
fi

# entries added while the daemon runs (the library's event handler)
sel_add_live 5 $N
wait_for 15 have $((N + 5)) || fail "live entries: $(sel_count) stored, expected $((N + 5))"
prd_stop || fail "daemon exit status $? on SIGTERM"

# restart: resume from the cursor, pick up entries added while down
sel_add_live 7 $((N + 5))
prd_start --config "$T/cfg.yaml"
wait_for 15 have $((N + 12)) || fail "after restart: $(sel_count) stored, expected $((N + 12))"
sleep 1.5
[ "$(sel_count)" -eq $((N + 12)) ] || fail "after restart: $(sel_count) stored, expected exactly $((N + 12))"

# clear: an event records it; entries after the clear are ingested
ipmitool_sim sel clear >/dev/null || fail "sel clear"
cleared() { [ "$(q "select count(*) from events where refcode='sel-cleared'")" -ge 1 ]; }
wait_for 15 cleared || fail "SEL clear not recorded: $(tail -5 "$T/prd.log")"
sel_add_live 3 $((N + 12))
wait_for 15 have $((N + 15)) || fail "after clear: $(sel_count) stored, expected $((N + 15))"
prd_stop || fail "daemon exit status $? on SIGTERM"
[ "$(q "select count(*) from events where refcode='sel-cleared'")" -eq 1 ] || fail "clear recorded more than once"
[ "$(sel_count)" -eq $((N + 15)) ] || fail "final count $(sel_count), expected $((N + 15))"
echo "ok: $N entries once, live adds, restart resume, clear detected"
