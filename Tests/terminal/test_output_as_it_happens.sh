# Output as it happens: a line echoed before a long sleep is on the screen while fsh sleeps,
# in a terminal and through a pipe; Ctrl-C then leaves that line and an "interrupted" line that
# says where the script was, and fsh exits 130.
FSH=$1
. "$(dirname "$0")/lib.sh"
guard=20
# The command is started by tmux (nothing typed), so every line on screen is fsh's output.
start fsh "$(fsh_env) $FSH -c 'echo first-line; sleep $((guard * 10))s; echo never-shown'" || fail "tmux"
wait_line "first-line" $guard || fail "hang guard: the first line was not shown while fsh sleeps"
screen | grep -q "__rc=" && fail "fsh ended instead of sleeping"
send C-c
wait_match '^__rc=130$' $guard || fail "hang guard: Ctrl-C did not end fsh -c with 130"
wait_line "first-line" 1 || fail "the first line was lost at Ctrl-C"
wait_match '<-c>:1:[0-9]+: error: interrupted$' 1 || fail "no 'interrupted' line saying where"
screen | sed -e "s/ *$//" | grep -qx "never-shown" && fail "the script went on after Ctrl-C"

# Through a pipe: the reader sees the first line while fsh still sleeps.
start piped "$(fsh_env) $FSH -c 'echo piped-line; sleep $((guard * 10))s' | cat" || fail "tmux"
PANE=piped wait_line "piped-line" $guard || fail "hang guard: a pipe got nothing while fsh sleeps"
PANE=piped send C-c
PANE=piped wait_match '^__rc=130$' $guard || fail "hang guard: Ctrl-C did not end the piped fsh"
echo ok
