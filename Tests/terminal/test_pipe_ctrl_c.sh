# Issue 30: at the prompt, Ctrl-C during a pipe to a system command (and during a `while`
# loop) stops it, the prompt comes back saying "interrupted", and the program is gone.
FSH=$1
. "$(dirname "$0")/lib.sh"
start fsh "$(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt"
type_text 'echo hello | tr a-z A-Z'; send Enter
wait_line "HELLO" 5 || fail "the pipe did not print HELLO"
# No speed is asserted: the hang guard is 10 s and the program would run ten times longer.
guard=10
type_text "echo x | sh -c 'echo \$\$ >$T/child.pid; exec sleep $((guard * 10))'"; send Enter
for _ in $(seq 100); do [ -s "$T/child.pid" ] && break; sleep 0.1; done
[ -s "$T/child.pid" ] || fail "hang guard: the piped program did not start"
child=$(cat "$T/child.pid")
send C-c
wait_last "fsh:no cluster>" $guard || fail "hang guard: Ctrl-C did not stop the pipe"
screen | grep -q "interrupted" || fail "no 'interrupted' message after the pipe"
for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
kill -0 "$child" 2>/dev/null && fail "the piped program $child still runs"
clear_screen
type_text 'let n = 0; while true { let n = $n + 1 }'; send Enter
sleep 0.5
send C-c
wait_last "fsh:no cluster>" $guard || fail "hang guard: Ctrl-C did not stop the while loop"
screen | grep -q "interrupted" || fail "no 'interrupted' message after the loop"
type_text 'echo "counted $n"'; send Enter
wait_match "^counted [1-9]" 3 || fail "the loop did not run"
echo ok
