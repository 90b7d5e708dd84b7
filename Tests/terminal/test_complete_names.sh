# A dataset name after `move`, a node prefix after `on`; the newcomer's walk from the issue:
# `mo<Tab> my<Tab> to <Tab><Tab>` after `create my-volume 10G on <node>`.
FSH=$1
. "$(dirname "$0")/lib.sh"
start_sandbox_fsh

type_text "create my-volume 10G on "; send Tab Tab
wait_for "10.0.0.1" 3 || fail "no node list after 'on <Tab><Tab>'"
node=$(screen | grep -oE '\b[0-9a-f]{8}\b' | head -n 1)
[ -n "$node" ] || fail "no node id prefix in the listing"
# A node prefix: three characters complete to the eight-character prefix. The line is typed
# anew: the first Tab may have inserted a common prefix (hosts 10.0.0.x and ids may all start "1").
send C-u; type_text "create my-volume 10G on ${node:0:3}"; send Tab
wait_last "fsh:sandbox> create my-volume 10G on $node" 3 || fail "node prefix did not complete"
send Enter
wait_for "name: my-volume" 10 || fail "create failed"
wait_last "fsh:sandbox>" 5 || fail "no prompt after create"
clear_screen
type_text "mo"; send Tab; type_text "my"; send Tab; type_text "to "; send Tab Tab
wait_for "fsh:sandbox> move my-volume to" 3 || fail "did not complete 'move my-volume to '"
wait_for "10.0.0.1" 3 || fail "no node list after 'to <Tab><Tab>'"
screen | grep -q "$node" || fail "node id missing from the list"
# Hosts complete too: the whole host typed, Tab adds the space after it (typing alone cannot).
type_text "10.0.0.2"; send Tab; type_text "Z"
wait_last "fsh:sandbox> move my-volume to 10.0.0.2 Z" 3 || fail "host did not complete"
send C-u C-d
wait_for "__rc=" 10 || fail "no exit"
echo ok
