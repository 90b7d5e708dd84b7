# Issue 17: Tab sees a dataset created from another process without `datasets` being run
# first: names older than a few seconds (3 s) are refreshed in the background at a Tab.
FSH=$1
. "$(dirname "$0")/lib.sh"
serve_sandbox served --delay 0.1
start fsh "$(fsh_env "$vars") $FSH --norc" || fail "tmux"
wait_for "fsh:127.0.0.1:" 20 || fail "no prompt"
prompt=$(last_line)
type_text "nodes"; send Enter
wait_for "10.0.0.3" 10 || fail "nodes did not answer"
wait_last "$prompt" 10 || fail "no prompt after nodes"
# Another process creates a dataset; the names fsh holds are now older than that.
env $vars HOME="$HOME" XDG_STATE_HOME="$T/other-state" XDG_CONFIG_HOME="$T/other-config" \
  "$FSH" -q -c 'create made-elsewhere 1G on 10.0.0.1' >/dev/null || fail "create from another process failed"
clear_screen
type_text "dataset made-el"
wait_last "$prompt dataset made-el" 5 || fail "the typed line was not shown"
# Tab (again every half second) until the names are stale and a Tab's refresh has answered.
# Hang guard 20 s: shorter than the 30 s periodic refresh (the last one followed `nodes`), so
# only a refresh asked for by a Tab can complete the name in time.
press_until Tab "$prompt dataset made-elsewhere" 20 || fail "hang guard: Tab did not see the dataset created elsewhere in 20 s"
send C-u C-d
wait_for "__rc=" 10 || fail "no exit"
echo ok
