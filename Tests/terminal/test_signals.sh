# SIGTERM and SIGHUP end fsh cleanly: the terminal is back in cooked mode with echo, and the
# lines entered so far are in the history file.
FSH=$1
. "$(dirname "$0")/lib.sh"
check_stty() {
  # The wrapper shell prints the terminal modes after fsh exits.
  wait_for "__stty=" 5 || fail "no stty output"
  local modes
  modes=$(screen | grep "__stty=")
  echo "$modes" | grep -q -- " icanon" || fail "terminal left without icanon: $modes"
  echo "$modes" | grep -q -- " echo " || fail "terminal left without echo: $modes"
}
for sig in TERM HUP; do
  for where in prompt command; do
    rm -f "$XDG_STATE_HOME/fsh/history" "$T/fsh.pid"
    # The fsh this test started writes its own pid (exec: the pid is fsh's).
    start fsh "$(record_pid "$T/fsh.pid") $(fsh_env) $FSH --norc; echo __status=\$?; echo __stty=\" \$(stty -a | tr -s '\n;' ' ') \"" || fail "tmux"
    pid=$(fsh_pid)
    wait_last "fsh:no cluster>" 10 || fail "no prompt"
    type_text "echo line-before-$sig"; send Enter
    wait_line "line-before-$sig" 3 || fail "no output"
    wait_last "fsh:no cluster>" 3 || fail "no prompt after the first line"
    if [ "$where" = command ]; then
      # The signal comes while `sleep` runs: fsh's main thread waits on its timer.
      type_text "sleep 30"; send Enter
      wait_timed_wait "$pid" 5 || fail "hang guard: 'sleep 30' did not start in 5 s"
    else
      type_text "echo half-typed"
      wait_last "fsh:no cluster> echo half-typed" 3 || fail "the typed line was not shown"
    fi
    kill -s "$sig" "$pid" || fail "fsh ($pid) is not running"
    wait_for "__status=" 4 || fail "fsh did not exit on SIG$sig at the $where"
    screen | grep -q "__status=0" && fail "exit status 0 after SIG$sig"
    check_stty
    grep -q "line-before-$sig" "$XDG_STATE_HOME/fsh/history" || fail "history not saved (SIG$sig, $where)"
    echo "SIG$sig at the $where: $(screen | grep -o '__status=[0-9]*')"
  done
done
echo ok
