#!/usr/bin/env python3
"""A plain static HTTPS server that replays a control service's recorded answers (issue 35).

`fsh datasets` is measured against curl's fetch of the same three lists. Against the sandbox
alone, the server's own speed is part of both sides; this server answers from memory, with
nothing computed per request, so what is left of a run is the client's work and the transfer.

  replay_server.py record URL CERTDIR OUTDIR
      Fetches GET /v1/configuration/datasets, /v1/state/datasets, /v1/state/nodes and
      /v1/version from the control service at URL (e.g. https://127.0.0.1:4523), with mutual
      TLS: CERTDIR/cluster.crt is the CA, CERTDIR/admin.crt and admin.key the client
      certificate, and the server is verified as `control-service` (as Flocker's own client
      does; --server-name NAME to change it). Writes each body byte for byte into OUTDIR, with
      the headers fsh reads (Content-Type; X-Configuration-Tag on the configuration list) in
      OUTDIR/answers.json.

  replay_server.py serve DIR CERTDIR
      Serves DIR's answers (as `record` or Benchmarks/upstream_lists.py wrote them) on
      127.0.0.1, on a port the system chooses. The first line of standard output is
      `port N`; then, when CERTDIR holds admin.crt and admin.key, the FLOCKER_CONTROL_SERVICE_*
      lines to `export` (as `fsh sandbox serve` prints them). TLS 1.2 at most (as the real
      control service: Twisted on OpenSSL 1.0), with CERTDIR/control-service.crt and .key as
      the server's certificate; a client certificate is required and verified against
      CERTDIR/cluster.crt. HTTP/1.1 with keep-alive and Content-Length; one thread per
      connection. Each answer (status line, headers and body) is one bytes object made at
      start and written with one sendall; Nagle's algorithm is off; nothing is logged per
      request. Other paths: 404 {"description": "Not found."}. Runs until killed.

Layout of an answers directory: answers.json maps each path to
{"file": NAME, "status": 200, "headers": [[NAME, VALUE], ...]}; NAME is the body's file beside it.
"""
import http.client
import http.server
import json
import os
import socket
import ssl
import sys
import urllib.parse

PATHS = [
    ("/v1/configuration/datasets", "configuration-datasets.json"),
    ("/v1/state/datasets", "state-datasets.json"),
    ("/v1/state/nodes", "state-nodes.json"),
    ("/v1/version", "version.json"),
]
# The headers fsh reads; any others the server sends are not recorded.
KEPT_HEADERS = ["Content-Type", "X-Configuration-Tag"]


def usage():
    sys.stderr.write(__doc__)
    sys.exit(2)


def record(url, certdir, outdir, server_name="control-service"):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        sys.exit("replay_server.py: URL must be https://HOST:PORT, not %r" % url)
    host, port = parts.hostname, parts.port or 4523
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(certdir, "cluster.crt"))
    ctx.load_cert_chain(os.path.join(certdir, "admin.crt"), os.path.join(certdir, "admin.key"))
    os.makedirs(outdir, exist_ok=True)
    answers = {}
    # One connection for all four requests (keep-alive), as curl and fsh read them.
    sock = ctx.wrap_socket(socket.create_connection((host, port), timeout=120), server_hostname=server_name)
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.sock = sock
    conn.auto_open = 0  # never reconnect in the clear if the server closes
    try:
        for path, name in PATHS:
            conn.request("GET", path, headers={"Host": "%s:%d" % (server_name, port)})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                sys.exit("replay_server.py: GET %s answered %d %s: %s" % (
                    path, response.status, response.reason, body[:200].decode("utf-8", "replace")))
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(body)
            headers = [[h, response.getheader(h)] for h in KEPT_HEADERS if response.getheader(h) is not None]
            answers[path] = {"file": name, "status": 200, "headers": headers}
            sys.stderr.write("recorded %s: %d bytes\n" % (path, len(body)))
    finally:
        conn.close()
    write_index(outdir, answers)


def write_index(outdir, answers):
    """OUTDIR/answers.json, one path a line (Benchmarks/upstream_lists.py writes it too)."""
    with open(os.path.join(outdir, "answers.json"), "w") as f:
        f.write("{\n" + ",\n".join(" %s: %s" % (json.dumps(p), json.dumps(a)) for p, a in answers.items()) + "\n}\n")


def load_answers(directory):
    """Every answer as one bytes object: status line, headers, Content-Length and body."""
    with open(os.path.join(directory, "answers.json")) as f:
        index = json.load(f)
    answers = {}
    for path, a in index.items():
        with open(os.path.join(directory, a["file"]), "rb") as f:
            body = f.read()
        answers[path] = response_bytes(a.get("status", 200), a["headers"], body)
    return answers


def response_bytes(status, headers, body):
    lines = ["HTTP/1.1 %d %s" % (status, http.client.responses.get(status, ""))]
    lines += ["%s: %s" % (k, v) for k, v in headers if k.lower() not in ("content-length", "transfer-encoding", "connection")]
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


NOT_FOUND = response_bytes(404, [["Content-Type", "application/json"]], b'{"description": "Not found."}')
# A body the server does not read would be taken for the next request: answer and close.
NOT_ALLOWED = response_bytes(405, [["Content-Type", "application/json"], ["Connection", "close"]],
                             b'{"description": "This server replays recorded answers: GET only."}')


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the client asks to close
    disable_nagle_algorithm = True  # TCP_NODELAY on each connection (StreamRequestHandler.setup)
    answers = {}

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        self.wfile.write(self.answers.get(path, NOT_FOUND))  # unbuffered: one sendall

    def refuse(self):
        self.close_connection = True
        self.wfile.write(NOT_ALLOWED)

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = refuse

    def log_message(self, format, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    context = None

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the connection's own thread, not in the accepting one.
        try:
            request = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a refused client certificate, or a client gone: nothing to log
        try:
            super().finish_request(request, client_address)
        finally:
            try:
                request.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            sys.stderr.write("replay_server.py: %s: %r\n" % (client_address, exc))


def serve(directory, certdir):
    Handler.answers = load_answers(directory)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(certdir, "control-service.crt"), os.path.join(certdir, "control-service.key"))
    ctx.load_verify_locations(os.path.join(certdir, "cluster.crt"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    server = Server(("127.0.0.1", 0), Handler)
    server.context = ctx
    port = server.server_address[1]
    out = ["port %d" % port]
    certdir = os.path.abspath(certdir)
    if os.path.exists(os.path.join(certdir, "admin.crt")) and os.path.exists(os.path.join(certdir, "admin.key")):
        out += [
            "export FLOCKER_CONTROL_SERVICE_HOST=127.0.0.1",
            "export FLOCKER_CONTROL_SERVICE_PORT=%d" % port,
            "export FLOCKER_CONTROL_SERVICE_CA_FILE=%s" % os.path.join(certdir, "cluster.crt"),
            "export FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=%s" % os.path.join(certdir, "admin.crt"),
            "export FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=%s" % os.path.join(certdir, "admin.key"),
        ]
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=1)
    except KeyboardInterrupt:
        pass


def main(argv):
    if len(argv) >= 2 and argv[1] == "record":
        args = argv[2:]
        name = "control-service"
        if len(args) >= 2 and args[0] == "--server-name":
            name, args = args[1], args[2:]
        if len(args) != 3:
            usage()
        record(args[0], args[1], args[2], name)
    elif len(argv) == 4 and argv[1] == "serve":
        serve(argv[2], argv[3])
    else:
        usage()


if __name__ == "__main__":
    main(sys.argv)
