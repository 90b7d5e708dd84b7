#!/usr/bin/env bash
# Builds examples/embed (a separate package depending on FshKit by path), runs it against a
# sandbox control service started with `fsh sandbox serve`, and checks its structured output.
# Usage: Tests/embed/run.sh PATH/TO/fsh
set -uo pipefail
FSH=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
pass=0
fail=0
check() { # name, condition-command...
  local name=$1
  shift
  if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}

HOME="$work" "$FSH" sandbox serve --port 0 --dir "$work/sandbox" --key-bits 2048 --delay 0.1 >"$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q CLIENT_KEY_FILE "$work/serve.out" && break; sleep 0.2; done
eval "$(grep '^export ' "$work/serve.out")"

# The example is a target of the root package too (Package.swift), so it is built with
# everything else; a stale binary must not stand in for this build: build it now, and fail (with
# the compiler's output) when that fails.
demo="$root/.build/debug/embed-demo"
(cd "$root" && swift build --product embed-demo --explicit-target-dependency-import-check=error) >"$work/build.log" 2>&1
built=$?
[ "$built" -eq 0 ] || grep -E 'error|warning: ' "$work/build.log" | sed 's/^/     /'
check "example builds" test "$built" -eq 0 -a -x "$demo"
HOME="$work" "$demo" >"$work/demo.out" 2>&1
status=$?
cat "$work/demo.out" | sed 's/^/     /'
check "example exits 0" test "$status" -eq 0
check "custom command result" grep -q 'capacity grew from .* to .*' "$work/demo.out"
check "custom command in help" grep -q 'USAGE: capacity \[on NODE\]' "$work/demo.out"
check "structured diagnostic" grep -q "stopped at line 7, column 1: no node .*\[not-found\]" "$work/demo.out"
echo "embed: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
