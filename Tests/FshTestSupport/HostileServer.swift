// A hostile Flocker control service on 127.0.0.1 (python3, stdlib only) for what the sandbox
// never does: present a bad certificate, stall, hang up, answer cut, truncated, garbled, wrongly
// shaped or endless bodies, count the requests it received. One python source for the client
// tests and the binary's fault matrix; its certificates are the test PKI's files.
import Foundation

/// One hostile server process. Its `mode` misbehaves on every request; without one it is a
/// mutual-TLS Flocker v1 stand-in (datasets, leases, nodes, eras) that misbehaves only on the
/// requests a `fault` names. Each test starts its own, so faults never leak between tests.
public final class HostileServer: @unchecked Sendable {
  /// What a server can do wrong, as `mode` (every request) or as a `fault` (some requests):
  ///
  /// - `latency`: answers after `seconds` (a mode: 30 s)
  /// - `bare500`: HTTP 500 whose body is a bare incident id, as Flocker's
  /// - `html404`: an HTML 404 page (a proxy in front of the service)
  /// - `truncated`: a JSON array that ends in the middle of a string, length matching
  /// - `invalid`: a body that is not JSON, labelled application/json
  /// - `garbage`: an HTML body labelled text/html
  /// - `wrongshape`: JSON of the wrong shape (an array of objects without `dataset_id`)
  /// - `drop-before`: closes the connection without an answer
  /// - `drop-mid`: closes it after the start of a body of announced length 5000
  /// - `huge-array`: a 20 MB JSON array
  /// - `endless`: an array that never ends, without a length
  /// - `trickle`: an array of announced length 10^6, two bytes every 0.1 s
  /// - `silent` (mode only): accepts connections, never a TLS handshake, never an answer
  /// - `wrong-ca`, `wrong-name`, `expired` (modes only): a correct service behind that
  ///   certificate of `FlockerTestPKI.Files`
  public static let misbehaviours: Set<String> = [
    "latency", "bare500", "html404", "truncated", "invalid", "garbage", "wrongshape",
    "drop-before", "drop-mid", "huge-array", "endless", "trickle", "silent", "wrong-ca",
    "wrong-name", "expired",
  ]

  /// An unknown misbehaviour (a typo would test a healthy server), or a server that failed.
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  /// The stand-in's nodes and the era of the first (its `/v1/state/nodes` and `by_era`).
  public let nodeA = "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61"
  public let nodeB = "8a1f6c3e-52d1-4f0b-a7d2-1b3c4d5e6f70"
  public let eraA = "4a7e3c1d-9b2f-4e6a-8c5d-7f1e2d3c4b5a"

  /// The certificates: the server's, the cluster CA and the API user the clients present.
  public let files: FlockerTestPKI.Files
  /// The port it listens on, on 127.0.0.1.
  public private(set) var port = 0

  private let process = Process()
  private let stdin = Pipe()
  private let stdout = Pipe()
  private var pending = Data()
  private let lock = NSLock()

  /// Starts a server; `mode` nil is the well-behaved stand-in. A missing python3 fails the
  /// test naming its package.
  public init(mode: String? = nil) throws {
    if let mode, !Self.misbehaviours.contains(mode) {
      throw Failure(description: "no hostile server mode '\(mode)'")
    }
    files = try FlockerTestPKI.files
    let script = try Self.script.get()
    process.executableURL = URL(fileURLWithPath: try Self.python.get())
    process.arguments = [script, files.directory, mode ?? "", nodeA, nodeB, eraA]
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    process.standardInput = stdin  // the server exits when this closes (test process gone)
    try process.run()
    let line = try readLine()
    guard let port = Int(line) else {
      throw Failure(description: "the hostile server did not print its port: '\(line)'")
    }
    self.port = port
  }

  deinit {
    try? stdin.fileHandleForWriting.close()
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  /// The environment that points the fsh binary at this server as the API user.
  public var environment: [String: String] {
    [
      "FLOCKER_CONTROL_SERVICE_HOST": "127.0.0.1",
      "FLOCKER_CONTROL_SERVICE_PORT": String(port),
      "FLOCKER_CONTROL_SERVICE_CA_FILE": files.caFile,
      "FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE": files.userCert,
      "FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE": files.userKey,
    ]
  }

  /// Misbehaves as `kind` on the next `count` requests `method path` (`seconds` for latency).
  public func fault(
    _ kind: String, _ method: String, _ path: String, count: Int = 1, seconds: Double = 0
  ) throws {
    guard Self.misbehaviours.contains(kind) else {
      throw Failure(description: "no hostile server fault '\(kind)'")
    }
    let command =
      #"{"op": "fault", "kind": "\#(kind)", "method": "\#(method)", "path": "\#(path)", "#
      + #""count": \#(count), "seconds": \#(seconds)}"#
    _ = try control(command)
  }

  /// How many requests `method path` reached the server (misbehaved ones included).
  public func hits(_ method: String, _ path: String) throws -> Int {
    let answer = try control(
      #"{"op": "hits", "method": "\#(method)", "path": "\#(path)"}"#)
    guard let hits = Int(answer) else {
      throw Failure(description: "the hostile server answered '\(answer)'")
    }
    return hits
  }

  /// One line to the server's stdin, its one-line answer (stdin, not HTTP: no client needed).
  private func control(_ line: String) throws -> String {
    lock.lock()
    defer { lock.unlock() }
    try stdin.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    return try readLine()
  }

  private func readLine() throws -> String {
    while !pending.contains(UInt8(ascii: "\n")) {
      let chunk = stdout.fileHandleForReading.availableData
      if chunk.isEmpty {
        throw Failure(description: "the hostile server exited")
      }
      pending.append(chunk)
    }
    let end = pending.firstIndex(of: UInt8(ascii: "\n"))!
    let line = String(decoding: pending[..<end], as: UTF8.self)
    pending.removeSubrange(...end)
    return line.trimmingCharacters(in: .whitespaces)
  }

  /// The real interpreter, once per process (not a pyenv-style shim that would survive a kill).
  private static let python = Result { try RequiredTool.python3() }

  /// The script, written once per process.
  private static let script = Result { () throws -> String in
    let directory =
      NSTemporaryDirectory() + "fsh-hostile-\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/hostile_server.py"
    try Data(source.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    return path
  }

  static let source = #"""
    import hashlib, json, os, re, socket, ssl, sys, threading, time, uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    certdir, mode, node_a, node_b, era_a = sys.argv[1:6]
    # A bad-certificate mode is a correct service behind that certificate.
    server_cert = mode if mode in ("wrong-ca", "wrong-name", "expired") else "control-service"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{certdir}/{server_cert}.crt", f"{certdir}/{server_cert}.key")
    ctx.load_verify_locations(f"{certdir}/cluster.crt")
    ctx.verify_mode = ssl.CERT_REQUIRED

    lock = threading.Lock()
    datasets = {}
    leases = {}  # id -> (node, expiry or None)
    nodes = [{"uuid": node_a, "host": "10.0.0.1"}, {"uuid": node_b, "host": "10.0.0.2"}]
    faults = []
    hits = {}
    held = []
    UUID = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$", re.I)
    HTML404 = b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<title>404 Not Found</title>\n<h1>Not Found</h1>"
    HTML405 = b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>"

    def tag():
        return hashlib.md5(json.dumps([datasets, {k: v[0] for k, v in leases.items()}], sort_keys=True).encode()).hexdigest()

    class Done(Exception):
        pass

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        def log_message(self, *a): pass

        def head(self, code, length, headers=(), ctype="application/json"):
            h = f"HTTP/1.1 {code} X\r\nContent-Type: {ctype}\r\n"
            if length is not None: h += f"Content-Length: {length}\r\n"
            for k, v in headers:
                h += f"{k}: {v}\r\n"
            return (h + "\r\n").encode()

        def send(self, code, obj=None, raw=None, ctype="application/json", headers=(), length=None):
            body = raw if raw is not None else json.dumps(obj).encode()
            self.wfile.write(self.head(code, len(body) if length is None else length, headers, ctype) + body)
            self.wfile.flush()
            raise Done()

        def hang_up(self):
            self.close_connection = True
            try: self.connection.shutdown(socket.SHUT_RDWR)
            except Exception: pass
            raise Done()

        def err(self, code, desc, errors=None):
            o = {"description": desc}
            if errors: o["errors"] = errors
            self.send(code, o)

        def body(self):
            try:
                return json.loads(self.raw_body)
            except Exception:
                self.err(400, "The request body could not be decoded according to the value of the\nContent-Type header.")

        def check_tag(self):
            want = self.headers.get_all("X-If-Configuration-Matches") or []
            if want and tag() not in want:
                self.err(412, f"Tag doesn't match. Required: {want[0]}, current: {tag()}")

        def do_GET(self): self.route("GET")
        def do_POST(self): self.route("POST")
        def do_DELETE(self): self.route("DELETE")
        def do_PUT(self): self.route("PUT")

        def route(self, method):
            # The body is read first, whatever follows: the connection stays in step.
            n = int(self.headers.get("Content-Length") or 0)
            self.raw_body = self.rfile.read(n) if n else b""
            try:
                self.misbehave(*self.fault(method))
                with lock:
                    self.handle_route(method)
            except Done:
                pass
            except OSError:
                self.close_connection = True  # the client went away mid-answer

        def fault(self, method):
            with lock:
                key = f"{method} {self.path}"
                hits[key] = hits.get(key, 0) + 1
                for f in faults:
                    if f["count"] > 0 and f["method"] == method and f["path"] == self.path:
                        f["count"] -= 1
                        return f["kind"], f["seconds"]
            return mode, 30

        def misbehave(self, kind, seconds):
            if kind == "latency":
                time.sleep(seconds)  # then answers as the service does
            if kind == "bare500": self.send(500, "7d2c1f7a-0b7e-4d3c-9a1b-2c3d4e5f6a7b")
            if kind == "html404": self.send(404, raw=HTML404, ctype="text/html")
            if kind == "truncated": self.send(200, raw=b'[{"dataset_id": "7a3b1c2d-4e5f-4a6b-8c7d')
            if kind == "invalid": self.send(200, raw=b'{"flocker": 1.15.0, ]]')
            if kind == "garbage": self.send(200, raw=b"<html>hello</html>", ctype="text/html")
            if kind == "wrongshape": self.send(200, [{"primary": node_a}])
            if kind == "drop-before": self.hang_up()
            if kind == "drop-mid":
                self.wfile.write(self.head(200, 5000) + b'[{"dataset_id": "7a3b')
                self.wfile.flush()
                time.sleep(0.05)
                self.hang_up()
            if kind == "huge-array":
                self.send(200, raw=b"[" + b"0," * 9999999 + b"0]")
            if kind == "endless":
                self.close_connection = True
                self.wfile.write(self.head(200, None, [("Connection", "close")]) + b"[")
                chunk = b"0," * 65536
                while True: self.wfile.write(chunk)
            if kind == "trickle":
                self.wfile.write(self.head(200, 1000000) + b"[")
                while True:
                    time.sleep(0.1); self.wfile.write(b"0,")

        def handle_route(self, method):
            path = self.path
            now = time.time()
            for k2 in [k2 for k2, v in leases.items() if v[1] is not None and v[1] <= now]:
                del leases[k2]
            p = path.split("/")
            if path == "/v1/version":
                if method != "GET": self.send(405, raw=HTML405, ctype="text/html")
                self.send(200, {"flocker": "1.15.0"})
            if path == "/v1/configuration/datasets":
                if method == "GET":
                    self.send(200, list(datasets.values()), headers=[("X-Configuration-Tag", tag())])
                if method == "POST":
                    self.check_tag()
                    b = self.body()
                    if not isinstance(b, dict): self.err(400, "The provided JSON doesn't match the required schema.", ["%r is not of type 'object'" % b])
                    if "deleted" in b: self.send(500, str(uuid.uuid4()))
                    extra = set(b) - {"primary", "dataset_id", "maximum_size", "metadata"}
                    if extra: self.err(400, "The provided JSON doesn't match the required schema.", [f"Additional properties are not allowed ({sorted(extra)[0]!r} was unexpected)"])
                    if "primary" not in b: self.err(400, "The provided JSON doesn't match the required schema.", ["'primary' is a required property"])
                    ms = b.get("maximum_size")
                    if ms is not None and (not isinstance(ms, int) or ms < 67108864 or ms % 1024):
                        self.err(400, "The provided JSON doesn't match the required schema.", [f"{ms} is less than the minimum of 67108864"])
                    i = (b.get("dataset_id") or str(uuid.uuid4())).lower()
                    if i in datasets: self.err(409, "The provided dataset_id is already in use.")
                    d = {"dataset_id": i, "primary": b["primary"], "deleted": False, "metadata": b.get("metadata") or {}}
                    if ms is not None: d["maximum_size"] = ms
                    datasets[i] = d
                    self.send(201, d)
                self.send(405, raw=HTML405, ctype="text/html")
            if len(p) == 5 and p[1:4] == ["v1", "configuration", "datasets"]:
                i = p[4]
                if method == "POST":
                    self.check_tag()
                    b = self.body()
                    if i not in datasets: self.err(404, "Dataset not found.")
                    if datasets[i]["deleted"]: self.err(405, "The dataset has been deleted.")
                    if "primary" in b: datasets[i]["primary"] = b["primary"]
                    self.send(200, datasets[i])
                if method == "DELETE":
                    self.check_tag()
                    if i not in datasets: self.err(404, "Dataset not found.")
                    datasets[i]["deleted"] = True
                    self.send(200, datasets[i])
                self.send(405, raw=HTML405, ctype="text/html")
            if path == "/v1/state/datasets" and method == "GET":
                out = []
                for d in datasets.values():
                    if d["deleted"]: continue
                    s = {"dataset_id": d["dataset_id"], "primary": d["primary"], "path": "/flocker/" + d["dataset_id"]}
                    if "maximum_size" in d: s["maximum_size"] = d["maximum_size"]
                    out.append(s)
                self.send(200, out)
            if path == "/v1/state/nodes" and method == "GET":
                self.send(200, nodes)
            if len(p) == 6 and p[1:5] == ["v1", "state", "nodes", "by_era"] and method == "GET":
                if not UUID.match(p[5]): self.send(500, str(uuid.uuid4()))
                if p[5] == era_a: self.send(200, {"uuid": node_a})
                self.err(404, "No node found with given era.")
            if path == "/v1/configuration/leases":
                if method == "GET":
                    self.send(200, [{"dataset_id": k, "node_uuid": v[0], "expires": None if v[1] is None else v[1] - now} for k, v in leases.items()])
                if method == "POST":
                    b = self.body()
                    for f in ("dataset_id", "node_uuid", "expires"):
                        if not isinstance(b, dict) or f not in b: self.err(400, "The provided JSON doesn't match the required schema.", [f"'{f}' is a required property"])
                    i = b["dataset_id"]
                    exp = None if b["expires"] is None else now + b["expires"]
                    out = {"dataset_id": i, "node_uuid": b["node_uuid"], "expires": b["expires"]}
                    if i in leases:
                        if leases[i][0] != b["node_uuid"]: self.err(409, "Lease already held.")
                        leases[i] = (b["node_uuid"], exp); self.send(200, out)
                    leases[i] = (b["node_uuid"], exp); self.send(201, out)
            if len(p) == 5 and p[1:4] == ["v1", "configuration", "leases"] and method == "DELETE":
                i = p[4]
                if not UUID.match(i): self.send(500, str(uuid.uuid4()))
                if i not in leases: self.err(404, "Lease not found.")
                v = leases.pop(i)
                self.send(200, {"dataset_id": i, "node_uuid": v[0], "expires": None if v[1] is None else v[1] - now})
            self.send(404, raw=HTML404, ctype="text/html")

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 64
        def process_request(self, request, client_address):
            if mode == "silent":
                held.append(request); return  # accepted, never a TLS handshake, never an answer
            super().process_request(request, client_address)
        def finish_request(self, request, client_address):
            request.settimeout(10)
            try:
                tls = ctx.wrap_socket(request, server_side=True)
            except Exception:
                request.close(); return
            cn = ""
            for rdn in (tls.getpeercert() or {}).get("subject", ()):
                for k, v in rdn:
                    if k == "commonName": cn = v
            if not cn.startswith("user-"):
                tls.close(); return  # Flocker refuses it in the handshake's verify callback
            tls.settimeout(None)
            self.RequestHandlerClass(tls, client_address, self)

    srv = Server(("127.0.0.1", 0), H)
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    # Control lines from the test on stdin, one answer line each; end of file ends the server.
    for line in sys.stdin:
        c = json.loads(line)
        with lock:
            if c["op"] == "fault":
                faults.append(c); answer = "ok"
            else:
                answer = str(hits.get(f'{c["method"]} {c["path"]}', 0))
        print(answer, flush=True)
    os._exit(0)
    """#
}
