#!/usr/bin/env python3
"""Times programs side by side, interleaved: run i of every command before run i+1 of any.

Usage: pairs.py OUT.json RUNS LABEL CMD [LABEL CMD …]   (CMD: shell words, as `printf %q` wrote them)

hyperfine runs all of one command's runs, then the other's, so on a shared machine a load that
comes or goes between them lands on one program only (the same pair measured 1.06x and 1.19x
within minutes). Interleaved, both see the same machine. Each program is started directly with
posix_spawn (no shell), standard output and error to /dev/null, as hyperfine -N does; the JSON
has hyperfine's shape (results: command, times, median, min, max, stddev), in seconds.
"""
import json, os, shlex, statistics, sys, time

out, runs = sys.argv[1], int(sys.argv[2])
pairs = list(zip(sys.argv[3::2], (shlex.split(c) for c in sys.argv[4::2])))
devnull = os.open(os.devnull, os.O_WRONLY)
actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
times = {label: [] for label, _ in pairs}
warmup = 3
for i in range(warmup + runs):
    for label, argv in pairs:
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            sys.exit("pairs.py: %s exited with status %d" % (label, os.waitstatus_to_exitcode(status)))
        if i >= warmup:
            times[label].append(elapsed)
results = [{"command": label, "times": t, "median": statistics.median(t), "min": min(t), "max": max(t),
            "stddev": statistics.stdev(t) if len(t) > 1 else 0.0} for label, t in times.items()]
with open(out, "w") as f:
    json.dump({"results": results}, f)
