# The user's ~/.editrc is read (EDITRC unset): a binding in it changes what a key does.
FSH=$1
. "$(dirname "$0")/lib.sh"
printf 'bind -s ^T "echo from-editrc"\n' >"$HOME/.editrc"
run_env="env -u EDITRC HOME=$HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME TERM=$TERM LANG=C.UTF-8 LC_ALL=C.UTF-8"
start fsh "$run_env $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt"
send C-t
wait_last "fsh:no cluster> echo from-editrc" 3 || fail "Ctrl-T did not insert the ~/.editrc macro"
send Enter
wait_line "from-editrc" 3 || fail "the macro's command did not run"
[ "$(screen | grep -c '^from-editrc$')" = 1 ] || fail "the macro's command ran more than once"
send C-d
wait_for "__rc=0" 5 || fail "no exit"
# Without the file, Ctrl-T is libedit's transpose, and the macro text never appears.
tmux -L "$SOCK" kill-session -t fsh
rm "$HOME/.editrc"
start fsh "$run_env $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt (no .editrc)"
type_text "ab"; send C-t
wait_last "fsh:no cluster> ba" 3 || fail "Ctrl-T did not transpose without ~/.editrc"
screen | grep -q "from-editrc" && fail "the binding is there without ~/.editrc"
send C-d
echo ok
