#!/usr/bin/env python3
"""Measures start-up to the first prompt: fsh in a pseudo-terminal, time until '> ' shows."""
import json, os, pty, select, sys, tempfile, time

fsh, runs = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(runs):
    home = tempfile.mkdtemp()
    env = dict(os.environ, HOME=home, TERM="xterm", NO_COLOR="1")
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(fsh, [fsh, "--norc"], env)
    seen = b""
    deadline = start + 10
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
            if b"> " in seen:
                times.append((time.perf_counter() - start) * 1000)
                break
    # libedit switches the terminal mode after printing the prompt (TCSAFLUSH drops input
    # typed before that), so give it a moment before Ctrl-D, and never wait forever.
    time.sleep(0.05)
    os.write(fd, b"\x04")
    end = time.perf_counter() + 5
    while time.perf_counter() < end:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            break
        time.sleep(0.01)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
times.sort()
print(json.dumps({"median_ms": times[len(times) // 2], "min_ms": times[0], "max_ms": times[-1], "runs": len(times)}))
