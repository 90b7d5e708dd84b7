# History: saved in $XDG_STATE_HOME/fsh/history, recalled with Up in a second run; consecutive
# duplicates and lines starting with a space are not saved; `history` lists it.
FSH=$1
. "$(dirname "$0")/lib.sh"
start fsh "$(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt"
type_text "echo first-run-line"; send Enter
type_text "echo first-run-line"; send Enter
type_text " echo secret-line"; send Enter
wait_for "secret-line" 3 || fail "no output"
send C-d
wait_for "__rc=0" 5 || fail "no exit"
hist="$XDG_STATE_HOME/fsh/history"
[ -f "$hist" ] || fail "no history file at $hist"
[ "$(grep -c 'first-run-line' "$hist")" = 1 ] || fail "duplicate saved: $(cat "$hist")"
grep -q secret-line "$hist" && fail "a line starting with a space was saved"
tmux -L "$SOCK" kill-session -t fsh
start fsh "$(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt (second run)"
send Up
wait_last "fsh:no cluster> echo first-run-line" 3 || fail "Up did not recall the first run's line"
send C-u
type_text "history"; send Enter
wait_for "echo first-run-line" 3 || fail "history does not list the line"
send C-d
wait_for "__rc=0" 5 || fail "no exit"
# The cap: FSH_HISTSIZE=3 keeps the last three.
tmux -L "$SOCK" kill-session -t fsh
start fsh "$(fsh_env FSH_HISTSIZE=3) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt (third run)"
type_text "history"; send Enter
wait_for "history" 3
n=$(screen | grep -c "first-run-line")
[ "$n" -le 2 ] || fail "the history cap was not applied"
send C-d
echo ok
