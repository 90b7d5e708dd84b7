import Foundation

extension Session {
  /// The client for the configured control service, built on first use and kept (one
  /// connection reused) until the configuration or connection options change.
  public func client() throws -> FlockerClient {
    let c = configuration
    if let first = c.errors.first { throw first }
    guard let host = c.host else {
      throw Diagnostic(
        "no control service host is configured", code: .configuration,
        notes: [
          "give one with --host, FLOCKER_CONTROL_SERVICE_HOST, `set host HOST` or `use cluster NAME`",
          "or try the sandbox: fsh --sandbox",
        ])
    }
    let key =
      "\(host)|\(c.port)|\(c[.ca] ?? "")|\(c[.cert] ?? "")|\(c[.key] ?? "")|\(options.connectTimeout)|\(options.requestTimeout)"
    if let cached = clientCache, cached.key == key { return cached.client }
    let transport: ControlTransport
    if let factory = transportFactory {
      transport = try factory(c, options)
    } else {
      let settings = TLSSettings(
        host: host, port: c.port, caFile: c[.ca] ?? "", certFile: c[.cert] ?? "",
        keyFile: c[.key] ?? "",
        connectTimeout: options.connectTimeout, requestTimeout: options.requestTimeout)
      do {
        let curl = try CurlTransport(settings: settings)
        curl.onNote = { [weak self] note in
          self?.host?.report(Diagnostic(note, severity: .warning))
        }
        transport = curl
      } catch let e as ClientError {
        throw Diagnostic(e)
      }
    }
    let client = FlockerClient(transport: readOnly ? ReadOnlyTransport(transport) : transport)
    clientCache = (client, key)
    return client
  }

  /// Closes the connection to the control service (the next command opens a new one).
  public func closeConnections() {
    clientCache = nil
  }

  /// The TLS settings of the current configuration (for `curl`, `certs check`).
  public var tlsSettings: TLSSettings? {
    let c = configuration
    guard let host = c.host else { return nil }
    return TLSSettings(
      host: host, port: c.port, caFile: c[.ca] ?? "", certFile: c[.cert] ?? "",
      keyFile: c[.key] ?? "",
      connectTimeout: options.connectTimeout, requestTimeout: options.requestTimeout)
  }
}

extension CommandContext {
  /// Calls the control service; client errors become diagnostics, Ctrl-C aborts the request.
  public func cluster<T>(_ body: (FlockerClient) throws -> T) throws -> T {
    try checkCancelled()
    let client = try session.client()
    if let curl = client.transport as? CurlTransport {
      // Trace only with --verbose: libcurl's debug callback costs a third of a request.
      if options.verbose {
        let host = session.host
        curl.trace = { line in host?.trace(TerminalText.safe(line)) }  // headers are the server's
      } else {
        curl.trace = nil
      }
    }
    session.setActiveTransport(client.transport)
    defer { session.setActiveTransport(nil) }
    do {
      return try body(client)
    } catch let e as ClientError {
      if session.isCancelled || e.code == .cancelled {
        throw Diagnostic("interrupted", code: .cancelled)
      }
      throw Diagnostic(e, verbose: options.verbose)
    }
  }
}

extension Diagnostic {
  /// A client error as a diagnostic: its message, the server's schema errors as notes.
  public init(_ e: ClientError, verbose: Bool = false) {
    let code: Code
    switch e.code {
    case .cancelled: code = .cancelled
    case .timeout: code = .timeout
    default: code = .cluster
    }
    var notes = e.errors.map { "server: \($0)" }
    if verbose, let d = e.detail { notes.append("curl: \(d)") }
    self.init(e.message, code: code, notes: notes)
  }
}
