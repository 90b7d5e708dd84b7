# Shared helpers for the tmux tests. Source it after setting FSH (the binary under test).
# Each test gets its own temp HOME/XDG dirs and its own tmux socket, and cleans up on exit.
set -uo pipefail

T=$(mktemp -d "${TMPDIR:-/tmp}/fsh-term.XXXXXX")
SOCK="fsh-test-$(basename "$0" .sh)-$$"
export HOME="$T/home" XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
export EDITRC=/dev/null TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR FSH_HISTSIZE FSH_HISTFILE
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
  for _ in $(seq 600); do grep -q "^export FLOCKER_CONTROL_SERVICE_HOST" "$T/serve.out" && break; sleep 0.1; done
  grep -q "^export" "$T/serve.out" || fail "sandbox did not start: $(cat "$T/serve.out")"
  vars=$(grep '^export ' "$T/serve.out" | sed 's/^export //' | tr '\n' ' ')
}

cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null
  [ -n "${EXTRA_PIDS:-}" ] && kill $EXTRA_PIDS 2>/dev/null
  sleep 0.3
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
# The terminal is $COLS columns wide (default 120).
start() {
  local name=$1
  shift
  local cmd="$*; echo __rc=\$?; sleep 600"
  # A keeper session holds the server up while test sessions come and go.
  if ! tmux -L "$SOCK" has-session -t keeper 2>/dev/null; then
    tmux -L "$SOCK" -f /dev/null new-session -d -s keeper "sleep 900" || return 1
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

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# fsh_env: the environment a test's fsh runs with (the tmux server keeps its own otherwise).
fsh_env() {
  echo "env HOME=$HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
    "EDITRC=/dev/null TERM=$TERM LANG=C.UTF-8 LC_ALL=C.UTF-8 $*"
}

# start_sandbox_fsh [ARGS]: fsh --sandbox in session "fsh", waiting for its prompt.
start_sandbox_fsh() {
  start fsh "$(fsh_env) $FSH --sandbox $*" || fail "tmux did not start"
  wait_last "fsh:sandbox>" 60 || fail "no sandbox prompt"
}
