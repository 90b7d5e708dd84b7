# A slow control service never delays a Tab: completion reads a cache filled in the background
# (or saved by an earlier session). No speed is asserted (scripts/bench measures that); the
# hang guard is 3 s, and the server answers after 30 s, ten times the guard, so a Tab that
# waited on it could not pass.
FSH=$1
. "$(dirname "$0")/lib.sh"
guard=3
serve_sandbox slow-sandbox --latency $((guard * 10)) --datasets 3
port=$(grep '^export FLOCKER_CONTROL_SERVICE_PORT=' "$T/serve.out" | sed 's/.*=//; s/"//g')

# Cold: nothing known yet, the first refresh is under way (and will take 30 s).
start fsh "$(fsh_env $vars) $FSH --norc" || fail "tmux"
wait_for "fsh:" 10 || fail "no prompt"
prompt=$(last_line)
type_text "move "
send Tab
type_text "x"
wait_last "$prompt move x" $guard || fail "hang guard: typing after Tab waited on the slow server"
send C-u
tmux -L "$SOCK" kill-session -t fsh

# Warm: names saved by an earlier session complete at once, the server still slow.
mkdir -p "$XDG_STATE_HOME/fsh/names"
printf '{"datasets":["seed-00001","seed-00002","seed-00003"],"nodes":[],"time":%s}' "$(date +%s)" \
  >"$XDG_STATE_HOME/fsh/names/127.0.0.1_$port.json"
start fsh "$(fsh_env $vars) $FSH --norc" || fail "tmux"
wait_for "fsh:" 10 || fail "no prompt (warm)"
prompt=$(last_line)
type_text "move seed-0000"
send Tab Tab
wait_for "seed-00002" $guard || fail "hang guard: saved names did not complete"
send C-u
type_text "mo"; send Tab; type_text "seed-00001"
wait_last "$prompt move seed-00001" $guard || fail "hang guard: command Tab waited"
echo ok
