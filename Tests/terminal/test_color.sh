# Colour on a terminal: errors are coloured by default, and not with NO_COLOR, --color never
# or `set color never`. At the prompt an error keeps its caret but has no `<stdin>:1:1:` head.
FSH=$1
. "$(dirname "$0")/lib.sh"
esc=$(printf '\033')
# Default: the error label is coloured (so the checks below can fail).
start fsh "$(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt"
type_text "datasets status bogus"; send Enter
wait_for "invalid status 'bogus'" 5 || fail "no error"
screen_escapes | grep "invalid status" | grep -q "$esc\[" || fail "the error is not coloured by default"
# At the prompt: 'error: …' without '<stdin>:1:17:', then the line and the caret.
screen | grep -q "^error: invalid status 'bogus'" || fail "the error does not start with 'error:'"
screen | grep -q "<stdin>:" && fail "the prompt's error names <stdin>"
screen | grep -qE '^ +\^~~~~$' || fail "no caret under 'bogus'"
# set color never: the next error has no escape sequence.
clear_screen
enter "set color never" 3
type_text "datasets status bogus"; send Enter
wait_for "invalid status 'bogus'" 5 || fail "no error (set color never)"
screen_escapes | grep -E "invalid status|\^~" | grep -q "$esc\[" && fail "set color never still colours the error"
send C-d
wait_for "__rc=" 5 || fail "no exit"
tmux -L "$SOCK" kill-session -t fsh

# --color never with -c on a terminal.
start fsh "$(fsh_env) $FSH --color never -c 'datasets status bogus'" || fail "tmux"
wait_for "__rc=" 10 || fail "no exit (--color never)"
screen | grep -q "invalid status 'bogus'" || fail "no error (--color never)"
screen | grep -q "^<-c>:1:17: error:" || fail "-c lost its location head"
screen_escapes | grep -q "$esc\[" && fail "--color never printed an escape sequence"
tmux -L "$SOCK" kill-session -t fsh

# NO_COLOR: no escape sequence anywhere, prompt included.
start fsh "$(fsh_env NO_COLOR=1) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt (NO_COLOR)"
type_text "datasets status bogus"; send Enter
wait_for "invalid status 'bogus'" 5 || fail "no error (NO_COLOR)"
screen_escapes | grep -q "$esc\[" && fail "NO_COLOR: an escape sequence was printed"
send C-d
echo ok
