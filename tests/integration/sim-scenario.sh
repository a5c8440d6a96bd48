#!/bin/sh
# sim-scenario.sh - `run --scenario FILE` plays a YAML timeline (elog, kmsg, paced
# injections, exit) and the shipped example scenario parses and runs.
set -eu
R=$T/root
opal-sim init "$R"
cat > "$T/s.yaml" <<'Y'
steps:
  - at: 0.1s
    inject: elog
    count: 5
  - at: 200ms
    inject: kmsg
    mce: true
    cpu: 4
    not-recovered: true
  - at: 0.3s
    inject: kmsg
    args: [--hmi, --hmi-type, "4"]
  - at: 0.3s
    inject: elog
    count: 4
    rate: 20
  - at: 0.2s
    log: marker
  - at: 1s
    exit: true
Y
s=$(date +%s)
opal-sim run "$R" --quiet --scenario "$T/s.yaml"
[ $(( $(date +%s) - s )) -le 5 ] || { echo "run did not exit"; exit 1; }
n=$(ls "$R/sys/firmware/opal/elog" | wc -l)
[ "$n" -eq 9 ] || { echo "want 9 logs, got $n"; exit 1; }
grep -q 'MCE: CPU4: machine check (Severe)  UE Load/Store \[Not recovered\]' "$R/.sim/kmsg.log"
grep -q 'Error detail: Timer facility experienced an error' "$R/.sim/kmsg.log"
grep -q '^scenario step 5: marker$' "$R/.sim/actions.log"
[ "$(grep -c '^scenario step 4: inject elog --count 1$' "$R/.sim/actions.log")" -eq 4 ] || { echo "rate expansion"; cat "$R/.sim/actions.log"; exit 1; }
grep -q '^scenario step 6: exit$' "$R/.sim/actions.log"
# errors name the line
printf -- '- at: soon\n  inject: elog\n' > "$T/bad.yaml"
rc=0; opal-sim run "$R" --scenario "$T/bad.yaml" 2>"$T/err" || rc=$?
[ $rc -eq 1 ] && grep -q 'bad.yaml:1: at:' "$T/err" || { cat "$T/err"; echo "bad scenario"; exit 1; }
printf -- '- at: 1s\n  inject: nosuch\n' > "$T/bad2.yaml"
rc=0; opal-sim run "$R" --scenario "$T/bad2.yaml" 2>"$T/err" || rc=$?
[ $rc -eq 1 ] && grep -q "unknown module 'nosuch'" "$T/err"
# the shipped demo scenario is valid (run it with a fast exit appended)
D=${OPAL_RAS_SRCDIR:-$(dirname "$0")/../..}/etc/scenarios/demo.yaml
[ -f "$D" ] || D=$(cd "$(dirname "$0")/../.." && pwd)/etc/scenarios/demo.yaml
sed 's/^  - at: .*$/  - at: 0.01s/' "$D" > "$T/demo-fast.yaml"
printf '  - at: 0.5s\n    exit: true\n' >> "$T/demo-fast.yaml"
R2=$T/root2
opal-sim init "$R2"
opal-sim run "$R2" --quiet --scenario "$T/demo-fast.yaml"
[ "$(ls "$R2/sys/firmware/opal/elog" | wc -l)" -gt 0 ]
echo ok
