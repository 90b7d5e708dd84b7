# History: saved in $XDG_STATE_HOME/fsh/history, recalled with Up in a second run; consecutive
# duplicates and lines starting with a space are not saved; `history` lists it.
FSH=$1
. "$(dirname "$0")/lib.sh"
start fsh "$(record_pid "$T/fsh.pid") $(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt"
# One line at a time, each typed at its prompt (keys typed ahead while the line editor switches
# the terminal between cooked and raw mode are echoed twice by the terminal itself).
enter "echo first-run-line" 5
enter "echo first-run-line" 5
enter " echo secret-line" 5
wait_line "secret-line" 3 || fail "no output"
[ "$(screen | grep -cx 'first-run-line')" = 2 ] || fail "echo first-run-line did not run twice"
# Ctrl-D once fsh reads its terminal again: a key that arrives while the line editor switches
# the terminal to raw mode can be taken as a plain ^D character (seen once in CI).
wait_keys_read "$(fsh_pid)" 0 10 || fail "hang guard: fsh does not read its terminal"
send C-d
wait_for "__rc=0" 5 || fail "no exit"
hist="$XDG_STATE_HOME/fsh/history"
[ -f "$hist" ] || fail "no history file at $hist"
[ "$(grep -c 'first-run-line' "$hist")" = 1 ] || fail "duplicate saved: $(cat "$hist")"
grep -q secret-line "$hist" && fail "a line starting with a space was saved"
tmux -L "$SOCK" kill-session -t fsh
rm -f "$T/fsh.pid"
start fsh "$(record_pid "$T/fsh.pid") $(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt (second run)"
send Up
wait_last "fsh:no cluster> echo first-run-line" 3 || fail "Up did not recall the first run's line"
send C-u
type_text "history"; send Enter
wait_match "^ *[0-9]+  echo first-run-line$" 3 || fail "history does not list the line"
wait_keys_read "$(fsh_pid)" 0 10 || fail "hang guard: fsh does not read its terminal"
send C-d
wait_for "__rc=0" 5 || fail "no exit"
# The cap: with FSH_HISTSIZE=3 a session loads only the last three of six saved lines;
# `history` lists exactly those, and `history 2` the last two.
tmux -L "$SOCK" kill-session -t fsh
printf 'echo cap-1\necho cap-2\necho cap-3\necho cap-4\necho cap-5\necho cap-6\n' >"$hist"
start fsh "$(fsh_env FSH_HISTSIZE=3) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt (third run)"
type_text "history"; send Enter
wait_for "echo cap-6" 3 || fail "history does not list the last saved line"
for kept in cap-4 cap-5 cap-6; do screen | grep -q "echo $kept" || fail "history lost $kept"; done
for cut in cap-1 cap-2 cap-3; do screen | grep -q "echo $cut" && fail "the cap of 3 kept $cut"; done
clear_screen
enter "history 2" 3
rows=$(screen | grep -cE '^ *[0-9]+  ')
[ "$rows" = 2 ] || fail "history 2 listed $rows rows"
screen | grep -q "echo cap-5" && fail "history 2 listed a third line back"
send C-d
echo ok
