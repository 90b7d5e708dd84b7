#!/usr/bin/env bash
# Measures every goal of issue 21 in one run, fsh and curl side by side, and writes
# BENCHMARKS.md. Release build; Benchmarks/pairs.py (interleaved run for run) or hyperfine -N,
# both starting the programs directly (no shell), for wall-clock; /usr/bin/time -v for peak
# memory. Usage: scripts/bench [--quick]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
runs=$([ $quick = 1 ] && echo 10 || echo 30)
runs_big=$([ $quick = 1 ] && echo 5 || echo 10)
# Goal 1's listings, interleaved: a few more runs, their spread being the machine's.
runs_list=$([ $quick = 1 ] && echo 10 || echo 20)

scripts/setup --release >/dev/null
for p in hyperfine time python3; do
  command -v "$p" >/dev/null || { apt-get install -y -qq hyperfine time >/dev/null; break; }
done
export PATH="/opt/swift/usr/bin:$PATH"
source scripts/release-flags
swift build "${RELEASE_FLAGS[@]}" --product fsh-bench 2>&1 | grep -E 'error' || true
FSH="$root/.build/release/fsh"
BENCH="$root/.build/release/fsh-bench"
work=$(mktemp -d)
out="$work/results"
mkdir -p "$out"
export HOME="$work/home"
mkdir -p "$HOME"
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null; done; rm -rf "$work"' EXIT

# serve NAME ARGS…: starts `fsh sandbox serve` and writes NAME's variables to $work/NAME.env.
serve() {
  local name=$1
  shift
  "$FSH" sandbox serve --port 0 --dir "$work/$name" "$@" >"$work/$name.out" 2>&1 &
  servers+=($!)
  for _ in $(seq 1 900); do grep -q CLIENT_KEY_FILE "$work/$name.out" && break; sleep 0.1; done
  grep '^export ' "$work/$name.out" >"$work/$name.env"
}
# with NAME CMD…: runs CMD with NAME's FLOCKER_* variables (hyperfine passes them on, so the
# programs it times are started directly, without a shell or env(1) in between).
with() {
  local name=$1
  shift
  (
    # shellcheck disable=SC1090
    source "$work/$name.env"
    "$@"
  )
}
# curl_args NAME: curl's flags for NAME's certificates, one per line.
curl_args() {
  with "$1" bash -c 'printf "%s\n" -sS --fail --cacert "$FLOCKER_CONTROL_SERVICE_CA_FILE" \
    --cert "$FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE" --key "$FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE" \
    --connect-to "control-service:$FLOCKER_CONTROL_SERVICE_PORT:127.0.0.1:$FLOCKER_CONTROL_SERVICE_PORT"'
}
base() { with "$1" bash -c 'echo "https://control-service:$FLOCKER_CONTROL_SERVICE_PORT"'; }
q() { printf '%q ' "$@"; }
hf() { # name, hyperfine arguments…
  local name=$1
  shift
  hyperfine -N --warmup 3 --export-json "$out/$name.json" "$@" >/dev/null 2>"$out/$name.err"
}

# hf2 NAME RUNS LABEL_A CMD_A LABEL_B CMD_B: a side-by-side pair, its runs interleaved
# (Benchmarks/pairs.py: a load that comes or goes during the run then favours neither program).
hf2() {
  python3 "$root/Benchmarks/pairs.py" "$out/$1.json" "$2" "$3" "$4" "$5" "$6" 2>"$out/$1.err"
}

# The machine may be shared (other builds): its load is recorded with the results.
cut -d' ' -f1-3 /proc/loadavg >"$out/load-start.txt"

echo "== starting sandboxes (2048- and 4096-bit keys; 100 000 datasets on 10 nodes)"
serve K2048 --nodes 3 --delay 0.1 --key-bits 2048
# No --key-bits: the default is flocker-ca's 4096 bits. The only RSA-4096 generation of the
# project's checks is here (the test suite uses 2048-bit keys made once): the sandbox's and
# `certs init`'s defaults must make 4096-bit keys, as flocker-ca does, or the benchmark stops.
start=$(date +%s.%N)
serve K4096 --nodes 3 --delay 0.1
echo "   RSA-4096 CA, control and user certificates: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
"$FSH" -c "certs init big --dir '$work/big-ca'" >"$work/big-ca.out" 2>&1 ||
  { cat "$work/big-ca.out" >&2; exit 1; }
for f in K4096/cluster K4096/admin big-ca/cluster; do
  openssl x509 -in "$work/$f.crt" -noout -text | grep -q "Public-Key: (4096 bit)" ||
    { echo "bench: $f.crt (default key size) is not RSA-4096, flocker-ca's size" >&2; exit 1; }
done

echo "== goal 2: one request in a new process, with 2048- and 4096-bit keys; start-up"
for k in K2048 K4096; do
  mapfile -t ca < <(curl_args $k)
  with $k "$FSH" -c version >/dev/null
  with $k hf2 "g2-$k" "$runs" curl "$(q curl "${ca[@]}" "$(base $k)/v1/version")" \
    "fsh -c version" "$(q "$FSH" -c version)"
done
hf2 g2-start "$runs" "curl --version" "curl --version" "fsh -c 'echo hi'" "$(q "$FSH" -c 'echo hi')"
python3 "$root/Benchmarks/first_prompt.py" "$FSH" "$runs" >"$out/g2-prompt.json"

# The 100 000-dataset sandbox only now: it keeps a core busy for a while after it starts,
# which the start-up measurements above must not share.
serve BIG --nodes 10 --datasets 100000 --delay 0.1 --key-bits 2048

# listing SERVER SUFFIX: goal 1's comparison against SERVER: curl's three GETs on one connection
# beside fsh's three formats ($out/g1SUFFIX.json), each format's peak memory
# ($out/g1SUFFIX-FMT.time), and the streamed listing against the general per-record path
# (FSH_PER_RECORD=1), byte for byte ($out/g1SUFFIX-check.txt; the listings stay in
# $work/fastSUFFIX.FMT).
listing() {
  local s=$1 x=$2 b fmt fast general
  mapfile -t cb < <(curl_args "$s")
  b=$(base "$s")
  with "$s" "$FSH" -c datasets >/dev/null
  # Interleaved run for run (Benchmarks/pairs.py): curl and the three formats each see the same
  # machine; one after the other, a load arriving during the JSON runs (always last) landed on
  # JSON alone.
  with "$s" python3 "$root/Benchmarks/pairs.py" "$out/g1$x.json" "$runs_list" \
    "curl: the three lists, one connection" \
    "$(q curl "${cb[@]}" "$b/v1/configuration/datasets" "$b/v1/state/datasets" "$b/v1/state/nodes")" \
    "fsh datasets (table)" "$(q "$FSH" -c datasets)" \
    "fsh datasets -o csv" "$(q "$FSH" -c 'datasets -o csv')" \
    "fsh datasets -o json" "$(q "$FSH" -c 'datasets -o json')" 2>"$out/g1$x.err"
  for fmt in table csv json; do
    with "$s" /usr/bin/time -v "$FSH" -c "datasets -o $fmt" >/dev/null 2>"$out/g1$x-$fmt.time" || true
    fast="$work/fast$x.$fmt"
    general="$work/general$x.$fmt"
    with "$s" "$FSH" -c "datasets -o $fmt" >"$fast"
    with "$s" env FSH_PER_RECORD=1 "$FSH" -c "datasets -o $fmt" >"$general"
    if cmp -s "$fast" "$general"; then
      echo "$fmt identical $(wc -l <"$fast") lines" >>"$out/g1$x-check.txt"
    else
      echo "$fmt DIFFERENT: $(cmp "$fast" "$general" | head -1)" >>"$out/g1$x-check.txt"
    fi
  done
}

echo "== goal 1: datasets over 100 000 datasets (table, CSV, JSON) against curl's three GETs"
listing BIG ""
with BIG env FSH_TIMING=1 "$FSH" -c datasets 2>"$out/g1-phases.txt" >/dev/null || true
with BIG env FSH_TIMING=1 "$FSH" -c 'datasets -o json' 2>"$out/g1-phases-json.txt" >/dev/null || true

echo "== goal 1 (issue 35) against two other servers: the sandbox's answers replayed, and upstream's order"
# replay: a plain static HTTPS server (Python, stdlib) answering the BIG sandbox's recorded
# bodies from memory, so the sandbox's own speed is out of the ratio. upstream: an independent
# server's 100 000 datasets on 10 nodes (Benchmarks/upstream_lists.py, none of fsh's code),
# listed in upstream's hash order, node by node, with upstream's key order; PYTHONHASHSEED
# fixes that order from run to run. Both use the BIG sandbox's certificates.
# pyserve NAME DIR: serves DIR's answers; NAME's variables go to $work/NAME.env.
pyserve() {
  python3 "$root/Benchmarks/replay_server.py" serve "$2" "$work/BIG" >"$work/$1.out" 2>"$work/$1.err" &
  servers+=($!)
  for _ in $(seq 1 600); do grep -q CLIENT_KEY_FILE "$work/$1.out" && break; sleep 0.1; done
  grep '^export ' "$work/$1.out" >"$work/$1.env"
}
with BIG bash -c 'python3 "$0" record "https://127.0.0.1:$FLOCKER_CONTROL_SERVICE_PORT" "$1" "$2"' \
  "$root/Benchmarks/replay_server.py" "$work/BIG" "$work/replay-answers" 2>"$out/replay-record.txt"
PYTHONHASHSEED=35 python3 "$root/Benchmarks/upstream_lists.py" 100000 10 "$work/upstream-answers" \
  2>"$out/upstream-lists.txt"
pyserve REPLAY "$work/replay-answers"
pyserve UPSTREAM "$work/upstream-answers"
listing REPLAY -replay
listing UPSTREAM -upstream
# The replayed answers are the sandbox's: so must the listing be (goal 1's, above).
for fmt in table csv json; do
  cmp -s "$work/fast-replay.$fmt" "$work/fast.$fmt" && r="the same as" || r="DIFFERENT from"
  echo "$fmt $r the listing against the sandbox" >>"$out/g1-replay-check.txt"
done

echo "== goal 3: 1 000 requests in a session; completion; a 100 000-line script"
mapfile -t ca < <(curl_args K2048)
u="$(base K2048)/v1/version"
for _ in $(seq 1 1000); do echo "url = \"$u\""; echo "output = \"/dev/null\""; done >"$work/curl1000.cfg"
for _ in $(seq 1 1000); do echo "let v = version"; done >"$work/v1000.fsh"
with K2048 hf2 g3-requests "$runs" "curl, 1000 URLs" "$(q curl "${ca[@]}" --config "$work/curl1000.cfg")" \
  "fsh script, 1000 version" "$(q "$FSH" "$work/v1000.fsh")"
"$BENCH" >"$out/inprocess.json"
for i in $(seq 1 50000); do echo "let v$((i % 100)) = value-$i"; echo "echo \$v$((i % 100)) done"; done >"$work/100k.fsh"
hf g3-script --runs "$runs_big" -n "fsh 100k-line script" "$(q "$FSH" "$work/100k.fsh")"

echo "== rehearsal (issue 22): copying a 10 000-dataset cluster, and rehearsing a script on it"
serve MID --nodes 10 --datasets 10000 --delay 0.1 --key-bits 2048
: >"$work/empty.fsh"
printf 'for n in a b c d e f g h i j { let d = create "r-$n" 1G on 10.0.0.1 }\nfor d in (datasets name "seed-0000*") { let m = move $d to 10.0.0.2 }\n' >"$work/rehearse.fsh"
with MID "$FSH" --rehearse "$work/rehearse.fsh" >/dev/null
with MID hf r-rehearse --runs "$runs_big" \
  -n "fsh -c datasets (10 000 datasets)" "$(q "$FSH" -c datasets)" \
  -n "fsh --rehearse (empty script: read, copy, plan)" "$(q "$FSH" --rehearse "$work/empty.fsh")" \
  -n "fsh --rehearse (10 creates, 9 moves)" "$(q "$FSH" --rehearse "$work/rehearse.fsh")"

echo "== drain (issue 35): 500 moves off a node of the 10 000-dataset cluster, against curl's requests"
with MID python3 "$root/Benchmarks/drain.py" "$FSH" 500 10.0.0.1 10.0.0.2 "$work/drain.fsh" "$work/drain.curl" >/dev/null
with MID hf drain --runs "$runs_big" \
  -n "curl: the three lists, then 500 POSTs (one process)" "$(q curl --config "$work/drain.curl")" \
  -n "fsh: a script of 500 moves" "$(q "$FSH" -q "$work/drain.fsh")"

echo "== watch (issue 33): datasets --watch --every 1s at 10 000 datasets, against curl's three GETs a second"
python3 "$root/Benchmarks/watch.py" "$FSH" "$([ $quick = 1 ] && echo 15 || echo 40)" "$work/MID.env" \
  "$out/watch.json" >/dev/null

echo "== many clusters (issue 34): datasets on 8 clusters with 200 ms of latency, against each alone"
for i in 1 2 3 4 5 6 7 8; do serve "C$i" --nodes 3 --datasets 50 --delay 0.1 --key-bits 2048 --latency 0.2; done
for i in 1 2 3 4 5 6 7 8; do
  with "C$i" bash -c '"$0" -q -c "cluster add c$1 host 127.0.0.1:$FLOCKER_CONTROL_SERVICE_PORT ca $FLOCKER_CONTROL_SERVICE_CA_FILE cert $FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE key $FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"' "$FSH" "$i" >/dev/null
done
singles=()
for i in 1 2 3 4 5 6 7 8; do singles+=(-n "c$i alone" "$(q "$FSH" --cluster "c$i" -c datasets)"); done
hf many-clusters --runs "$runs_big" "${singles[@]}" \
  -n "all 8 (--cluster 'c*')" "$(q "$FSH" -q --cluster 'c*' -c datasets)"

echo "== writing BENCHMARKS.md"
cut -d' ' -f1-3 /proc/loadavg >"$out/load-end.txt"
ls -l "$FSH" | awk '{print $5}' >"$out/binary-size.txt"
python3 "$root/Benchmarks/report.py" "$out" "$root/BENCHMARKS.md"
echo "done: BENCHMARKS.md"
