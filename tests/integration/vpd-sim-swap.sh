# The change-event workflow: opal-sim's two-socket host, a baseline refresh, then a
# FRU swap, a firmware update and a removal in the simulator; each refresh records a
# snapshot and one vpd-change event per change (opal-elog sees them), history and diff
# show them, and older snapshots keep their old contents.
fail() { echo "FAIL: $*"; exit 1; }
V="$OPAL_RAS_BIN/opal-vpd"
SIM="$OPAL_RAS_BIN/opal-sim"
[ -x "$SIM" ] || { echo "opal-sim not built"; exit 77; }
"$SIM" --help 2>&1 | grep -q "vpd swap" || { echo "opal-sim has no vpd module"; exit 77; }
R="$T/root"; DB="$T/ras.db"
"$SIM" init "$R" || fail "opal-sim init"
C7=U78D2.001.WZS0001-P1-C7

"$V" --root "$R" list --live >"$T/live" || fail "list --live"
grep -q "^$C7 .*MT2021X01234.*ConnectX-5" "$T/live" || fail "ConnectX-5 at C7: $(cat "$T/live")"
grep -q "^U78D2.001.WZS0001-P1-C15 .*PROCESSOR MODULE" "$T/live" || fail "processor"
[ "$(grep -c 'DDR4 DIMM' "$T/live")" -eq 4 ] || fail "4 DIMMs"
"$V" --root "$R" --db "$DB" --reason boot refresh | grep -q "(baseline)" || fail "baseline"

"$SIM" inject "$R" vpd swap "$C7" --serial MT2044X00007 || fail "inject swap"
"$SIM" inject "$R" vpd fw U78D2.001.WZS0001-P1-C9 5719-v1.50 || fail "inject fw"
"$V" --root "$R" --db "$DB" refresh -o json >"$T/r" || fail "refresh"
grep -q '"changes": 2' "$T/r" && grep -q '"events": 2' "$T/r" || fail "refresh result: $(cat "$T/r")"

"$OPAL_RAS_BIN/opal-elog" list --db "$DB" --kind vpd-change >"$T/ev" || fail "opal-elog list"
grep -q "replaced .*$C7.*MT2021X01234 -> MT2044X00007" "$T/ev" || fail "replaced event: $(cat "$T/ev")"
grep -q "fw-changed .*5719-v1.46 -> 5719-v1.50" "$T/ev" || fail "fw event: $(cat "$T/ev")"

"$V" --db "$DB" history "$C7" >"$T/h" || fail history
grep -q "replaced .*serial MT2021X01234 -> MT2044X00007" "$T/h" || fail "history: $(cat "$T/h")"
"$V" --db "$DB" show "$C7" | grep -q "^Serial *MT2044X00007" || fail "show current"
"$V" --db "$DB" diff 1 current >"$T/d" || fail diff
[ "$(wc -l <"$T/d")" -eq 2 ] || fail "diff lines: $(cat "$T/d")"
"$V" --db "$DB" list -o json | grep -q '"serial": "MT2044X00007"' || fail "json list"
"$V" --db "$DB" list -o lsvpd | grep -qx '\*SN MT2044X00007' || fail "lsvpd list"

"$SIM" inject "$R" vpd remove U78D2.001.WZS0001-P1-C20 || fail "inject remove"
"$V" --db "$DB" --root "$R" diff current live | grep -q "^- U78D2.001.WZS0001-P1-C20" || fail "live diff"
"$V" --root "$R" --db "$DB" refresh | grep -q "1 change(s), 1 event(s)" || fail "removal refresh"
"$OPAL_RAS_BIN/opal-elog" list --db "$DB" --kind vpd-change | grep -q "removed" || fail "removed event"
"$V" --db "$DB" snapshots | grep -c "^ *[0-9]" | grep -qx 3 || fail "3 snapshots"
echo "ok: swap, firmware change and removal became snapshots and vpd-change events"
