// A small mutual-TLS Flocker v1 stand-in in python3 (stdlib only), kept only for what the
// sandbox never does: a control certificate without the control-service name, truncated, cut,
// garbled or wrongly shaped answers, an HTML 404, per-path request counts. Everything else
// the client does is tested against the sandbox (SandboxPeer). Certificates come from the
// `openssl` CLI. Everything listens on 127.0.0.1.
import Foundation
import FshModel
import FshTestSupport

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage
@testable import FshRuntime

/// Certificates made the flocker-ca way (enough of it for the client): a cluster CA, a control
/// certificate with SAN DNS:control-service + IP:127.0.0.1, user and node certificates, and an
/// unrelated CA with a "user-" certificate it signed.
final class TestPKI: @unchecked Sendable {
  let directory: URL
  private(set) var python = ""
  var cluster: String { path("cluster.crt") }
  var otherCA: String { path("other-ca.crt") }
  var userCert: String { path("user-alice.crt") }
  var userKey: String { path("user-alice.key") }
  var nodeCert: String { path("node-0e6c.crt") }
  var nodeKey: String { path("node-0e6c.key") }
  var rogueCert: String { path("rogue.crt") }
  var rogueKey: String { path("rogue.key") }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// Made once per test process (RSA key generation is the slow part). A missing openssl or
  /// python3 fails each test that uses it, naming the package (never a crash, never a skip).
  private static let made = Result { try TestPKI() }
  static var shared: TestPKI { get throws { try made.get() } }

  private init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "fsh-client-pki-\(getpid())-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let d = directory.path
    _ = try RequiredTool.openssl()
    let script = """
      set -e
      cd '\(d)'
      ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.crt" -days 365 \
        -subj "/CN=$2/OU=test-cluster" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null; }
      leaf() { # name CN ca extfile-content
        openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2/OU=test-cluster" 2>/dev/null
        printf "$4" > "$1.ext"
        openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -out "$1.crt" -days 30 -extfile "$1.ext" 2>/dev/null
      }
      ca cluster "cluster-test"
      ca other-ca "other-cluster"
      S="subjectAltName=DNS:control-service,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\nbasicConstraints=critical,CA:FALSE\\n"
      C="extendedKeyUsage=clientAuth\\nbasicConstraints=critical,CA:FALSE\\n"
      leaf control-service control-service cluster "$S"
      leaf noname "control-other" cluster "subjectAltName=DNS:other,IP:127.0.0.1\\nbasicConstraints=critical,CA:FALSE\\n"
      leaf user-alice user-alice cluster "$C"
      leaf node-0e6c node-0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61 cluster "$C"
      leaf rogue user-alice other-ca "$C"
      chmod 600 *.key
      """
    try run("/bin/sh", ["-c", script])
    // The real interpreter, not a pyenv-style shim that would survive `terminate()`.
    python = try RequiredTool.python3()
  }
}

@discardableResult
func run(_ tool: String, _ args: [String]) throws -> String {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: tool)
  p.arguments = args
  let out = Pipe()
  p.standardOutput = out
  try p.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  guard p.terminationStatus == 0 else {
    throw NSError(
      domain: "run", code: Int(p.terminationStatus),
      userInfo: [NSLocalizedDescriptionKey: "\(tool) \(args) failed"])
  }
  return String(decoding: data, as: UTF8.self)
}

/// One python3 server process per test (faults are per server, so tests can run in parallel).
final class MiniControlServer: @unchecked Sendable {
  let pki: TestPKI
  let process = Process()
  private(set) var port = 0
  private let stdin = Pipe()
  let nodeA = "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61"
  let nodeB = "8a1f6c3e-52d1-4f0b-a7d2-1b3c4d5e6f70"
  let eraA = "4a7e3c1d-9b2f-4e6a-8c5d-7f1e2d3c4b5a"

  /// `serverCert` names the certificate pair the server presents (e.g. "noname").
  init(serverCert: String = "control-service") throws {
    pki = try TestPKI.shared
    let script = pki.directory.appendingPathComponent("server.py")
    if !FileManager.default.fileExists(atPath: script.path) {
      try Data(Self.python.utf8).write(to: script, options: .atomic)
    }
    process.executableURL = URL(fileURLWithPath: pki.python)
    process.arguments = [
      script.path, pki.directory.path, serverCert, nodeA, nodeB, eraA,
    ]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = stdin  // the server exits when this closes (test process gone)
    try process.run()
    var line = Data()
    let handle = out.fileHandleForReading
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    guard
      let p = Int(
        String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    else { throw NSError(domain: "MiniControlServer", code: 1) }
    port = p
  }

  deinit {
    try? stdin.fileHandleForWriting.close()
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  func settings(
    host: String = "127.0.0.1", ca: String? = nil, cert: String? = nil, key: String? = nil,
    port: Int? = nil, connectTimeout: Double = 5, requestTimeout: Double = 30, retries: Int = 2
  ) -> TLSSettingsBox {
    TLSSettingsBox(
      host: host, port: port ?? self.port, caFile: ca ?? pki.cluster,
      certFile: cert ?? pki.userCert,
      keyFile: key ?? pki.userKey, connectTimeout: connectTimeout, requestTimeout: requestTimeout,
      retries: retries)
  }

  /// Injects a fault for the next `count` requests matching `method path`.
  func fault(_ kind: String, _ method: String, _ path: String, count: Int = 1, seconds: Double = 0)
    throws
  {
    try control(
      "/_test/fault",
      ["kind": kind, "method": method, "path": path, "count": count, "seconds": seconds])
  }

  /// How many requests `method path` reached the handler (faults included).
  func hits(_ method: String, _ path: String) throws -> Int {
    let r = try control("/_test/hits", ["method": method, "path": path])
    return (r["hits"] as? Int) ?? -1
  }

  @discardableResult
  private func control(_ path: String, _ body: [String: Any]) throws -> [String: Any] {
    let s = settings()
    let t = try s.transport()
    let r = try t.perform(
      HTTPRequest(
        method: "POST", path: path, body: [UInt8](try JSONSerialization.data(withJSONObject: body)))
    )
    return (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
  }

  static let python = #"""
    import json, socket, ssl, sys, threading, time, hashlib, re, uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    certdir, servercert, node_a, node_b, era_a = sys.argv[1:6]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{certdir}/{servercert}.crt", f"{certdir}/{servercert}.key")
    ctx.load_verify_locations(f"{certdir}/cluster.crt")
    ctx.verify_mode = ssl.CERT_REQUIRED

    lock = threading.Lock()
    datasets = {}
    leases = {}  # id -> (node, expiry or None)
    nodes = [{"uuid": node_a, "host": "10.0.0.1"}, {"uuid": node_b, "host": "10.0.0.2"}]
    faults = []
    hits = {}
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

        def send(self, code, obj=None, raw=None, ctype="application/json", headers=(), length=None):
            body = raw if raw is not None else json.dumps(obj).encode()
            head = f"HTTP/1.1 {code} X\r\nContent-Type: {ctype}\r\nContent-Length: {len(body) if length is None else length}\r\n"
            for k, v in headers:
                head += f"{k}: {v}\r\n"
            self.wfile.write(head.encode() + b"\r\n" + body)
            self.wfile.flush()
            raise Done()

        def err(self, code, desc, errors=None):
            o = {"description": desc}
            if errors: o["errors"] = errors
            self.send(code, o)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            try:
                return json.loads(raw)
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
            try:
                with lock:
                    self.handle_route(method)
            except Done:
                pass

        def handle_route(self, method):
            path = self.path
            key = f"{method} {path}"
            if not path.startswith("/_test/"):
                hits[key] = hits.get(key, 0) + 1
            for f in faults:
                if f["count"] > 0 and f["method"] == method and f["path"] == path:
                    f["count"] -= 1
                    k = f["kind"]
                    if k == "drop":
                        self.close_connection = True
                        try: self.connection.shutdown(socket.SHUT_RDWR)
                        except Exception: pass
                        raise Done()
                    if k == "slow":
                        lock.release()
                        try: time.sleep(f["seconds"])
                        finally: lock.acquire()
                        break
                    if k == "bare500": self.send(500, "7d2c1f7a-0b7e-4d3c-9a1b-2c3d4e5f6a7b")
                    if k == "html404": self.send(404, raw=HTML404, ctype="text/html")
                    if k == "truncated": self.send(200, raw=b'[{"dataset_id": "ab')
                    if k == "cut":
                        self.close_connection = True
                        try: self.send(200, raw=b'[{"dataset_id": "ab', length=500)
                        finally: self.connection.shutdown(socket.SHUT_RDWR)
                    if k == "garbage": self.send(200, raw=b"<html>hello</html>", ctype="text/html")
                    if k == "wrongshape": self.send(200, [{"primary": node_a}])
            now = time.time()
            for k2 in [k2 for k2, v in leases.items() if v[1] is not None and v[1] <= now]:
                del leases[k2]
            p = path.split("/")
            if path == "/_test/fault" and method == "POST":
                faults.append(self.body()); self.send(200, {})
            if path == "/_test/hits" and method == "POST":
                b = self.body(); self.send(200, {"hits": hits.get(f'{b["method"]} {b["path"]}', 0)})
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

    def watch_stdin():
        sys.stdin.read()
        import os; os._exit(0)
    threading.Thread(target=watch_stdin, daemon=True).start()
    srv = Server(("127.0.0.1", 0), H)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()
    """#
}

/// TLSSettings plus a transport factory, so tests read short.
struct TLSSettingsBox {
  var settings: TLSSettings
  init(
    host: String, port: Int, caFile: String, certFile: String, keyFile: String,
    connectTimeout: Double, requestTimeout: Double, retries: Int
  ) {
    settings = TLSSettings(
      host: host, port: port, caFile: caFile, certFile: certFile, keyFile: keyFile,
      connectTimeout: connectTimeout, requestTimeout: requestTimeout, retries: retries,
      retryBackoff: 0.05)
  }
  func transport(trace: ((String) -> Void)? = nil) throws -> CurlTransport {
    try CurlTransport(settings: settings, trace: trace)
  }
  func client() throws -> FlockerClient { FlockerClient(transport: try transport()) }
}
