#!/usr/bin/env bash
# Drives the real fsh binary in a real terminal (tmux send-keys / capture-pane).
# Usage: Tests/terminal/run.sh PATH/TO/fsh [TEST_NAME…]
# Each test_*.sh runs with its own HOME/XDG dirs and tmux socket, bounded by a timeout.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null || { echo "terminal: tmux is not installed"; exit 1; }
logs=$(mktemp -d "${TMPDIR:-/tmp}/fsh-terminal-logs.XXXXXX")
# A private copy: a rebuild during the run must not swap the binary under the tests.
# fsh-sandbox goes beside it: `fsh --sandbox` looks there first.
cp "$(realpath "$1")" "$logs/fsh"
sandbox_binary="$(dirname "$(realpath "$1")")/fsh-sandbox"
[ -x "$sandbox_binary" ] || { echo "terminal: no fsh-sandbox beside $1 (swift build builds both)"; exit 1; }
cp "$sandbox_binary" "$logs/fsh-sandbox"
FSH=$logs/fsh
shift

# One sandbox state (certificates, 2048-bit: `fsh --sandbox` would make 4096-bit ones, seconds
# each) for all tests, made by a sandbox that is stopped once it serves (hang guard 60 s).
tpl=$(mktemp -d "${TMPDIR:-/tmp}/fsh-sandbox-tpl.XXXXXX")
HOME=$tpl "$FSH" sandbox serve --port 0 --key-bits 2048 --dir "$tpl/state/fsh/sandbox" >"$tpl/serve.out" 2>&1 &
tpl_pid=$!
for _ in $(seq 600); do grep -q "^export FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=" "$tpl/serve.out" && break; sleep 0.1; done
kill "$tpl_pid" 2>/dev/null
wait "$tpl_pid" 2>/dev/null
if grep -q "^export FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=" "$tpl/serve.out"; then
  export FSH_TEST_SANDBOX_TEMPLATE=$tpl/state/fsh/sandbox
fi

# The tests run in lanes (default 2, FSH_TERMINAL_LANES to change): each has its own tmux
# socket, HOME and sandbox directory, so they do not share anything but the CPU.
lanes=${FSH_TERMINAL_LANES:-2}
pass=0
fail=0
start=$(date +%s)
names=()
for t in "$here"/test_*.sh; do
  name=$(basename "$t" .sh)
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  names+=("$name")
done
# run_one NAME: runs one test under its hang guard; its status and time go to files.
run_one() {
  local name=$1 t0
  t0=$(date +%s)
  timeout 180 bash "$here/$name.sh" "$FSH" >"$logs/$name.log" 2>&1
  echo "$? $(($(date +%s) - t0))" >"$logs/$name.status"
}
running=0
for name in "${names[@]}"; do
  if [ "$running" -ge "$lanes" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$name" &
  running=$((running + 1))
done
wait
for name in "${names[@]}"; do
  read -r code took <"$logs/$name.status"
  if [ "$code" -eq 0 ]; then
    pass=$((pass + 1))
    echo "ok   $name (${took}s)"
  else
    fail=$((fail + 1))
    echo "FAIL $name (${took}s, exit $code)"
    sed 's/^/     /' "$logs/$name.log"
  fi
done
rm -rf "$tpl" "$logs"
echo "terminal: $pass passed, $fail failed in $(($(date +%s) - start))s"
[ "$fail" -eq 0 ]
