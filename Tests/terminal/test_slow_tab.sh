# A slow control service (2 s added to every response) never delays a Tab: completion reads a
# cache filled in the background.
FSH=$1
. "$(dirname "$0")/lib.sh"
dir="$T/slow-sandbox"
copy_sandbox_template "$dir"
"$FSH" sandbox serve --port 0 --latency 2 --seed 3 --key-bits 2048 --dir "$dir" >"$T/serve.out" 2>&1 &
EXTRA_PIDS=$!
for _ in $(seq 600); do grep -q "^export FLOCKER_CONTROL_SERVICE_HOST" "$T/serve.out" && break; sleep 0.1; done
grep -q "^export" "$T/serve.out" || fail "sandbox did not start: $(cat "$T/serve.out")"
vars=$(grep '^export ' "$T/serve.out" | sed 's/^export //' | tr '\n' ' ')
start fsh "$(fsh_env $vars) $FSH --norc" || fail "tmux"
wait_for "fsh:" 10 || fail "no prompt"
prompt=$(last_line)
# Right away, while the first (6 s) refresh is under way: a Tab in a dataset slot, then a key.
type_text "move "
sleep 0.3
t0=$(now_ms)
send Tab
type_text "x"
wait_last "$prompt move x" 3 || fail "typing after Tab did not show"
dt=$(($(now_ms) - t0))
echo "Tab + key with a cold cache against a 2 s server: ${dt} ms"
[ "$dt" -lt 500 ] || fail "Tab took ${dt} ms"
send C-u
# Once the background refresh has answered, the names are there, still without waiting.
deadline=$(($(date +%s) + 20))
found=0
while [ "$(date +%s)" -lt "$deadline" ]; do
  type_text "move seed-0000"
  t0=$(now_ms)
  send Tab Tab
  sleep 0.4
  if screen | grep -q "seed-00002"; then found=1; break; fi
  send C-u
  sleep 1
done
[ "$found" = 1 ] || fail "seeded names never arrived from the background refresh"
dt=$(($(now_ms) - t0))
echo "Tab Tab listing with a warm cache: ${dt} ms (includes 400 ms of polling)"
send C-u
t0=$(now_ms)
type_text "mo"; send Tab; type_text "seed-00001"
wait_last "$prompt move seed-00001" 3 || fail "slow warm completion"
echo "command Tab: $(($(now_ms) - t0)) ms"
echo ok
