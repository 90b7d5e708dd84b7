#!/usr/bin/env python3
"""The cost of leaving `datasets --watch --every 1s` running (issue 33), side by side with curl.

Usage: watch.py FSH SECONDS ENVFILE OUT.json

fsh runs in a pseudo-terminal (as at a person's terminal) with the cluster's FLOCKER_* variables
from ENVFILE for SECONDS; its CPU time is read from /proc when it is stopped. Then, for the same
SECONDS against the same server, curl fetches the same three lists once a second (one process
per second, the three URLs with --next, as a shell loop would); their CPU time is that of the
children. The extra cost is (fsh - curl) / SECONDS, in cores. The bytes fsh wrote to the terminal
are counted per refresh after the first frame: a refresh in which nothing changed should write
the header line and no row.
"""
import json
import os
import pty
import resource
import select
import signal
import subprocess
import sys
import time

fsh, seconds, envfile, out = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
env = dict(os.environ)
for line in open(envfile):
    line = line.strip()
    if line.startswith("export "):
        k, _, v = line[len("export "):].partition("=")
        env[k] = v.strip("'\"")
env["TERM"] = "xterm-256color"
env["NO_COLOR"] = "1"


def cpu_of(pid):
    """utime + stime of a live process, in seconds."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# fsh in a pseudo-terminal 200 columns by 50 rows.
pid, fd = pty.fork()
if pid == 0:
    # As at a person's terminal: Ctrl-C (SIGINT) ends the watch even when this script was
    # started in the background, where the shell set SIGINT to be ignored (fsh keeps an
    # ignored SIGINT ignored, as shells do).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execve(fsh, [fsh, "--norc", "-c", "datasets --watch --every 1s"], env)
import fcntl
import struct
import termios

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
os.kill(pid, signal.SIGWINCH)
writes = []  # (time, bytes)
start = time.monotonic()
first_frame_at = None
cpu_at_first = None
while time.monotonic() - start < seconds + 30:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            data = os.read(fd, 1 << 20)
        except OSError:
            break
        if not data:
            break
        now = time.monotonic()
        writes.append((now, len(data), data))
        if first_frame_at is None and b" \xc2\xb7 read " in data:
            first_frame_at = now
    if first_frame_at is not None and cpu_at_first is None and time.monotonic() - first_frame_at > 0.5:
        # The first read, decode and frame are the listing's cost, measured elsewhere: the
        # watch's cost is what it spends afterwards.
        cpu_at_first = cpu_of(pid)
        watched_from = time.monotonic()
    if cpu_at_first is not None and time.monotonic() - watched_from >= seconds:
        break
cpu_end = cpu_of(pid)
watched = time.monotonic() - watched_from
os.kill(pid, signal.SIGINT)
# Reading on while fsh ends (a full terminal would block what it writes on the way out); hang
# guard 10 s, then it is killed and the run says so.
stop_at = time.monotonic()
while True:
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.monotonic() - stop_at > 10:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.exit("watch.py: fsh did not end within 10 s of SIGINT (hang guard); killed")
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            os.read(fd, 1 << 20)
        except OSError:
            pass
after = [(t, n, d) for (t, n, d) in writes if t >= watched_from]
refreshes = sum(d.count(b" \xc2\xb7 read ") for (_, _, d) in after)
bytes_after = sum(n for (_, n, _) in after)
header = max((len(l) for (_, _, d) in writes for l in d.split(b"\n") if b" \xc2\xb7 read " in l), default=0)
rows_rewritten = sum(d.count(b"\x1b[K") for (_, _, d) in after) - refreshes

# curl: the same three lists once a second for the same time.
ca = env["FLOCKER_CONTROL_SERVICE_CA_FILE"]
cert = env["FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE"]
key = env["FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"]
port = env["FLOCKER_CONTROL_SERVICE_PORT"]
base = "https://control-service:%s/v1/" % port
args = ["curl", "-sS", "--fail", "--cacert", ca, "--cert", cert, "--key", key,
        "--connect-to", "control-service:%s:127.0.0.1:%s" % (port, port), "-o", "/dev/null",
        base + "configuration/datasets", "--next"]
common = args[1:11]
cmd = args + common + ["-o", "/dev/null", base + "state/datasets", "--next"] + common + [
    "-o", "/dev/null", base + "state/nodes"]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
n = 0
while time.monotonic() - t0 < watched:
    tick = time.monotonic()
    subprocess.run(cmd, check=True)
    n += 1
    time.sleep(max(0, 1 - (time.monotonic() - tick)))
curl_time = time.monotonic() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
curl_cpu = (usage.ru_utime - before.ru_utime) + (usage.ru_stime - before.ru_stime)

fsh_cpu = cpu_end - cpu_at_first
result = {
    "seconds": watched,
    "fsh_cpu_s": fsh_cpu,
    "curl_cpu_s": curl_cpu,
    "curl_fetches": n,
    "fsh_cores": fsh_cpu / watched,
    "curl_cores": curl_cpu / curl_time,
    "extra_cores": fsh_cpu / watched - curl_cpu / curl_time,
    "refreshes": refreshes,
    "bytes_per_refresh": bytes_after / max(1, refreshes),
    "header_bytes": header,
    "rows_rewritten": rows_rewritten,
}
json.dump(result, open(out, "w"), indent=1)
print(json.dumps(result))
