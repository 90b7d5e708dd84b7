# Issue 17: Ctrl-C at destroy's question answers no (the dataset is kept, the prompt is back);
# Ctrl-C in Ctrl-R search and in vi command mode cancels that mode and keeps the session;
# Ctrl-D at the question answers no too; $error is set by a failure at the prompt; the
# terminal is sane after fsh exits.
FSH=$1
. "$(dirname "$0")/lib.sh"
check_stty() {
  wait_for "__stty=" 5 || fail "no stty output"
  local modes
  modes=$(screen | grep "__stty=")
  echo "$modes" | grep -q -- " icanon" || fail "terminal left without icanon: $modes"
  echo "$modes" | grep -q -- " echo " || fail "terminal left without echo: $modes"
}
stty_tail="echo __status=\$?; echo __stty=\" \$(stty -a | tr -s '\n;' ' ') \""
start fsh "$(fsh_env) $FSH --sandbox --norc; $stty_tail" || fail "tmux"
wait_last "fsh:sandbox>" 60 || fail "no sandbox prompt"
type_text "create keep-me 1G on 10.0.0.1"; send Enter
wait_for "name:" 10 || fail "create failed"
clear_screen

# Ctrl-C at the question: no, and the prompt is back (it used to hang, echoing every key).
type_text "destroy keep-me"; send Enter
wait_for "and its data? [y/N]" 10 || fail "no question"
send C-c
wait_last "fsh:sandbox>" 5 || fail "Ctrl-C at the question did not give the prompt back"
screen | grep -q "kept 'keep-me'" || fail "no 'kept' line"
type_text "dataset keep-me -o json"; send Enter
wait_for '"status": "' 10 || fail "the dataset is gone after Ctrl-C at the question"
screen | grep -q '"deleted": false' || fail "the dataset was deleted"
clear_screen
# Ctrl-D at the question: no as well.
type_text "destroy keep-me"; send Enter
wait_for "and its data? [y/N]" 10 || fail "no question (second)"
send C-d
wait_last "fsh:sandbox>" 5 || fail "Ctrl-D at the question did not give the prompt back"
screen | grep -q "kept 'keep-me'" || fail "no 'kept' line after Ctrl-D"
clear_screen

# A size above 64T asks first; no keeps it from being created.
type_text "create too-big 100P on 10.0.0.1"; send Enter
wait_for "above 64T? [y/N]" 10 || fail "no question for 100P"
type_text "n"; send Enter
wait_for "did not create 'too-big'" 5 || fail "no answer to 'n' at the size question"
wait_last "fsh:sandbox>" 5 || fail "no prompt after the size question"
type_text "datasets name too-big -o json"; send Enter
wait_for "[]" 10 || fail "too-big was created although the answer was no"
clear_screen

# Ctrl-R, then Ctrl-C: the search is cancelled and the session goes on (it used to exit 0).
type_text "echo searchable-line"; send Enter
wait_line "searchable-line" 3 || fail "no echo"
wait_last "fsh:sandbox>" 3 || fail "no prompt after echo"
clear_screen
send C-r
type_text "searchable"
# libedit's search prompt, and the line it found, are on the screen before the Ctrl-C.
wait_last "bck:searchable" 3 || fail "Ctrl-R did not show the search prompt"
screen | grep -qx "fsh:sandbox> echo searchable-line" || fail "Ctrl-R did not find the line"
send C-c
wait_last "fsh:sandbox>" 5 || fail "no prompt after Ctrl-C in Ctrl-R search"
screen | grep -q "__status=" && fail "Ctrl-C in Ctrl-R search ended fsh"
type_text "echo after-search"; send Enter
wait_line "after-search" 3 || fail "fsh does not run commands after Ctrl-C in search"

# $error is set by a failure at the prompt.
clear_screen
type_text "datasets attached"; send Enter
wait_for "did you mean 'datasets status attached'?" 10 || fail "no did-you-mean"
type_text "echo \"code=\$error.code\""; send Enter
wait_line "code=usage" 3 || fail "\$error was not set by a failure at the prompt"
send C-d
wait_for "__status=0" 5 || fail "Ctrl-D did not end fsh with status 0"
check_stty

# Not at the prompt (`fsh -c` on a terminal): Ctrl-C at the question answers no, stops the
# script (status 130) and leaves the terminal sane.
tmux -L "$SOCK" kill-session -t fsh
start fsh "$(fsh_env) $FSH --sandbox --norc -c \"destroy keep-me; echo not-reached\"; $stty_tail" || fail "tmux"
wait_for "and its data? [y/N]" 60 || fail "no question (-c)"
send C-c
wait_for "__status=130" 10 || fail "Ctrl-C at the question did not stop the -c script with 130"
screen | grep -q "kept 'keep-me'" || fail "no 'kept' line (-c)"
screen | grep -q "^not-reached" && fail "the script went on after Ctrl-C at the question"
check_stty

# Ctrl-C at a secret question (echo off): the script stops and echo is back.
tmux -L "$SOCK" kill-session -t fsh
start fsh "$(fsh_env) $FSH --norc --host 10.0.0.5 -c \"agent init --backend aws region us-east-1 zone us-east-1a access_key_id AKIAX --out $T/agent.yml\"; $stty_tail" || fail "tmux"
wait_for "aws secret_access_key:" 10 || fail "no secret question"
send C-c
wait_for "__status=130" 10 || fail "Ctrl-C at the secret question did not stop with 130"
[ -e "$T/agent.yml" ] && fail "agent.yml was written after Ctrl-C"
check_stty

# vi mode from ~/.editrc: Ctrl-C in command mode (and in a pending motion) keeps the session.
tmux -L "$SOCK" kill-session -t fsh
printf 'bind -v\n' > "$T/editrc"
start fsh "$(record_pid "$T/vi.pid") $(fsh_env) EDITRC=$T/editrc $FSH --norc; $stty_tail" || fail "tmux"
pid=$(fsh_pid "$T/vi.pid")
wait_last "fsh:no cluster>" 10 || fail "no prompt (vi)"
type_text "echo vi-line"
wait_last "fsh:no cluster> echo vi-line" 3 || fail "the typed line was not shown (vi)"
# A Ctrl-C is a signal, not a key in line: it is sent once fsh has read (and acted on) the
# keys before it, as counted by the bytes its main thread read from the terminal.
read_before=$(keys_read "$pid")
send Escape d
wait_keys_read "$pid" $((read_before + 2)) 5 || fail "hang guard: fsh did not read Escape and d in 5 s"
n=$(prompts "fsh:no cluster>")
send C-c
wait_new_prompt "fsh:no cluster>" "$n" 5 || fail "no prompt after Ctrl-C in vi command mode"
screen | grep -q "__status=" && fail "Ctrl-C in vi command mode ended fsh"
read_before=$(keys_read "$pid")
send C-r
wait_keys_read "$pid" $((read_before + 1)) 5 || fail "hang guard: fsh did not read Ctrl-R in 5 s"
n=$(prompts "fsh:no cluster>")
send C-c
wait_new_prompt "fsh:no cluster>" "$n" 5 || fail "no prompt after Ctrl-C in vi search"
screen | grep -q "__status=" && fail "Ctrl-C in vi search ended fsh"
type_text "echo vi-still-alive"; send Enter
wait_line "vi-still-alive" 3 || fail "typing after Ctrl-C in vi mode does not insert"
send C-d
wait_for "__status=0" 5 || fail "Ctrl-D did not end fsh (vi)"
check_stty
echo ok
