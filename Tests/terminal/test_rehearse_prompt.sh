# `fsh --rehearse` with no script on a terminal: an interactive session on a copy of the cluster,
# its prompt saying so; Ctrl-C keeps it, Ctrl-D ends it with the plan, and the real cluster
# keeps none of what was done.
FSH=$1
. "$(dirname "$0")/lib.sh"
serve_sandbox prod-sandbox --delay 0.1
start fsh "$(fsh_env $vars) $FSH --norc --rehearse" || fail "tmux"
wait_for "(rehearsal)>" 30 || fail "no rehearsal prompt"
type_text "create tried 1G on 10.0.0.1"
send Enter
wait_for "name:" 10 || fail "create did not answer"
type_text "config"
send C-c
wait_for "(rehearsal)>" 5 || fail "Ctrl-C lost the session"
type_text "echo alive"
send Enter
wait_for "alive" 5 || fail "no working prompt after Ctrl-C"
send C-d
wait_for "1. create tried 1G on" 20 || fail "no plan at exit"
wait_for "__rc=0" 10 || fail "did not exit 0"
# The real cluster never saw it.
env $vars HOME="$HOME" "$FSH" -c 'datasets -o csv' >"$T/after.csv" 2>&1
grep -q "tried" "$T/after.csv" && fail "the rehearsal reached the real cluster: $(cat "$T/after.csv")"
echo ok
