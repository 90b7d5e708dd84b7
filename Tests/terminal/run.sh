#!/usr/bin/env bash
# Drives the real fsh binary in a real terminal (tmux send-keys / capture-pane).
# Usage: Tests/terminal/run.sh PATH/TO/fsh
set -uo pipefail
FSH=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
for t in "$here"/test_*.sh; do
  name=$(basename "$t" .sh)
  if bash "$t" "$FSH" >"/tmp/fsh-$name.log" 2>&1; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name"
    sed 's/^/     /' "/tmp/fsh-$name.log"
  fi
done
echo "terminal: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
