# Ctrl-C at the prompt drops the line; during `wait` and `sleep` it cancels the command and the
# prompt comes back; fsh keeps running.
FSH=$1
. "$(dirname "$0")/lib.sh"
start_sandbox_fsh
pid=$(fsh_pid)
type_text "echo dropped-line"
wait_last "fsh:sandbox> echo dropped-line" 3 || fail "the typed line was not shown"
send C-c
wait_last "fsh:sandbox>" 2 || fail "Ctrl-C at the prompt did not give a new prompt"
type_text "echo kept-line"; send Enter
wait_line "kept-line" 3 || fail "no output after Ctrl-C"
screen | grep -qx "dropped-line" && fail "the dropped line ran"
type_text "create w-volume 1G on 10.0.0.1"; send Enter
wait_for "name: w-volume" 10 || fail "create failed"
wait_last "fsh:sandbox>" 5 || fail "no prompt after create"
# No speed is asserted (scripts/bench measures that): the hang guard is 10 s, and each command
# would run ten times longer than the guard if the Ctrl-C did not stop it. Ctrl-C is sent once
# the command is under way: `wait` shows its progress line, `sleep` is fsh's main thread
# waiting on its timer.
guard=10
for cmd in "wait w-volume deleted timeout 5m" "sleep $((guard * 10))s"; do
  clear_screen
  type_text "$cmd"; send Enter
  case "$cmd" in
    wait*) wait_for "waiting for 'w-volume' to be deleted" $guard || fail "hang guard: no progress line from '$cmd'" ;;
    sleep*) wait_timed_wait "$pid" $guard || fail "hang guard: '$cmd' did not start sleeping" ;;
  esac
  send C-c
  wait_last "fsh:sandbox>" $guard || fail "hang guard: '$cmd' was not cancelled"
  screen | grep -q "interrupted" || fail "no 'interrupted' message"
done
type_text "echo still-alive"; send Enter
wait_line "still-alive" 3 || fail "fsh did not survive"
echo ok
