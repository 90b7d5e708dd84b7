# Shared helpers for the tmux tests. Source it after setting FSH (the binary under test).
# Each test gets its own temp HOME/XDG dirs and its own tmux socket, and cleans up on exit.
set -uo pipefail

T=$(mktemp -d "${TMPDIR:-/tmp}/fsh-term.XXXXXX")
SOCK="fsh-test-$(basename "$0" .sh)-$$"
export HOME="$T/home" XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
export EDITRC=/dev/null TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR FSH_HISTSIZE FSH_HISTFILE
# Tall results are printed, not paged, except in test_pager (which sets PAGER itself).
export PAGER=cat
mkdir -p "$HOME" "$XDG_STATE_HOME/fsh" "$XDG_CONFIG_HOME/fsh"
# A sandbox state (certificates) made once by run.sh saves each test the key generation.
# copy_sandbox_template DIR: the template's certificates and nodes (no datasets) into DIR.
copy_sandbox_template() {
  [ -n "${FSH_TEST_SANDBOX_TEMPLATE:-}" ] && [ -d "$FSH_TEST_SANDBOX_TEMPLATE" ] || return 0
  mkdir -p "$1"
  cp "$FSH_TEST_SANDBOX_TEMPLATE"/*.crt "$FSH_TEST_SANDBOX_TEMPLATE"/*.key "$1"/ 2>/dev/null
  cp "$FSH_TEST_SANDBOX_TEMPLATE"/sandbox_nodes.json "$1"/ 2>/dev/null
  chmod 600 "$1"/*.key 2>/dev/null
  return 0
}
copy_sandbox_template "$XDG_STATE_HOME/fsh/sandbox"

# serve_sandbox NAME [ARGS…]: `fsh sandbox serve` in the background (a free port, 2048-bit keys,
# state in $T/NAME, its output in $T/serve.out); once it listens, its variables are in $vars
# (KEY=VALUE …, for fsh_env) and its process is stopped at exit.
serve_sandbox() {
  local dir="$T/$1"
  shift
  copy_sandbox_template "$dir"
  "$FSH" sandbox serve --port 0 --key-bits 2048 --dir "$dir" "$@" >"$T/serve.out" 2>&1 &
  EXTRA_PIDS="${EXTRA_PIDS:-} $!"
  # Its last line of variables is the client key; hang guard 60 s (a 2-core machine under load).
  for _ in $(seq 600); do grep -q "^export FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=" "$T/serve.out" && break; sleep 0.1; done
  grep -q "^export FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=" "$T/serve.out" \
    || fail "hang guard: sandbox did not start in 60 s: $(cat "$T/serve.out")"
  vars=$(grep '^export ' "$T/serve.out" | sed 's/^export //' | tr '\n' ' ')
}

# cleanup: ends the tmux server (its panes' processes get SIGHUP) and the background processes,
# waits until every one of them is gone (hang guard 10 s), then removes $T.
cleanup() {
  local sids pids _
  sids=$(tmux -L "$SOCK" list-panes -a -F '#{pane_pid}' 2>/dev/null | tr '\n' ' ')
  # A pane's process leads its own session: its descendants are the processes of that session.
  pids=$(ps -e -o pid=,sid= | awk -v s=" $sids" 'index(s, " " $2 " ") { print $1 }')
  tmux -L "$SOCK" kill-server 2>/dev/null
  [ -n "${EXTRA_PIDS:-}" ] && kill $EXTRA_PIDS 2>/dev/null
  pids=$(echo $pids ${EXTRA_PIDS:-} | tr ' ' ,)
  # Gone, or a zombie (it holds nothing).
  for _ in $(seq 200); do
    [ -n "$pids" ] && ps -o stat= -p "$pids" | grep -qv '^Z' || break
    sleep 0.05
  done
  rm -rf "$T"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "---- screen ($SOCK) ----"
  tmux -L "$SOCK" capture-pane -p -t "${PANE:-fsh}" 2>/dev/null | sed -e '/^$/d'
  exit 1
}

# start NAME COMMAND…: a tmux session running COMMAND; its exit status is shown as __rc=N.
# The terminal is $COLS columns wide (default 120). The pane stays (remain-on-exit, with no
# "Pane is dead" line) when COMMAND ends, so its screen can still be read.
start() {
  local name=$1
  shift
  local cmd="$*; echo __rc=\$?"
  # The server stays up while test sessions come and go (exit-empty off).
  if ! tmux -L "$SOCK" list-sessions >/dev/null 2>&1; then
    tmux -L "$SOCK" -f /dev/null start-server \; set-option -g exit-empty off \; \
      set-option -g remain-on-exit on \; set-option -g remain-on-exit-format "" || return 1
  fi
  tmux -L "$SOCK" kill-session -t "$name" 2>/dev/null
  tmux -L "$SOCK" new-session -d -s "$name" -x "${COLS:-120}" -y 50 "$cmd" || return 1
  tmux -L "$SOCK" set-option -t "$name" history-limit 5000 >/dev/null
}

send() { tmux -L "$SOCK" send-keys -t "${PANE:-fsh}" "$@"; }
# type TEXT: literal text, no key names.
type_text() { tmux -L "$SOCK" send-keys -t "${PANE:-fsh}" -l -- "$1"; }
screen() { tmux -L "$SOCK" capture-pane -J -p -t "${PANE:-fsh}"; }
# The screen with its colour escapes (capture-pane -e), one screen line a line.
screen_escapes() { tmux -L "$SOCK" capture-pane -e -p -t "${PANE:-fsh}"; }
# The last non-empty line of the screen (trailing spaces are trimmed by tmux).
last_line() { screen | sed -e 's/ *$//' -e '/^$/d' | tail -n 1; }

# wait_for TEXT [SECONDS]: until the screen contains TEXT (fixed string).
wait_for() {
  local text=$1 limit=${2:-10}
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    screen | grep -qF -- "$text" && return 0
    sleep 0.05
  done
  return 1
}

# wait_last LINE [SECONDS]: until the last non-empty line is LINE exactly.
wait_last() {
  local line=$1 limit=${2:-10}
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(last_line)" = "$line" ] && return 0
    sleep 0.02
  done
  return 1
}

# wait_line TEXT [SECONDS]: until some screen line, trailing spaces trimmed, is TEXT exactly
# (after typing `echo X`, the line `X` is fsh's answer; the typed line only contains it).
wait_line() {
  local text=$1 limit=${2:-10}
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    screen | sed -e 's/ *$//' | grep -qxF -- "$text" && return 0
    sleep 0.05
  done
  return 1
}

# wait_match REGEX [SECONDS]: until some screen line, trailing spaces trimmed, matches the
# extended REGEX (anchor it with ^…$ to match whole lines).
wait_match() {
  local re=$1 limit=${2:-10}
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    screen | sed -e 's/ *$//' | grep -qE -- "$re" && return 0
    sleep 0.05
  done
  return 1
}

# clear_screen: Ctrl-L at a prompt, then until the screen holds the prompt line alone, so that
# nothing from before can satisfy the next wait (hang guard 5 s).
clear_screen() {
  send C-l
  local deadline=$(($(date +%s%N) + 5000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(screen | sed -e 's/ *$//' -e '/^$/d' | wc -l)" -eq 1 ] && return 0
    sleep 0.02
  done
  fail "hang guard: Ctrl-L did not clear the screen in 5 s"
}

# enter TEXT [SECONDS]: at a prompt (the last line), types TEXT, waits for the line editor to
# show it, presses Enter and waits until the prompt is back on a new line (the command ended).
# Hang guard SECONDS (default 10).
enter() {
  local text=$1 limit=${2:-10} prompt
  prompt=$(last_line)
  type_text "$text"
  wait_last "$prompt $text" 5 || fail "hang guard: '$text' was not shown at the prompt in 5 s"
  send Enter
  wait_last "$prompt" "$limit" || fail "hang guard: '$text' did not give the prompt back in $limit s"
}

# prompts PROMPT: how many screen lines start with PROMPT (a prompt, with or without a line).
prompts() { screen | awk -v p="$1" 'index($0, p) == 1 { n++ } END { print n + 0 }'; }

# wait_new_prompt PROMPT COUNT [SECONDS]: until more than COUNT screen lines start with PROMPT
# and the last line is PROMPT alone: a new, empty prompt below the old ones.
wait_new_prompt() {
  local prompt=$1 count=$2 limit=${3:-10}
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(prompts "$prompt")" -gt "$count" ] && [ "$(last_line)" = "$prompt" ] && return 0
    sleep 0.02
  done
  return 1
}

# wait_tty_size "ROWS COLS" [SECONDS]: until the pane's terminal has that size as the kernel
# holds it (`stty size`, what fsh reads), e.g. after a resize.
wait_tty_size() {
  local size=$1 limit=${2:-5} tty
  tty=$(tmux -L "$SOCK" display -p -t "${PANE:-fsh}" '#{pane_tty}')
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(stty -F "$tty" size 2>/dev/null)" = "$size" ] && return 0
    sleep 0.05
  done
  return 1
}

# press_until KEY LINE [SECONDS]: presses KEY, and again every half second, until the last
# line is LINE; returns 1 after SECONDS (default 10).
press_until() {
  local key=$1 line=$2 limit=${3:-10} next=0 t
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while t=$(date +%s%N) && [ "$t" -lt "$deadline" ]; do
    if [ "$t" -ge "$next" ]; then
      send "$key"
      next=$((t + 500000000))
    fi
    [ "$(last_line)" = "$line" ] && return 0
    sleep 0.05
  done
  return 1
}

# record_pid FILE: a command prefix that writes the pid of the command after it to FILE (it is
# exec'd, so the pid is the command's own): start fsh "$(record_pid F) $(fsh_env) $FSH …".
record_pid() { printf "sh -c 'echo \$\$ >%s; exec \"\$@\"' sh" "$1"; }

# fsh_pid [FILE]: the pid written by record_pid (default $T/fsh.pid), once it is there.
fsh_pid() {
  local file=${1:-$T/fsh.pid} _
  for _ in $(seq 200); do
    [ -s "$file" ] && { cat "$file"; return 0; }
    sleep 0.05
  done
  fail "hang guard: no pid in $file after 10 s"
}

# keys_read PID: how many bytes the process's main thread has read so far (/proc rchar): at the
# prompt that is the keys the line editor took from the terminal.
keys_read() { awk '/^rchar:/ { print $2 }' "/proc/$1/task/$1/io"; }

# reading_terminal PID: whether the process's main thread is blocked reading the terminal (the
# kernel's tty read wait, or a read system call on descriptor 0: 0 on x86_64, 63 on aarch64).
reading_terminal() {
  case "$(cat "/proc/$1/wchan" 2>/dev/null)" in wait_woken | n_tty_read) return 0 ;; esac
  local call read_nr=0
  case "$(uname -m)" in aarch64 | arm64) read_nr=63 ;; esac
  read -r -a call <"/proc/$1/syscall" 2>/dev/null || return 1
  [ "${call[0]:-}" = "$read_nr" ] && [ "${call[1]:-}" = 0x0 ]
}

# wait_keys_read PID COUNT [SECONDS]: until the main thread has read COUNT bytes in all (see
# keys_read) and is blocked reading the terminal again, i.e. it acted on every key before.
wait_keys_read() {
  local pid=$1 count=$2 limit=${3:-5}
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(keys_read "$pid")" -ge "$count" ] && reading_terminal "$pid" && return 0
    sleep 0.02
  done
  return 1
}

# wait_timed_wait PID [SECONDS]: until the process's main thread is blocked in a futex wait with a
# timeout (fsh's `sleep`: a semaphore waited on a second at a time), not reading the terminal.
wait_timed_wait() {
  local pid=$1 limit=${2:-5} futex call
  case "$(uname -m)" in aarch64 | arm64) futex=98 ;; *) futex=202 ;; esac
  local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    # /proc/PID/syscall: the call's number, then its arguments (the 4th is the timeout).
    read -r -a call <"/proc/$pid/syscall" 2>/dev/null || call=()
    [ "${call[0]:-}" = "$futex" ] && [ "${call[4]:-0x0}" != 0x0 ] && return 0
    sleep 0.02
  done
  return 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# fsh_env: the environment a test's fsh runs with (the tmux server keeps its own otherwise).
fsh_env() {
  echo "env HOME=$HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
    "EDITRC=/dev/null TERM=$TERM LANG=C.UTF-8 LC_ALL=C.UTF-8 $*"
}

# start_sandbox_fsh [ARGS]: fsh --sandbox in session "fsh", waiting for its prompt.
# Its pid is written to $T/fsh.pid (fsh_pid).
start_sandbox_fsh() {
  rm -f "$T/fsh.pid"
  start fsh "$(record_pid "$T/fsh.pid") $(fsh_env) $FSH --sandbox $*" || fail "tmux did not start"
  wait_last "fsh:sandbox>" 60 || fail "no sandbox prompt"
}
