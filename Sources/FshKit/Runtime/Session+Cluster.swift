import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

extension Session {
  /// The client for the configured control service, built on first use and kept (one
  /// connection reused) until the configuration or connection options change.
  public func client() throws -> FlockerClient {
    try connection.client(for: configuration, options: options)
  }

  /// Closes the connection to the control service (the next command opens a new one).
  public func closeConnections() { connection.close() }

  /// The TLS settings of the current configuration (for `curl`, `certs check`).
  package var tlsSettings: TLSSettings? { Connection.settings(configuration, options: options) }

  /// Builds the transport to the control service; nil means libcurl over mutual TLS
  /// (`connection.transportFactory`).
  public var transportFactory: ((Configuration, SessionOptions) throws -> ControlTransport)? {
    get { connection.transportFactory }
    set { connection.transportFactory = newValue }
  }

  /// When true, nothing but GET and HEAD is sent (`connection.readOnly`).
  public var readOnly: Bool {
    get { connection.readOnly }
    set { connection.readOnly = newValue }
  }
}

extension CommandContext {
  /// Calls the control service; client errors become diagnostics, Ctrl-C aborts the request.
  public func cluster<T>(_ body: (FlockerClient) throws -> T) throws -> T {
    try checkCancelled()
    // What earlier commands printed is out before a request that may take time.
    session.host?.flush()
    let client = try session.client()
    // Trace only with --verbose: libcurl's debug callback costs a third of a request.
    if options.verbose {
      let host = session.host
      // Escaped: the headers are the server's.
      client.transport.setTrace { line in host?.trace(TerminalText.safe(line)) }
    } else {
      client.transport.setTrace(nil)
    }
    session.connection.setActive(client.transport)
    defer { session.connection.setActive(nil) }
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
