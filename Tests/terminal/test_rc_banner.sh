# The rc file runs at interactive start (not with --norc); the banner names the version and the
# cluster; the prompt names the cluster profile or marks the sandbox.
FSH=$1
. "$(dirname "$0")/lib.sh"
echo 'echo rc-file-ran' >"$XDG_CONFIG_HOME/fsh/fshrc"
start_sandbox_fsh
wait_line "rc-file-ran" 3 || fail "the rc file did not run"
screen | grep -q "^fsh .* cluster: the sandbox" || fail "no banner naming the sandbox"
screen | grep -q "help" || fail "the banner does not say how to get help"
send C-d
wait_for "__rc=0" 5 || fail "no exit"
tmux -L "$SOCK" kill-session -t fsh
start_sandbox_fsh --norc
screen | grep -q "rc-file-ran" && fail "--norc still ran the rc file"
send C-d
tmux -L "$SOCK" kill-session -t fsh
# A profile names the prompt.
$FSH -c 'cluster add prod host 10.9.8.7 certs /nonexistent' >/dev/null 2>&1 || fail "cluster add"
start fsh "$(fsh_env) $FSH --norc --cluster prod" || fail "tmux"
wait_last "fsh:prod>" 10 || fail "the prompt does not name the profile"
screen | grep -q "cluster: prod" || fail "the banner does not name the profile"
echo ok
