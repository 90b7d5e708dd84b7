# Issue 34: `fsh --cluster 'lab-*'` at a terminal prefixes each line with its cluster's name,
# aligned and coloured; `--group` prints each cluster's output whole under a header; Ctrl-C
# cancels every cluster at once (exit 130, each one's run stopped), and `each cluster` in the
# REPL does the same for a block.
FSH=$1
. "$(dirname "$0")/lib.sh"
serve_sandbox lab-a --delay 0.1
vars_a=$vars
serve_sandbox lab-b --delay 0.1
vars_b=$vars
profile() { # NAME VARS…: a profile for the sandbox whose variables are VARS
  local name=$1
  shift
  env "$@" HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
    sh -c '"$0" --norc -q -c "cluster add $1 host 127.0.0.1:$FLOCKER_CONTROL_SERVICE_PORT ca $FLOCKER_CONTROL_SERVICE_CA_FILE cert $FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE key $FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"' \
    "$FSH" "$name" || fail "cannot add profile $name"
}
profile lab-a $vars_a
profile lab-bb $vars_b
# Prefixed, aligned to the longest name, coloured (each name in its colour, then reset).
start fsh "$(fsh_env) $FSH --norc --cluster 'lab-*' -c 'echo ready'" || fail "tmux"
wait_for "__rc=0" 20 || fail "hang guard: the fan-out did not end in 20 s"
screen | grep -qx "lab-a  | ready" || fail "no aligned prefix for lab-a: $(screen)"
screen | grep -qx "lab-bb | ready" || fail "no prefix for lab-bb: $(screen)"
screen_escapes | grep -q "$(printf "\033")\[36mlab-a $(printf "\033")\[39m | ready" || fail "lab-a's prefix is not coloured: $(screen_escapes | cat -v)"
screen | grep -qx "2 ok" || fail "no summary"
# --group: each cluster whole, under a header, in profile order.
start fsh "$(fsh_env) $FSH --norc --group --cluster 'lab-*' -c 'echo one; echo two'" || fail "tmux"
wait_for "__rc=0" 20 || fail "hang guard: --group did not end in 20 s"
[ "$(screen | grep -v '^__rc' | sed -e '/^$/d' | head -6 | tr '\n' ' ')" = "== lab-a == one two == lab-bb == one two " ] \
  || fail "not grouped: $(screen)"
# Ctrl-C while both clusters sleep: every run stops, exit status 130 (hang guard 10 s; the
# sleeps would last 60 s).
start fsh "$(fsh_env) $FSH --norc --cluster 'lab-*' -c 'echo sleeping; sleep 60'" || fail "tmux"
wait_for "lab-bb | sleeping" 20 || fail "hang guard: the runs did not start in 20 s"
wait_for "lab-a  | sleeping" 20 || fail "hang guard: lab-a did not start in 20 s"
send C-c
wait_for "__rc=130" 10 || fail "hang guard: Ctrl-C did not stop every cluster in 10 s: $(screen)"
screen | grep -q "lab-a  | <-c>:1:16: error: interrupted" || fail "lab-a was not interrupted: $(screen)"
screen | grep -q "lab-bb | <-c>:1:16: error: interrupted" || fail "lab-bb was not interrupted"
# In the REPL: each cluster runs a block on both, with the session's variables.
start fsh "$(fsh_env) $FSH --norc" || fail "tmux"
wait_for "fsh:" 10 || fail "no prompt"
prompt=$(last_line)
enter "let who = operator"
type_text "each cluster 'lab-*' { echo hello \$who }"
send Enter
wait_line "lab-bb | hello operator" 20 || fail "each cluster did not run on lab-bb: $(screen)"
wait_line "lab-a  | hello operator" 5 || fail "each cluster did not run on lab-a"
wait_last "$prompt" 10 || fail "no prompt after each cluster"
# Ctrl-C inside each: both stop, and the prompt comes back.
type_text "each cluster 'lab-*' { echo napping; sleep 60 }"
send Enter
wait_line "lab-a  | napping" 20 || fail "hang guard: the block did not start on lab-a in 20 s"
wait_line "lab-bb | napping" 20 || fail "hang guard: the block did not start on lab-bb in 20 s"
send C-c
# Both sleeps end at once (not after 60 s): the prompt is back (hang guard 10 s).
wait_line "fsh: error: interrupted" 10 || fail "hang guard: Ctrl-C did not stop each cluster in 10 s"
wait_last "$prompt" 10 || fail "no prompt after Ctrl-C"
enter "echo still-here"
wait_line "still-here" 5 || fail "no working prompt after Ctrl-C"
echo ok
