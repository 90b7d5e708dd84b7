#!/usr/bin/env python3
"""Writes the drain benchmark's inputs (issue 35): a script of N `move NAME to TARGET` lines for
datasets configured on SOURCE, and a curl config that sends the same requests — one fetch of the
three lists, then N POSTs — in one curl process (`next` between requests, each repeating the
TLS options, which `next` resets).

Usage: drain.py FSH N SOURCE TARGET OUT.fsh OUT.curl   (FLOCKER_* variables in the environment)
"""
import json
import os
import subprocess
import sys

fsh, n, source, target, script, config = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
e = os.environ
datasets = json.loads(subprocess.run([fsh, "-q", "-o", "json", "-c", "datasets on " + source],
                                     capture_output=True, check=True, text=True).stdout)[:n]
nodes = json.loads(subprocess.run([fsh, "-q", "-o", "json", "-c", "nodes"],
                                  capture_output=True, check=True, text=True).stdout)
node = next(x["uuid"] for x in nodes if x["host"] == target)
with open(script, "w") as f:
    for d in datasets:
        f.write("move %s to %s\n" % (d["name"], target))
port = e["FLOCKER_CONTROL_SERVICE_PORT"]
base = "https://control-service:%s/v1" % port
common = [
    'cacert = "%s"' % e["FLOCKER_CONTROL_SERVICE_CA_FILE"],
    'cert = "%s"' % e["FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE"],
    'key = "%s"' % e["FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"],
    'connect-to = "control-service:%s:127.0.0.1:%s"' % (port, port),
    'silent', 'show-error', 'fail', 'output = "/dev/null"',
]
entries = []
for path in ["/configuration/datasets", "/state/datasets", "/state/nodes"]:
    entries.append(common + ['url = "%s%s"' % (base, path)])
for d in datasets:
    entries.append(common + [
        'url = "%s/configuration/datasets/%s"' % (base, d["dataset_id"]), 'request = "POST"',
        'header = "Content-Type: application/json"',
        'data = "{\\"primary\\": \\"%s\\"}"' % node])
with open(config, "w") as f:
    f.write("\nnext\n".join("\n".join(x) for x in entries) + "\n")
print(len(datasets))
