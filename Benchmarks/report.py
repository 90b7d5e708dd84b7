#!/usr/bin/env python3
"""Writes BENCHMARKS.md from the results of Benchmarks/run.sh."""
import json, os, platform, re, statistics, subprocess, sys, datetime

out, dest = sys.argv[1], sys.argv[2]

def hf(name):
    with open(os.path.join(out, name + ".json")) as f:
        return {r["command"]: r for r in json.load(f)["results"]}

def ms(r):
    return r["median"] * 1000

def spread(r):
    return "%.1f–%.1f ms (σ %.1f)" % (r["min"] * 1000, r["max"] * 1000, (r.get("stddev") or 0) * 1000)

def peak(path):
    try:
        text = open(path).read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        return int(m.group(1)) / 1024 if m else None
    except OSError:
        return None

def verdict(ok):
    return "**met**" if ok else "**missed**"

cpu = ""
try:
    cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
except Exception:
    pass
mem = ""
try:
    mem = "%.0f GiB" % (int(open("/proc/meminfo").readline().split()[1]) / 1024 / 1024)
except Exception:
    pass
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0] if True else ""
curlv = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.splitlines()[0]

lines = []
w = lines.append
w("# Benchmarks")
w("")
w("Written by `scripts/bench` (Benchmarks/run.sh) on %s. Release build; the sandbox control" % datetime.date.today())
w("service runs on 127.0.0.1 in its own process; curl uses the same certificates.")
w("")
w("Machine: %s, %d cores, %s; %s; %s; %s." % (cpu, os.cpu_count(), mem, platform.platform(), swift, curlv))
w("")
w("| # | comparison | fsh | reference | ratio / figure | goal | |")
w("| --- | --- | --- | --- | --- | --- | --- |")

b1 = hf("b1")
bash = hf("b1bash")["bash -c true"]
f1, c1 = b1["fsh -c version"], b1["curl"]
c1ms = ms(c1) - ms(bash)  # curl ran through bash; take bash's own start-up off
r1 = ms(f1) / c1ms
w("| 1 | `fsh -c version` vs `curl … /v1/version` (new process, TLS, one request) | %.1f ms | %.1f ms | %.2f× | ≤ 1.3× | %s |" % (ms(f1), c1ms, r1, verdict(r1 <= 1.3)))

b2 = hf("b2")
f2, c2 = b2["fsh script, 1000 version"], b2["curl, 1000 URLs"]
r2 = ms(f2) / ms(c2)
w("| 2 | 1 000 `version` from one script vs one curl with 1 000 URLs | %.0f ms | %.0f ms | %.2f× | ≤ 1.5× | %s |" % (ms(f2), ms(c2), r2, verdict(r2 <= 1.5)))

b3 = hf("b3")
t3, j3, x3 = b3["fsh datasets (table)"], b3["fsh datasets -o json"], b3["curl: the three GETs (transfer only)"]
pt, pj = peak(os.path.join(out, "b3-table.time")), peak(os.path.join(out, "b3-json.time"))
ok3 = ms(t3) < 2000 and ms(j3) < 2000 and (pt or 0) < 300 and (pj or 0) < 300
w("| 3 | `datasets`, 100 000 datasets on 10 nodes: table / `-o json` | %.0f / %.0f ms; peak %.0f / %.0f MB | transfer alone (curl): %.0f ms | | < 2 s, < 300 MB | %s |" % (ms(t3), ms(j3), pt or -1, pj or -1, ms(x3), verdict(ok3)))

ip = json.load(open(os.path.join(out, "inprocess.json")))
c4 = ip["complete_prefix_100k"]["median_ms"]
w("| 4 | completing `move seed-0123` with 100 000 names cached (in-process) | %.2f ms | | | < 20 ms | %s |" % (c4, verdict(c4 < 20)))

b5 = hf("b5")["fsh 100k-line script"]
w("| 5 | 100 000-line script of `let` and `echo` to /dev/null (whole process) | %.0f ms | | in-process: %.0f ms | < 1 s | %s |" % (ms(b5), ip["script_100k_lines_in_process"]["median_ms"], verdict(ms(b5) < 1000)))

b6 = hf("b6")
e6 = b6["fsh -c 'echo hi'"]
p6 = json.load(open(os.path.join(out, "b6-prompt.json")))
ok6 = ms(e6) < 50 and p6["median_ms"] < 50
w("| 6 | `fsh -c 'echo hi'` / start-up to the first prompt (pty) | %.1f / %.1f ms | `/bin/true` %.1f ms | | < 50 ms | %s |" % (ms(e6), p6["median_ms"], ms(b6["/bin/true"]), verdict(ok6)))
if "cancel_sleep" in ip:
    c7 = ip["cancel_sleep"]["median_ms"]
    w("| 7 | `cancel()` to `run` returning during `sleep` (in-process; the tests keep only hang guards) | %.1f ms | | | < 100 ms | %s |" % (c7, verdict(c7 < 100)))
    d8 = ip["decode_100k_datasets"]["median_ms"]
    w("| 8 | decoding 100 000 datasets of `GET /v1/configuration/datasets` (in-process) | %.0f ms | | | < 1 s | %s |" % (d8, verdict(d8 < 1000)))
    ta, tw = ip["table_100k_ascii"]["median_ms"], ip["table_100k_wide"]["median_ms"]
    w("| 9 | a 100 000-row table: ASCII names / wide names (数据卷-N) | %.0f / %.0f ms | | %.2f× | ASCII < 500 ms, wide ≤ 3× | %s |" % (ta, tw, tw / ta, verdict(ta < 500 and tw <= 3 * ta)))
b7 = hf("b7")
l7, e7, r7 = b7["fsh -c datasets (10 000 datasets)"], b7["fsh --rehearse (empty script: read, copy, plan)"], b7["fsh --rehearse (10 creates, 9 moves)"]
w("| 10 | rehearsal of a 10 000-dataset cluster: copy only (empty script) / a script of 10 creates and 9 moves | %.0f / %.0f ms | `fsh -c datasets` on it: %.0f ms | %.2f× / %.2f× | measured | - |" % (ms(e7), ms(r7), ms(l7), ms(e7) / ms(l7), ms(r7) / ms(l7)))
w("")
w("## Spreads")
w("")
for label, r in [("1 fsh", f1), ("1 curl (incl. bash)", c1), ("2 fsh", f2), ("2 curl", c2), ("3 table", t3), ("3 json", j3), ("3 curl transfer", x3), ("5 script", b5), ("6 echo hi", e6), ("10 copy", e7), ("10 rehearse", r7)]:
    w("- %s: median %.1f ms, %s, %d runs" % (label, ms(r), spread(r), len(r["times"])))
w("- 4 completion: %s" % json.dumps(ip["complete_prefix_100k"]))
w("- 6 first prompt: %s" % json.dumps(p6))
w("")
w("## Where the time goes in `datasets` (100 000 datasets)")
w("")
w("From `FSH_TIMING=1 fsh -c datasets` (phases as fsh reports them on standard error):")
w("")
w("```")
try:
    w(open(os.path.join(out, "b3-phases.txt")).read().strip())
except OSError:
    w("(not recorded)")
w("```")
w("")
w("## Commands")
w("")
w("See `Benchmarks/run.sh`: each comparison is one hyperfine invocation (`-N`, warm-up 3) or a")
w("`/usr/bin/time -v` run for peak memory; the in-process figures come from `Benchmarks/FshBench`.")
notes = os.path.join(os.path.dirname(dest), "Benchmarks", "NOTES.md")
if os.path.exists(notes):
    w("")
    w(open(notes).read().strip())
open(dest, "w").write("\n".join(lines) + "\n")
