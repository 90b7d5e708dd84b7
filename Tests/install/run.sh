#!/usr/bin/env bash
# scripts/install into a temporary prefix (the debug build, to stay fast), then: the man page
# renders, a new bash with the completion loaded completes `fsh --clu<Tab>`, and
# scripts/uninstall removes exactly what was installed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
pass=0
fail=0
check() {
  local name=$1
  shift
  if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
# scripts/setup stops when the build fails, even with an old binary in .build: a stand-in
# `swift` that fails its build comes first on PATH (the packages are installed already).
mkdir -p "$prefix/fakeswift"
printf '#!/bin/sh\necho "error: the stand-in build failed"\nexit 3\n' >"$prefix/fakeswift/swift"
chmod +x "$prefix/fakeswift/swift"
for mode in "" --release; do
  PATH="$prefix/fakeswift:$PATH" "$root/scripts/setup" $mode >"$prefix/setup.log" 2>&1
  code=$?
  check "setup $mode fails when the build fails" test "$code" -eq 3
  check "setup $mode says the build failed" grep -q "build failed (exit 3)" "$prefix/setup.log"
done
FSH_INSTALL_BUILD=debug "$root/scripts/install" "$prefix/usr" >"$prefix/install.log" 2>&1
check "install succeeds" test $? -eq 0
check "binary runs" "$prefix/usr/bin/fsh" --version
check "fsh-sandbox installed beside fsh" test -x "$prefix/usr/bin/fsh-sandbox"
# The installed fsh starts the installed fsh-sandbox (found beside it, not on PATH).
serves() {
  local out="$prefix/serve.out"
  HOME="$prefix/home" PATH=/usr/bin:/bin "$prefix/usr/bin/fsh" sandbox serve --port 0 \
    --key-bits 2048 --dir "$prefix/sandbox" >"$out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do grep -q CLIENT_KEY_FILE "$out" && break; sleep 0.1; done
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  grep -q CLIENT_KEY_FILE "$out"
}
check "installed fsh sandbox serve starts the installed fsh-sandbox" serves
rm -rf "$prefix/sandbox" "$prefix/home"
check "man page renders" bash -c "man -l '$prefix/usr/share/man/man1/fsh.1' 2>/dev/null | grep -q 'The Flocker shell'"
completes() {
  PATH="$prefix/usr/bin:$PATH" bash --norc --noprofile -c "
    source '$prefix/usr/share/bash-completion/completions/fsh'
    COMP_WORDS=(fsh --clu); COMP_CWORD=1; COMP_LINE='fsh --clu'; COMP_POINT=\${#COMP_LINE}
    \$(complete -p fsh | sed -E 's/.*-F ([^ ]+).*/\\1/') fsh --clu fsh
    printf '%s\\n' \"\${COMPREPLY[@]}\"" | grep -qx -- '--cluster'
}
check "bash completes fsh --clu<Tab>" completes
"$root/scripts/uninstall" "$prefix/usr" >/dev/null 2>&1
check "uninstall removes every file" test -z "$(find "$prefix/usr" -type f)"
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
