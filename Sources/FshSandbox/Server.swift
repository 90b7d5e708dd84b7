// The HTTPS listener: mutual TLS with the system's OpenSSL (as Flocker's Twisted + pyOpenSSL
// serve it), HTTP/1.1 with keep-alive, TCP_NODELAY, a thread per connection.
//
// Why not swift-nio + NIOSSL: their BoringSSL copy cost every fresh clone ~1.5 minutes of C
// compilation, and BoringSSL refuses the X.509 v1 certificates with extensions that flocker-ca
// writes, which real control services (OpenSSL) accept. A sandbox serves a handful of clients,
// so blocking I/O on a thread each is the simplest thing that is fast enough (BENCHMARKS.md).

import COpenSSL
import Foundation
import FshPKI

#if canImport(Glibc)
  import Glibc
#endif

/// Largest request body accepted (the API's bodies are tiny).
private let maximumRequestBody = 16 << 20
/// Largest request head (request line and headers) accepted.
private let maximumRequestHead = 64 << 10

final class SandboxServer: @unchecked Sendable {
  let port: Int
  private let sandbox: Sandbox
  private let tls: TLSContext
  private let listener: Int32
  private let state = NSCondition()
  private var stopped = false
  /// Open connections' sockets, shut down on `stop()` to wake their blocked reads.
  private var connections: Set<Int32> = []
  private let threads = DispatchGroup()
  private let serviceThreads = DispatchGroup()

  init(sandbox: Sandbox, host: String, port: Int, certificatesDirectory: String) throws {
    self.sandbox = sandbox
    tls = try TLSContext(directory: certificatesDirectory)
    let listener = try Self.listen(host: host, port: port)
    self.listener = listener
    var address = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(listener, $0, &length)
      }
    }
    self.port = Self.port(of: address) ?? port
    start("fsh-sandbox accept") { $0.acceptLoop() }
    // The real LeaseService expires leases every second; agents converge on the same tick.
    start("fsh-sandbox tick") { $0.tickLoop() }
  }

  private func start(_ name: String, _ body: @escaping @Sendable (SandboxServer) -> Void) {
    serviceThreads.enter()
    let thread = Thread { [self] in
      body(self)
      serviceThreads.leave()
    }
    thread.name = name
    thread.start()
  }

  func stop() {
    state.lock()
    if stopped {
      state.unlock()
      return
    }
    stopped = true
    // Wakes accept(2) and every blocked read; the connections close their own sockets.
    shutdown(listener, Int32(SHUT_RDWR))
    for socket in connections { shutdown(socket, Int32(SHUT_RDWR)) }
    state.broadcast()
    state.unlock()
    serviceThreads.wait()
    close(listener)
    // A connection thread in the middle of a write or an injected latency ends on its own; it
    // holds what it uses (the TLS context, the sandbox), so nothing is freed under it.
    _ = threads.wait(timeout: .now() + 2)
  }

  /// Sleeps `seconds`, or less when the server stops; false once stopped.
  private func pause(_ seconds: Double) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    state.lock()
    defer { state.unlock() }
    while !stopped, state.wait(until: deadline) {}
    return !stopped
  }

  private func tickLoop() {
    while pause(1) {
      sandbox.tick()
      sandbox.saveAgentState()
    }
  }

  private func acceptLoop() {
    while true {
      // accept4(2) is not in Glibc's Swift overlay: close-on-exec set right after (the sandbox
      // in a test process must not leak a connection into a child it spawns).
      let socket = accept(listener, nil, nil)
      if socket < 0 {
        if errno == EINTR || errno == ECONNABORTED { continue }
        state.lock()
        let done = stopped
        state.unlock()
        if done { return }
        // Out of descriptors or memory: wait a little rather than spin.
        _ = pause(0.05)
        continue
      }
      _ = fcntl(socket, F_SETFD, FD_CLOEXEC)
      var one: Int32 = 1
      setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
      state.lock()
      if stopped {
        state.unlock()
        close(socket)
        return
      }
      connections.insert(socket)
      state.unlock()
      threads.enter()
      let thread = Thread { [self] in
        serve(socket)
        state.lock()
        connections.remove(socket)
        state.unlock()
        close(socket)
        threads.leave()
      }
      thread.name = "fsh-sandbox connection"
      thread.stackSize = 512 << 10
      thread.start()
    }
  }

  /// One connection: the TLS handshake (Flocker's client check), then requests until the client
  /// or the server closes.
  private func serve(_ socket: Int32) {
    // A write to a connection the client closed raises SIGPIPE in the writing thread; blocked
    // here, it stays pending and goes with the thread, and the write fails with EPIPE instead.
    var pipe = sigset_t()
    sigemptyset(&pipe)
    sigaddset(&pipe, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipe, nil)

    guard let connection = TLSConnection(context: tls, socket: socket) else { return }
    defer { connection.close() }
    var reader = RequestReader()
    while true {
      let request: HTTPRequest
      switch reader.next(from: connection) {
      case .request(let next): request = next
      case .closed: return
      case .malformed(let status):
        // As NIO's error handling did: answer the status and close.
        let response = SandboxResponse(
          status: status, headers: [("Content-Type", "text/plain")], body: [])
        connection.write(Self.encode(response, version: "HTTP/1.1", keepAlive: false))
        return
      }
      var (response, latency) =
        request.bodyTooLarge
        ? (
          SandboxResponse(
            status: 413, headers: [("Content-Type", "text/plain")],
            body: Array("Request body too large\n".utf8)), 0.0
        )
        : sandbox.process(
          method: request.method, path: request.target, headers: request.headers,
          body: request.body)
      if latency > 0, !pause(latency) { return }
      if response.dropConnection { return }
      if request.method == "HEAD" { response.body = [] }
      let keepAlive = request.keepAlive && !request.bodyTooLarge
      guard connection.write(Self.encode(response, version: request.version, keepAlive: keepAlive))
      else { return }
      if !keepAlive { return }
    }
  }

  static func encode(_ response: SandboxResponse, version: String, keepAlive: Bool) -> [UInt8] {
    var head = "\(version) \(response.status) \(reasonPhrase(response.status))\r\n"
    for (name, value) in response.headers
    where name.lowercased() != "content-length" && name.lowercased() != "connection" {
      head += "\(name): \(value)\r\n"
    }
    head += "Content-Length: \(response.body.count)\r\n"
    if !keepAlive {
      head += "Connection: close\r\n"
    } else if version == "HTTP/1.0" {
      head += "Connection: keep-alive\r\n"
    }
    head += "\r\n"
    var bytes = Array(head.utf8)
    bytes.reserveCapacity(bytes.count + response.body.count)
    bytes.append(contentsOf: response.body)
    return bytes
  }

  static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: "Continue"
    case 200: "OK"
    case 201: "Created"
    case 202: "Accepted"
    case 204: "No Content"
    case 301: "Moved Permanently"
    case 304: "Not Modified"
    case 400: "Bad Request"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 406: "Not Acceptable"
    case 408: "Request Timeout"
    case 409: "Conflict"
    case 411: "Length Required"
    case 412: "Precondition Failed"
    case 413: "Payload Too Large"
    case 415: "Unsupported Media Type"
    case 417: "Expectation Failed"
    case 429: "Too Many Requests"
    case 431: "Request Header Fields Too Large"
    case 500: "Internal Server Error"
    case 501: "Not Implemented"
    case 502: "Bad Gateway"
    case 503: "Service Unavailable"
    case 504: "Gateway Timeout"
    case 505: "HTTP Version Not Supported"
    default: "Unknown"
    }
  }

  private static func listen(host: String, port: Int) throws -> Int32 {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
    var found: UnsafeMutablePointer<addrinfo>?
    let lookup = getaddrinfo(host, String(port), &hints, &found)
    guard lookup == 0, let first = found else {
      throw SandboxError.server(
        "Cannot listen on \(host):\(port): \(String(cString: gai_strerror(lookup)))")
    }
    defer { freeaddrinfo(found) }
    var failure = "no address"
    var candidate: UnsafeMutablePointer<addrinfo>? = first
    while let info = candidate {
      candidate = info.pointee.ai_next
      let socket = Glibc.socket(
        info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
        info.pointee.ai_protocol)
      if socket < 0 {
        failure = String(cString: strerror(errno))
        continue
      }
      var one: Int32 = 1
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
      if bind(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0,
        Glibc.listen(socket, 256) == 0
      {
        return socket
      }
      failure = String(cString: strerror(errno))
      close(socket)
    }
    throw SandboxError.server("Cannot listen on \(host):\(port): \(failure)")
  }

  private static func port(of address: sockaddr_storage) -> Int? {
    var copy = address
    return withUnsafePointer(to: &copy) { pointer -> Int? in
      switch Int32(address.ss_family) {
      case AF_INET:
        return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
          Int(UInt16(bigEndian: $0.pointee.sin_port))
        }
      case AF_INET6:
        return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
          Int(UInt16(bigEndian: $0.pointee.sin6_port))
        }
      default: return nil
      }
    }
  }
}

// MARK: - TLS

/// The server's SSL_CTX: `control-service.crt|.key`, TLS 1.2 at most (Twisted 16.6 with pyOpenSSL
/// on OpenSSL 1.0.x speaks no more), a client certificate required and checked as Flocker does.
private final class TLSContext: @unchecked Sendable {
  let context: OpaquePointer
  /// Kept alive as long as the SSL_CTX whose verify callback reads it.
  private let validator: ValidatorBox

  init(directory: String) throws {
    guard let context = SSL_CTX_new(TLS_server_method()) else {
      throw SandboxError.certificates("OpenSSL cannot make a TLS context: \(openSSLError())")
    }
    self.context = context
    let caPath = directory + "/cluster.crt"
    guard let caPEM = FileManager.default.contents(atPath: caPath) else {
      SSL_CTX_free(context)
      throw SandboxError.certificates("Cannot read \(caPath).")
    }
    do {
      validator = ValidatorBox(
        try FlockerPeerValidator(caCertificatePEM: String(decoding: caPEM, as: UTF8.self)))
    } catch {
      SSL_CTX_free(context)
      throw error
    }
    for name in ["control-service.crt", "control-service.key"]
    where !FileManager.default.isReadableFile(atPath: directory + "/" + name) {
      SSL_CTX_free(context)
      throw SandboxError.certificates("Cannot read \(directory)/\(name).")
    }
    ERR_clear_error()
    guard
      SSL_CTX_use_certificate_chain_file(context, directory + "/control-service.crt") == 1,
      SSL_CTX_use_PrivateKey_file(context, directory + "/control-service.key", SSL_FILETYPE_PEM)
        == 1,
      SSL_CTX_check_private_key(context) == 1
    else {
      let reason = openSSLError()
      SSL_CTX_free(context)
      throw SandboxError.certificates(
        "OpenSSL cannot load the certificates in \(directory) (\(reason)); let the sandbox "
          + "generate its own in an empty directory.")
    }
    _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
    // Ask for a client certificate and fail the handshake without one
    // (VERIFY_PEER | VERIFY_FAIL_IF_NO_PEER_CERT), naming cluster.crt as the acceptable CA.
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
    if let names = SSL_load_client_CA_file(caPath) { SSL_CTX_set_client_CA_list(context, names) }
    // Resumed sessions (curl keeps them) need an id context when peers are verified.
    let contextName = Array("fsh-sandbox".utf8)
    _ = SSL_CTX_set_session_id_context(context, contextName, UInt32(contextName.count))
    // Flocker's check (`_validation.py`): the chain must verify to cluster.crt, the leaf's CN
    // must start with "user-", and the purpose check must allow client authentication.
    // FlockerPeerValidator does all three; a refusal fails the handshake with a TLS alert and
    // no HTTP response is sent.
    SSL_CTX_set_cert_verify_callback(
      context,
      { store, argument in
        guard let store, let argument, let leaf = X509_STORE_CTX_get0_cert(store) else { return 0 }
        let box = Unmanaged<ValidatorBox>.fromOpaque(argument).takeUnretainedValue()
        let length = i2d_X509(leaf, nil)
        guard length > 0 else { return 0 }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
          var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
          return i2d_X509(leaf, &cursor)
        }
        guard written == length else { return 0 }
        do {
          _ = try box.validator.validate(
            leafDER: der, commonNamePrefix: "user-", requireClientAuthentication: true)
          return 1
        } catch {
          // The alert OpenSSL's own checks would send for the same fault (an unknown issuer is
          // "unknown ca", a wrong purpose "unsupported certificate"); the CN check, Flocker's
          // own, rejects ("bad certificate").
          let reason =
            switch error as? PeerValidationError {
            case .notIssuedByCluster: X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
            case .expired: X509_V_ERR_CERT_HAS_EXPIRED
            case .notForClientAuthentication: X509_V_ERR_INVALID_PURPOSE
            default: X509_V_ERR_CERT_REJECTED
            }
          X509_STORE_CTX_set_error(store, reason)
          return 0
        }
      }, Unmanaged.passUnretained(validator).toOpaque())
  }

  deinit { SSL_CTX_free(context) }
}

private final class ValidatorBox: @unchecked Sendable {
  let validator: FlockerPeerValidator
  init(_ validator: FlockerPeerValidator) { self.validator = validator }
}

/// OpenSSL's queued error, as text (the first one), and the queue cleared.
private func openSSLError() -> String {
  let code = ERR_get_error()
  ERR_clear_error()
  guard code != 0 else { return "unknown error" }
  var buffer = [CChar](repeating: 0, count: 256)
  ERR_error_string_n(code, &buffer, buffer.count)
  return String(cString: buffer)
}

/// One accepted connection after its handshake.
private final class TLSConnection {
  private let tls: TLSContext
  private let ssl: OpaquePointer

  init?(context: TLSContext, socket: Int32) {
    guard let ssl = SSL_new(context.context) else { return nil }
    SSL_set_fd(ssl, socket)
    ERR_clear_error()
    if SSL_accept(ssl) != 1 {
      ERR_clear_error()
      SSL_free(ssl)
      return nil
    }
    tls = context
    self.ssl = ssl
  }

  /// Up to `capacity` bytes; empty at the end of the stream or on any error.
  func read(into buffer: inout [UInt8]) -> Int {
    let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
    if count <= 0 { ERR_clear_error() }
    return max(0, Int(count))
  }

  /// Writes all of `bytes`; false when the connection failed.
  @discardableResult
  func write(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let chunk = min(bytes.count - offset, 1 << 20)
      let written = bytes.withUnsafeBytes {
        SSL_write(ssl, $0.baseAddress! + offset, Int32(chunk))
      }
      if written <= 0 {
        ERR_clear_error()
        return false
      }
      offset += Int(written)
    }
    return true
  }

  /// close_notify (not waiting for the client's), then the SSL object goes.
  func close() {
    SSL_shutdown(ssl)
    ERR_clear_error()
    SSL_free(ssl)
  }
}

// MARK: - HTTP/1.1 requests

private struct HTTPRequest {
  var method: String
  var target: String
  var version: String
  var headers: [(String, String)]
  var body: [UInt8] = []
  var bodyTooLarge = false

  func header(_ name: String) -> String? {
    headers.first { $0.0.lowercased() == name }?.1
  }

  /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked.
  var keepAlive: Bool {
    let connection = header("connection")?.lowercased() ?? ""
    if version == "HTTP/1.0" { return connection.contains("keep-alive") }
    return !connection.contains("close")
  }
}

private enum ReadResult {
  case request(HTTPRequest)
  case closed
  case malformed(Int)
}

/// Reads requests off a connection, keeping what arrived past one request for the next.
private struct RequestReader {
  private var buffer: [UInt8] = []
  private var chunk = [UInt8](repeating: 0, count: 16 << 10)

  mutating func next(from connection: TLSConnection) -> ReadResult {
    // The head: up to the blank line.
    var headEnd: (head: Int, body: Int)?
    var searchFrom = 0
    while true {
      if let end = Self.blankLine(in: buffer, from: searchFrom) {
        headEnd = end
        break
      }
      if buffer.count > maximumRequestHead { return .malformed(431) }
      searchFrom = max(0, buffer.count - 3)
      guard fill(from: connection) else { return buffer.isEmpty ? .closed : .malformed(400) }
    }
    guard let end = headEnd, var request = Self.parseHead(Array(buffer[..<end.head])) else {
      return .malformed(400)
    }
    buffer.removeFirst(end.body)

    if request.header("expect")?.lowercased() == "100-continue" {
      connection.write(Array("\(request.version) 100 Continue\r\n\r\n".utf8))
    }
    if let encoding = request.header("transfer-encoding")?.lowercased(), encoding != "identity" {
      guard encoding == "chunked" else { return .malformed(501) }
      guard readChunked(into: &request, from: connection) else { return .malformed(400) }
    } else if let lengthText = request.header("content-length") {
      guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else {
        return .malformed(400)
      }
      if length > maximumRequestBody {
        request.bodyTooLarge = true
        return .request(request)
      }
      while buffer.count < length {
        guard fill(from: connection) else { return .closed }
      }
      request.body = Array(buffer[..<length])
      buffer.removeFirst(length)
    }
    return .request(request)
  }

  private mutating func fill(from connection: TLSConnection) -> Bool {
    let count = connection.read(into: &chunk)
    guard count > 0 else { return false }
    buffer.append(contentsOf: chunk[..<count])
    return true
  }

  private mutating func line(from connection: TLSConnection) -> [UInt8]? {
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        var line = Array(buffer[..<newline])
        buffer.removeFirst(newline + 1)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
      }
      if buffer.count > maximumRequestHead { return nil }
      guard fill(from: connection) else { return nil }
    }
  }

  private mutating func readChunked(into request: inout HTTPRequest, from connection: TLSConnection)
    -> Bool
  {
    while true {
      guard let sizeLine = line(from: connection) else { return false }
      let sizeText =
        String(decoding: sizeLine, as: UTF8.self)
        .split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
      guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0
      else { return false }
      if size == 0 {
        // Trailers, up to the blank line.
        while true {
          guard let trailer = line(from: connection) else { return false }
          if trailer.isEmpty { return true }
        }
      }
      if request.body.count + size > maximumRequestBody { request.bodyTooLarge = true }
      while buffer.count < size + 2 {
        guard fill(from: connection) else { return false }
      }
      if !request.bodyTooLarge { request.body.append(contentsOf: buffer[..<size]) }
      buffer.removeFirst(size + 2)
    }
  }

  /// The end of the head (CRLF CRLF, or LF LF as lenient parsers accept): where the head's text
  /// ends and where the body starts.
  private static func blankLine(in bytes: [UInt8], from start: Int) -> (head: Int, body: Int)? {
    let newline = UInt8(ascii: "\n")
    var index = start
    while index < bytes.count {
      if bytes[index] == newline {
        if index + 1 < bytes.count, bytes[index + 1] == newline { return (index, index + 2) }
        if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"),
          bytes[index + 2] == newline
        {
          return (index, index + 3)
        }
      }
      index += 1
    }
    return nil
  }

  private static func parseHead(_ bytes: [UInt8]) -> HTTPRequest? {
    // Split as bytes: in a Swift String, CR LF is one Character.
    var lines: [Substring] = []
    for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
      guard let text = String(validating: line, as: UTF8.self) else { return nil }
      lines.append(Substring(text))
    }
    // Blank lines before the request line are allowed (RFC 9112 §2.2).
    while let first = lines.first, first.isEmpty { lines.removeFirst() }
    guard let requestLine = lines.first else { return nil }
    let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
    guard parts.count == 3, parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0",
      parts[0].allSatisfy({ $0.isLetter && $0.isUppercase }), parts[1].first == "/"
    else { return nil }
    var headers: [(String, String)] = []
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return nil }
      let name = line[..<colon]
      guard !name.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
      let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
      headers.append((String(name), value))
    }
    return HTTPRequest(
      method: String(parts[0]), target: String(parts[1]), version: String(parts[2]),
      headers: headers)
  }
}
