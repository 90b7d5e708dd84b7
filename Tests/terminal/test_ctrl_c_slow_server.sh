# Ctrl-C while an HTTP request is in flight to a control service that answers slowly: the
# request is aborted, "interrupted" is printed, the prompt comes back and the next command
# runs. The hang guard is 10 s; the server answers after 100 s, ten times the guard, so only
# the Ctrl-C can bring the prompt back in time.
FSH=$1
. "$(dirname "$0")/lib.sh"
guard=10
serve_sandbox slow-sandbox --latency $((guard * 10))
# --verbose traces each request as curl sends it: the request line shows it is in flight.
start fsh "$(fsh_env $vars) $FSH --norc --verbose" || fail "tmux"
wait_for "fsh:" 10 || fail "no prompt"
prompt=$(last_line)
type_text "datasets"; send Enter
wait_match "^> GET /v1/" $guard || fail "hang guard: no request was sent"
[ "$(last_line)" = "$prompt" ] && fail "datasets returned before the slow server answered"
send C-c
wait_last "$prompt" $guard || fail "hang guard: Ctrl-C did not abort the request"
screen | grep -q "interrupted" || fail "no 'interrupted' message"
type_text "echo after-ctrl-c"; send Enter
wait_line "after-ctrl-c" 3 || fail "no command after Ctrl-C"
send C-d
wait_for "__rc=" $guard || fail "hang guard: fsh did not exit"
echo ok
