#!/usr/bin/env bash
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
runs=$([ $quick = 1 ] && echo 5 || echo 20)

scripts/setup --release >/dev/null
for p in hyperfine time python3; do
  command -v "$p" >/dev/null || { apt-get install -y -qq hyperfine time >/dev/null; break; }
done
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie --product fsh-bench 2>&1 | grep -E 'error' || true
FSH="$root/.build/release/fsh"
BENCH="$root/.build/release/fsh-bench"
work=$(mktemp -d)
out="$work/results"
mkdir -p "$out"
export HOME="$work/home"
mkdir -p "$HOME"
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null; done; rm -rf "$work"' EXIT

# serve NAME ARGS…: starts `fsh sandbox serve` and loads its variables into SB_NAME_*.
serve() {
  local name=$1
  shift
  "$FSH" sandbox serve --port 0 --dir "$work/$name" "$@" >"$work/$name.out" 2>&1 &
  servers+=($!)
  for _ in $(seq 1 600); do grep -q CLIENT_KEY_FILE "$work/$name.out" && break; sleep 0.1; done
  grep '^export ' "$work/$name.out" | sed "s/^export FLOCKER_CONTROL_SERVICE_/export ${name}_/" >"$work/$name.env"
  # shellcheck disable=SC1090
  source "$work/$name.env"
}

echo "== starting sandboxes (small, and 100 000 datasets on 10 nodes)"
serve SMALL --nodes 3 --delay 0.1
serve BIG --nodes 10 --seed 100000 --delay 0.1

small_env() {
  env FLOCKER_CONTROL_SERVICE_HOST="$SMALL_HOST" FLOCKER_CONTROL_SERVICE_PORT="$SMALL_PORT" \
    FLOCKER_CONTROL_SERVICE_CA_FILE="$SMALL_CA_FILE" FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE="$SMALL_CLIENT_CERT_FILE" \
    FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE="$SMALL_CLIENT_KEY_FILE" "$@"
}
big_env() {
  env FLOCKER_CONTROL_SERVICE_HOST="$BIG_HOST" FLOCKER_CONTROL_SERVICE_PORT="$BIG_PORT" \
    FLOCKER_CONTROL_SERVICE_CA_FILE="$BIG_CA_FILE" FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE="$BIG_CLIENT_CERT_FILE" \
    FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE="$BIG_CLIENT_KEY_FILE" "$@"
}
curl_small=(curl -sS --fail --cacert "$SMALL_CA_FILE" --cert "$SMALL_CLIENT_CERT_FILE" --key "$SMALL_CLIENT_KEY_FILE"
  --connect-to "control-service:$SMALL_PORT:127.0.0.1:$SMALL_PORT")
url="https://control-service:$SMALL_PORT/v1/version"

hf() { # name, commands… (hyperfine, JSON export)
  local name=$1
  shift
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/$name.json" "$@" >/dev/null 2>"$out/$name.err" ||
    hyperfine --warmup 3 --runs "$runs" --export-json "$out/$name.json" "$@" >/dev/null
}

echo "== 1. one version request in a new process"
small_env "$FSH" -c version >/dev/null
printf '%q ' "${curl_small[@]}" >"$work/curl1.sh"
echo "$url >/dev/null" >>"$work/curl1.sh"
hf b1 -n "curl" "bash $work/curl1.sh" -n "fsh -c version" \
  "env FLOCKER_CONTROL_SERVICE_HOST=$SMALL_HOST FLOCKER_CONTROL_SERVICE_PORT=$SMALL_PORT FLOCKER_CONTROL_SERVICE_CA_FILE=$SMALL_CA_FILE FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=$SMALL_CLIENT_CERT_FILE FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=$SMALL_CLIENT_KEY_FILE $FSH -c version"
# bash itself costs a little; measure it so the comparison can subtract it.
hf b1bash -n "bash -c true" "bash -c true"

echo "== 2. 1 000 version requests over one connection"
for _ in $(seq 1 1000); do echo "url = \"$url\""; echo "output = \"/dev/null\""; done >"$work/curl1000.cfg"
for _ in $(seq 1 1000); do echo "let v = version"; done >"$work/v1000.fsh"
{ printf '%q ' "${curl_small[@]}"; echo "--config $work/curl1000.cfg"; } >"$work/curl1000.sh"
{ echo "export FLOCKER_CONTROL_SERVICE_HOST=$SMALL_HOST FLOCKER_CONTROL_SERVICE_PORT=$SMALL_PORT FLOCKER_CONTROL_SERVICE_CA_FILE=$SMALL_CA_FILE FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=$SMALL_CLIENT_CERT_FILE FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=$SMALL_CLIENT_KEY_FILE"; echo "exec $FSH $work/v1000.fsh"; } >"$work/fsh1000.sh"
hf b2 -n "curl, 1000 URLs" "bash $work/curl1000.sh" -n "fsh script, 1000 version" "bash $work/fsh1000.sh"

echo "== 3. datasets with 100 000 datasets (table and JSON)"
big_env "$FSH" -c 'datasets' >/dev/null
{ echo "export FLOCKER_CONTROL_SERVICE_HOST=$BIG_HOST FLOCKER_CONTROL_SERVICE_PORT=$BIG_PORT FLOCKER_CONTROL_SERVICE_CA_FILE=$BIG_CA_FILE FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=$BIG_CLIENT_CERT_FILE FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=$BIG_CLIENT_KEY_FILE"; echo "exec $FSH -c \"\$1\""; } >"$work/big.sh"
curl_big=(curl -sS --fail --cacert "$BIG_CA_FILE" --cert "$BIG_CLIENT_CERT_FILE" --key "$BIG_CLIENT_KEY_FILE"
  --connect-to "control-service:$BIG_PORT:127.0.0.1:$BIG_PORT")
{ printf '%q ' "${curl_big[@]}"; echo "https://control-service:$BIG_PORT/v1/configuration/datasets https://control-service:$BIG_PORT/v1/state/datasets https://control-service:$BIG_PORT/v1/state/nodes >/dev/null"; } >"$work/curlbig.sh"
runs_big=$([ $quick = 1 ] && echo 3 || echo 10)
hyperfine --warmup 1 --runs "$runs_big" --export-json "$out/b3.json" \
  -n "curl: the three GETs (transfer only)" "bash $work/curlbig.sh" \
  -n "fsh datasets (table)" "bash $work/big.sh datasets >/dev/null" \
  -n "fsh datasets -o json" "bash $work/big.sh 'datasets -o json' >/dev/null" >/dev/null
for fmt in table json; do
  arg=$([ $fmt = json ] && echo 'datasets -o json' || echo datasets)
  /usr/bin/time -v bash "$work/big.sh" "$arg" >/dev/null 2>"$out/b3-$fmt.time" || true
done
FSH_TIMING=1 bash "$work/big.sh" datasets 2>"$out/b3-phases.txt" >/dev/null || true

echo "== 4 and 5 (in-process). completion over 100 000 names; a 100 000-line script"
"$BENCH" >"$out/inprocess.json"

echo "== 5. a 100 000-line script (assignments and echo) to /dev/null"
for i in $(seq 1 50000); do echo "let v$((i % 100)) = value-$i"; echo "echo \$v$((i % 100)) done"; done >"$work/100k.fsh"
hf b5 -n "fsh 100k-line script" "$FSH $work/100k.fsh"

echo "== 6. start-up: fsh -c 'echo hi', and to the first prompt"
hf b6 -n "fsh -c 'echo hi'" "$FSH -c 'echo hi'" -n "/bin/true" "/bin/true"
python3 "$root/Benchmarks/first_prompt.py" "$FSH" $([ $quick = 1 ] && echo 5 || echo 20) >"$out/b6-prompt.json"

echo "== 10. rehearsal of a 10 000-dataset cluster: the copy alone, and a script rehearsed"
serve MID --nodes 10 --seed 10000 --delay 0.1
{ echo "export FLOCKER_CONTROL_SERVICE_HOST=$MID_HOST FLOCKER_CONTROL_SERVICE_PORT=$MID_PORT FLOCKER_CONTROL_SERVICE_CA_FILE=$MID_CA_FILE FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=$MID_CLIENT_CERT_FILE FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=$MID_CLIENT_KEY_FILE"; echo "exec $FSH \"\$@\" >/dev/null"; } >"$work/mid.sh"
: >"$work/empty.fsh"
printf 'for n in a b c d e f g h i j { let d = create "r-$n" 1G on 10.0.0.1 }\nfor d in (datasets name "seed-0000*") { let m = move $d to 10.0.0.2 }\n' >"$work/rehearse.fsh"
bash "$work/mid.sh" --rehearse "$work/rehearse.fsh"
hyperfine -N --warmup 1 --runs "$runs_big" --export-json "$out/b7.json" \
  -n "fsh -c datasets (10 000 datasets)" "bash $work/mid.sh -c datasets" \
  -n "fsh --rehearse (empty script: read, copy, plan)" "bash $work/mid.sh --rehearse $work/empty.fsh" \
  -n "fsh --rehearse (10 creates, 9 moves)" "bash $work/mid.sh --rehearse $work/rehearse.fsh" >/dev/null

echo "== writing BENCHMARKS.md"
python3 "$root/Benchmarks/report.py" "$out" "$root/BENCHMARKS.md"
echo "done: BENCHMARKS.md"
