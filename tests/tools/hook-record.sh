#!/bin/sh
# A test hook: records its input, environment and uid under DIR, then exits with
# the status in DIR/exit (default 0) after sleeping DIR/sleep seconds (default 0).
d=$1
n=$OPAL_DELIVERY_ID
cat >"$d/$n.json"
env | grep '^OPAL_' | sort >"$d/$n.env"
id -u >"$d/$n.uid"
echo "$OPAL_EVENT_IDS" >>"$d/ids.log"
[ -f "$d/sleep" ] && sleep "$(cat "$d/sleep")"
exit "$(cat "$d/exit" 2>/dev/null || echo 0)"
