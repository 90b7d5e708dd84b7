# Issue 17: Tab sees a dataset created from another process without `datasets` being run
# first: names older than a few seconds are refreshed in the background at a Tab.
FSH=$1
. "$(dirname "$0")/lib.sh"
"$FSH" sandbox serve --port 0 --dir "$T/served" --key-bits 2048 --delay 0.1 >"$T/serve.out" 2>/dev/null &
EXTRA_PIDS=$!
for _ in $(seq 1 600); do
  [ "$(grep -c '^export ' "$T/serve.out" 2>/dev/null)" -ge 5 ] && break
  sleep 0.1
done
[ "$(grep -c '^export ' "$T/serve.out")" -ge 5 ] || fail "the served sandbox printed no environment"
vars=$(grep '^export ' "$T/serve.out" | sed -e 's/^export //' -e "s/'//g" | tr '\n' ' ')
start fsh "$(fsh_env "$vars") $FSH --norc" || fail "tmux"
wait_for "fsh:127.0.0.1:" 20 || fail "no prompt"
type_text "nodes"; send Enter
wait_for "10.0.0.3" 10 || fail "nodes did not answer"
# Another process creates a dataset; the names fsh holds are now older than that.
env $vars HOME="$HOME" XDG_STATE_HOME="$T/other-state" XDG_CONFIG_HOME="$T/other-config" \
  "$FSH" -q -c 'create made-elsewhere 1G on 10.0.0.1' >/dev/null || fail "create from another process failed"
sleep 4
send C-l
type_text "dataset made-el"; send Tab
if ! wait_last "fsh:127.0.0.1:$(echo "$vars" | grep -o 'PORT=[0-9]*' | cut -d= -f2)> dataset made-elsewhere" 2; then
  # The refresh the first Tab asked for may answer after it: a second Tab completes.
  send Tab
fi
wait_for "dataset made-elsewhere" 5 || fail "Tab did not see the dataset created elsewhere"
send C-u C-d
wait_for "__rc=" 10 || fail "no exit"
echo ok
