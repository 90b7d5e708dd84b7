# Issue 30: at the interactive prompt, a result taller than the screen goes through $PAGER
# (default `less -FRX`, as psql and git do) and `q` gives the prompt back; a short result is
# not paged; `set pager off` prints directly; PAGER=cat and a pager that cannot start print
# it all; `-c` never pages.
FSH=$1
. "$(dirname "$0")/lib.sh"
command -v less >/dev/null || fail "less is not installed"
P="fsh:no cluster>"
LAST='wait old deleted settle 30s'  # the last line of `help --markdown`
# The last screen row as it is (not joined: less fills rows to the edge, and -J would join
# its ':' to the row above).
wait_pager_prompt() {
  local deadline=$(($(date +%s%N) + $1 * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(tmux -L "$SOCK" capture-pane -p -t fsh | sed -e 's/ *$//' -e '/^$/d' | tail -n 1)" = ":" ] \
      && return 0
    sleep 0.05
  done
  return 1
}
start fsh "env -u PAGER -u LESS $(fsh_env) $FSH --norc" || fail "tmux"
wait_last "$P" 10 || fail "no prompt"
type_text "help --markdown"; send Enter
# less's prompt on the last line, the first page above it, fsh's prompt not back.
wait_pager_prompt 10 || fail "hang guard: no pager prompt after 10 s"
screen | grep -qx '# Command reference' || fail "the pager does not show the first page"
screen | grep -qxF "$LAST" && fail "the whole output was printed, not paged"
send q
wait_last "$P" 5 || fail "hang guard: q did not give the prompt back in 5 s"
clear_screen
type_text "echo short-answer"; send Enter
wait_line "short-answer" 5 || fail "no short answer"
wait_last "$P" 5 || fail "a short result was paged"
enter "set pager off"
clear_screen
type_text "help --markdown"; send Enter
wait_line "$LAST" 10 || fail "set pager off: not printed directly"
wait_last "$P" 5 || fail "set pager off: no prompt after the output"
send C-d
wait_for "__rc=0" 5 || fail "no exit"

# PAGER=cat, and a pager that cannot start: printed in full, the prompt back.
for pager in cat /nonexistent/pager; do
  start fsh "env -u LESS $(fsh_env PAGER=$pager) $FSH --norc" || fail "tmux"
  wait_last "$P" 10 || fail "PAGER=$pager: no prompt"
  type_text "help --markdown"; send Enter
  wait_line "$LAST" 10 || fail "PAGER=$pager: not printed in full"
  wait_last "$P" 5 || fail "PAGER=$pager: no prompt after the output"
  send C-d
  wait_for "__rc=0" 5 || fail "PAGER=$pager: no exit"
done

# -c on a terminal: never paged (it would wait for q here).
start fsh "env -u PAGER -u LESS $(fsh_env) $FSH -c 'help --markdown'" || fail "tmux"
wait_for "__rc=0" 10 || fail "hang guard: fsh -c was paged (no exit in 10 s)"
screen | grep -qxF "$LAST" || fail "fsh -c: output incomplete"
echo ok
