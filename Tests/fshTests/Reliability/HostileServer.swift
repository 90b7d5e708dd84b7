// Small hostile control services on 127.0.0.1 (python3, stdlib only) for the fault matrix:
// each misbehaves in one way the sandbox cannot. Certificates come from the openssl CLI.
import Foundation
import FshTestSupport

/// The certificates of the fault matrix, made once per test process.
final class HostilePKI: @unchecked Sendable {
  let directory: String
  private(set) var python = ""

  func path(_ name: String) -> String { directory + "/" + name }
  var ca: String { path("cluster.crt") }
  var userCert: String { path("user-alice.crt") }
  var userKey: String { path("user-alice.key") }

  /// A missing openssl or python3 fails each test that uses it, naming the package.
  private static let made = Result { try HostilePKI() }
  static var shared: HostilePKI { get throws { try made.get() } }

  private init() throws {
    directory =
      NSTemporaryDirectory() + "fsh-hostile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    _ = try RequiredTool.openssl()
    let script = """
      set -e
      cd '\(directory)'
      ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.crt" -days 365 \
        -subj "/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null; }
      leaf() { # file CN ca extensions
        openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
        printf "$4" > "$1.ext"
        openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -out "$1.crt" \
          -days 30 -extfile "$1.ext" 2>/dev/null
      }
      ca cluster cluster-test
      ca other-ca other-cluster
      S="subjectAltName=DNS:control-service,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n"
      leaf control-service control-service cluster "$S"
      leaf wrong-ca control-service other-ca "$S"
      leaf wrong-name control-other cluster "subjectAltName=DNS:other.example,IP:127.0.0.1\\n"
      leaf user-alice user-alice cluster "extendedKeyUsage=clientAuth\\n"
      # Expired: 'openssl x509 -days' cannot go back in time, 'openssl ca' can.
      mkdir -p db/new; : > db/index.txt; echo 1000 > db/serial
      printf '[ca]\\ndefault_ca=d\\n[d]\\ndir=db\\ndatabase=db/index.txt\\nnew_certs_dir=db/new\\nserial=db/serial\\ndefault_md=sha256\\npolicy=p\\ncopy_extensions=copy\\n[p]\\ncommonName=supplied\\n' > ca.cnf
      openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr \
        -subj "/CN=control-service" -addext "subjectAltName=DNS:control-service,IP:127.0.0.1" 2>/dev/null
      openssl ca -batch -config ca.cnf -cert cluster.crt -keyfile cluster.key -in expired.csr \
        -out expired.crt -startdate 20200101000000Z -enddate 20200201000000Z -notext 2>/dev/null
      chmod 600 *.key
      """
    try shell(script)
    python = try RequiredTool.python3()
    try Data(HostileServer.source.utf8).write(to: URL(fileURLWithPath: path("hostile.py")))
  }

  @discardableResult
  func shell(_ script: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", script]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      throw NSError(domain: "shell", code: Int(p.terminationStatus))
    }
    return String(decoding: data, as: UTF8.self)
  }
}

/// One hostile server process; `mode` picks the misbehaviour (see `source`).
final class HostileServer: @unchecked Sendable {
  let pki: HostilePKI
  let process = Process()
  private(set) var port = 0
  private let stdin = Pipe()

  init(mode: String) throws {
    pki = try HostilePKI.shared
    process.executableURL = URL(fileURLWithPath: pki.python)
    process.arguments = [pki.path("hostile.py"), pki.directory, mode]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = stdin  // the server exits when the test process goes away
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    guard
      let p = Int(
        String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    else { throw NSError(domain: "HostileServer", code: 1) }
    port = p
  }

  deinit {
    try? stdin.fileHandleForWriting.close()
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  /// The environment that points fsh at this server.
  var environment: [String: String] {
    [
      "FLOCKER_CONTROL_SERVICE_HOST": "127.0.0.1",
      "FLOCKER_CONTROL_SERVICE_PORT": String(port),
      "FLOCKER_CONTROL_SERVICE_CA_FILE": pki.ca,
      "FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE": pki.userCert,
      "FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE": pki.userKey,
    ]
  }

  static let source = #"""
    import os, socket, ssl, sys, threading, time
    certdir, mode = sys.argv[1:3]
    server_cert = {"wrong-ca": "wrong-ca", "expired": "expired", "wrong-name": "wrong-name"}.get(mode, "control-service")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{certdir}/{server_cert}.crt", f"{certdir}/{server_cert}.key")
    ctx.load_verify_locations(f"{certdir}/cluster.crt")
    ctx.verify_mode = ssl.CERT_OPTIONAL
    NODE = b'[{"uuid": "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61", "host": "10.0.0.1"}]'
    held = []

    def head(status, length=None, extra=""):
        h = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        if length is not None: h += f"Content-Length: {length}\r\n"
        return (h + extra + "\r\n").encode()

    def read_request(f):
        line = f.readline()
        if not line: return None
        n = 0
        while True:
            h = f.readline()
            if h in (b"\r\n", b"\n", b""): break
            if h.lower().startswith(b"content-length:"): n = int(h.split(b":")[1])
        if n: f.read(n)
        return line.split(b" ")[1].decode() if b" " in line else "/"

    def serve(conn):
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except Exception:
            conn.close(); return
        f = tls.makefile("rb")
        try:
            while True:
                path = read_request(f)
                if path is None: return
                if mode == "latency":
                    time.sleep(30)
                if mode == "bare500":
                    body = b'"7d2c1f7a-0b7e-4d3c-9a1b-2c3d4e5f6a7b"'
                    tls.sendall(head(500, len(body)) + body); continue
                if mode == "drop-before":
                    tls.close(); return
                if mode == "drop-mid":
                    tls.sendall(head(200, 5000) + b'[{"dataset_id": "7a3b'); time.sleep(0.05)
                    tls.close(); return
                if mode == "truncated":
                    body = b'[{"dataset_id": "7a3b1c2d-4e5f-4a6b-8c7d'
                    tls.sendall(head(200, len(body)) + body); continue
                if mode == "invalid":
                    body = b'{"flocker": 1.15.0, ]]'
                    tls.sendall(head(200, len(body)) + body); continue
                if mode == "huge-array":
                    body = b"[" + b"0," * 9999999 + b"0]"
                    tls.sendall(head(200, len(body))); tls.sendall(body); continue
                if mode == "endless":
                    tls.sendall(head(200, None, "Connection: close\r\n") + b"[")
                    chunk = b"0," * 65536
                    while True: tls.sendall(chunk)
                if mode == "trickle":
                    tls.sendall(head(200, 1000000) + b"[")
                    while True:
                        time.sleep(0.1); tls.sendall(b"0,")
                # wrong-ca, expired, wrong-name: a correct service behind a bad certificate.
                body = NODE if path.startswith("/v1/state/nodes") else b'{"flocker": "1.15.0"}' if path == "/v1/version" else b"[]"
                tls.sendall(head(200, len(body), "X-Configuration-Tag: t\r\n") + body)
        except Exception:
            pass
        finally:
            try: tls.close()
            except Exception: pass

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)
    threading.Thread(target=watch_stdin, daemon=True).start()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print(s.getsockname()[1], flush=True)
    while True:
        c, _ = s.accept()
        if mode == "silent":
            held.append(c); continue  # accepted, never a TLS handshake, never an answer
        threading.Thread(target=serve, args=(c,), daemon=True).start()
    """#
}
