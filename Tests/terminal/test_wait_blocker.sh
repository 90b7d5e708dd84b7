# `wait` at a terminal shows what blocks the dataset while it waits (a lease held by the node it
# is stuck on), fails at the timeout naming the lease and the fix, and Ctrl-C stops it at once
# with the terminal sane; after `lease release` the same wait succeeds.
FSH=$1
. "$(dirname "$0")/lib.sh"
serve_sandbox blocker-sandbox --delay 0.1
start fsh "$(fsh_env $vars) $FSH --norc" || fail "tmux"
wait_for "fsh:" 10 || fail "no prompt"
prompt=$(last_line)
type_text "create lv 1G on 10.0.0.1; wait lv attached; let l = lease acquire lv on 10.0.0.1"
send Enter
wait_for "is attached on" 30 || fail "create did not converge"
type_text "move lv to 10.0.0.2"
send Enter
wait_for "is leased by node" 10 || fail "no warning for a leased move"
wait_last "$prompt" 10 || fail "no prompt after the move"
clear_screen
# While it waits: the progress line names the lease (hang guard 10 s).
type_text "wait lv attached timeout 8s"
send Enter
wait_for "waiting for 'lv' to be attached: leased by node" 10 || fail "the progress line does not name the lease"
# One progress line, rewritten in place: not a new line per poll. It counts the seconds waited;
# by 4 s of 8 it has been rewritten at each of several polls (hang guard 20 s).
wait_match "^waiting for 'lv' to be attached: .*\(([4-7])s of 8s\)$" 20 \
  || fail "hang guard: the progress line did not reach 4s of 8s in 20 s"
[ "$(screen | grep -c "waiting for 'lv'")" -eq 1 ] || fail "the progress line scrolls"
wait_for "error: dataset 'lv' is not attached on " 30 || fail "no timeout error"
wait_for "blocked: leased by node" 5 || fail "the timeout does not name the lease"
wait_for "release the lease: lease release lv" 5 || fail "the timeout does not give the fix"
[ "$(screen | grep -c "waiting for 'lv'")" -le 1 ] || fail "the progress line scrolled"
wait_last "$prompt" 10 || fail "no prompt after the timeout"
clear_screen
# Ctrl-C stops a wait at once and leaves a working prompt.
type_text "wait lv attached timeout 2m"
send Enter
wait_for "waiting for 'lv'" 10 || fail "second wait did not start"
send C-c
wait_for "interrupted" 10 || fail "Ctrl-C did not stop the wait"
type_text "echo still-here"
send Enter
wait_line "still-here" 5 || fail "no working prompt after Ctrl-C"
type_text "let r = lease release lv; wait lv attached on 10.0.0.2 timeout 60s; echo released  ok"
send Enter
wait_line "released ok" 60 || fail "released, but the wait did not succeed"
screen | grep -q "'lv' (.*) is attached on .* (10.0.0.2) at /flocker/" || fail "not attached on 10.0.0.2"
echo ok
