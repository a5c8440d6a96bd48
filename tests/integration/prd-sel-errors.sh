# The IPMI source's failure paths: a BMC that does not answer is retried with backoff
# and recorded once as an event (and the SEL is read once the BMC appears); a wrong
# password is a clear error (logged, an event) and retried; a password file readable
# by others is refused (logged, an event) and nothing connects.
. tests/tools/itlib.sh
. tests/integration/lib/ipmisim.sh
mkdir -p "$ROOT"
ev() { q "select count(*) from events where refcode='$1'"; }
has_ev() { [ "$(ev "$1")" -ge 1 ]; }

# 1. unreachable: nothing listens on the port yet
write_ipmi_cfg "$T/cfg.yaml" secret "$IPMI_PORT" 2s
prd_start --config "$T/cfg.yaml" --debug
wait_for 20 has_ev bmc-unreachable || fail "no bmc-unreachable event: $(tail -5 "$T/prd.log")"
retries() { [ "$(grep -c 'event=retry_in' "$T/prd.log")" -ge 2 ]; }
wait_for 20 retries || fail "no retries logged"
grep 'event=retry_in' "$T/prd.log" | head -2 | tail -1 | grep -q 'backoff_us=2000000' || fail "backoff does not grow"
grep -q 'event=bmc_unreachable' "$T/prd.log" || fail "unreachable not logged"
# the BMC appears: the next retry connects and reads the SEL
ipmisim_start 20
got() { [ "$(q "select count(*) from events where refcode not like 'bmc-%'")" -ge 20 ]; }
wait_for 30 got || fail "SEL not read after the BMC came up: $(tail -5 "$T/prd.log")"
prd_stop || fail "daemon exit status $?"
[ "$(ev bmc-unreachable)" -eq 1 ] || fail "one outage must be one event, got $(ev bmc-unreachable)"

# 2. wrong password
rm -f "$DB"
write_ipmi_cfg "$T/cfg-bad.yaml" wrong-password
: >"$T/prd.log"
prd_start --config "$T/cfg-bad.yaml"
wait_for 20 has_ev bmc-auth-failed || fail "no bmc-auth-failed event: $(tail -5 "$T/prd.log")"
grep -q 'event=auth_failed.*check ipmi.user and ipmi.password_file' "$T/prd.log" || fail "auth failure not logged clearly"
[ "$(q "select severity from events where refcode='bmc-auth-failed'")" -eq 2 ] || fail "auth failure severity"
prd_stop || fail "daemon exit status $?"

# 3. password file mode 0644: refused
rm -f "$DB"
write_ipmi_cfg "$T/cfg.yaml" secret "$IPMI_PORT" 2s
chmod 644 "$T/ipmi.pw"
: >"$T/prd.log"
prd_start --config "$T/cfg.yaml"
wait_for 10 has_ev ipmi-config || fail "no ipmi-config event"
grep -q 'event=config_refused.*mode 0644, expected 0600' "$T/prd.log" || fail "mode refusal not logged"
sleep 1
[ "$(q "select count(*) from events where kind='sel' and refcode != 'ipmi-config'")" -eq 0 ] || fail "connected despite the refused password file"
prd_stop || fail "daemon exit status $?"
echo "ok: unreachable retried with backoff, wrong password reported, 0644 refused"
