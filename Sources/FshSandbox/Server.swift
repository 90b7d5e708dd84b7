// The HTTPS listener: mutual TLS with the system's OpenSSL (as Flocker's Twisted + pyOpenSSL
// serve it), HTTP/1.1 with keep-alive, TCP_NODELAY, a thread per connection.
//
// Why not swift-nio + NIOSSL: their BoringSSL copy cost every fresh clone ~1.5 minutes of C
// compilation, and BoringSSL refuses the X.509 v1 certificates with extensions that flocker-ca
// writes, which real control services (OpenSSL) accept. A sandbox serves a handful of clients,
// so blocking I/O on a thread each is the simplest thing that is fast enough (Benchmarks/NOTES.md).

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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
