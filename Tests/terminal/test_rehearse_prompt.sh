# `fsh --rehearse` with no script on a terminal: an interactive session on a copy of the cluster,
# its prompt saying so; Ctrl-C keeps it, Ctrl-D ends it with the plan, and the real cluster
# keeps none of what was done.
FSH=$1
. "$(dirname "$0")/lib.sh"
serve_sandbox prod-sandbox --delay 0.1
start fsh "$(fsh_env $vars) $FSH --norc --rehearse" || fail "tmux"
wait_for "(rehearsal)>" 30 || fail "no rehearsal prompt"
prompt=$(last_line)
case "$prompt" in *"(rehearsal)>") ;; *) fail "the rehearsal prompt is not the last line: $prompt" ;; esac
enter "create tried 1G on 10.0.0.1" 10
screen | grep -q "^name: *tried" || fail "create did not answer"
type_text "config"
wait_last "$prompt config" 5 || fail "the typed line was not shown"
send C-c
wait_last "$prompt" 5 || fail "Ctrl-C lost the session"
type_text "echo alive"
send Enter
wait_line "alive" 5 || fail "no working prompt after Ctrl-C"
send C-d
wait_for "1. create tried 1G on" 20 || fail "no plan at exit"
wait_for "__rc=0" 10 || fail "did not exit 0"
# fsh's own history, completion names and node hosts are not files the session wrote.
screen | grep -q "files it would have written" && fail "fsh's own state listed as written files"
# The real cluster never saw it.
env $vars HOME="$HOME" "$FSH" -c 'datasets -o csv' >"$T/after.csv" 2>&1 \
  || fail "datasets on the real cluster failed: $(cat "$T/after.csv")"
grep -q "^dataset_id," "$T/after.csv" || fail "no CSV listing from the real cluster: $(cat "$T/after.csv")"
grep -q "tried" "$T/after.csv" && fail "the rehearsal reached the real cluster: $(cat "$T/after.csv")"
echo ok
