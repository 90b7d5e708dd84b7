# Ctrl-C at the prompt drops the line; during `wait` and `sleep` it cancels the command and the
# prompt comes back; fsh keeps running.
FSH=$1
. "$(dirname "$0")/lib.sh"
start_sandbox_fsh
type_text "echo dropped-line"; send C-c
wait_last "fsh:sandbox>" 2 || fail "Ctrl-C at the prompt did not give a new prompt"
type_text "echo kept-line"; send Enter
wait_for "kept-line" 3 || fail "no output after Ctrl-C"
screen | grep -v "echo" | grep -q "dropped-line" && fail "the dropped line ran"
type_text "create w-volume 1G on 10.0.0.1"; send Enter
wait_for "name: w-volume" 10 || fail "create failed"
send C-l
# No speed is asserted (scripts/bench measures that): the hang guard is 10 s, and each command
# would run ten times longer than the guard if the Ctrl-C did not stop it.
guard=10
for cmd in "wait w-volume deleted timeout 5m" "sleep $((guard * 10))s"; do
  wait_last "fsh:sandbox>" 5 || fail "no prompt before '$cmd'"
  type_text "$cmd"; send Enter
  sleep 0.7
  send C-c
  wait_last "fsh:sandbox>" $guard || fail "hang guard: '$cmd' was not cancelled"
  screen | grep -q "interrupted" || fail "no 'interrupted' message"
  send C-l
done
type_text "echo still-alive"; send Enter
wait_for "still-alive" 3 || fail "fsh did not survive"
echo ok
