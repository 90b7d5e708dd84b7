// The session's link to the control service: the transport it builds, the client it keeps
// for the current configuration, and the transfer in progress that a cancel aborts.
import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// How a session reaches the control service. One per session; `Session.connection`.
package final class Connection: @unchecked Sendable {
  /// Builds the transport to the control service; nil means libcurl over mutual TLS.
  /// An embedding program can supply another (the sandbox in-process, a recorder).
  package var transportFactory: ((Configuration, SessionOptions) throws -> ControlTransport)?
  /// When true, every request goes through a `ReadOnlyTransport`: nothing but GET and HEAD is
  /// sent (a rehearsal reads the real cluster this way).
  package var readOnly = false {
    didSet { if readOnly != oldValue { close() } }
  }
  /// Receives what a transport warns about (a server name that does not match), for the host.
  var onNote: ((String) -> Void)?
  private var kept: (client: FlockerClient, key: String)?
  private let lock = NSLock()
  private var active: ControlTransport?

  init() {}

  /// The client for `c`, built on first use and kept (one connection reused) until the
  /// configuration or connection options change.
  func client(for c: Configuration, options: SessionOptions) throws -> FlockerClient {
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
    if let kept, kept.key == key { return kept.client }
    let transport: ControlTransport
    if let factory = transportFactory {
      transport = try factory(c, options)
    } else {
      transport = try tlsTransport(Self.settings(c, host: host, options: options))
    }
    let client = FlockerClient(transport: readOnly ? ReadOnlyTransport(transport) : transport)
    kept = (client, key)
    return client
  }

  /// A new libcurl transport with mutual TLS to `settings`, never the kept one (`certs check`
  /// makes its handshake now, with the files as they are now).
  func tlsTransport(_ settings: TLSSettings, reportingNotes: Bool = true) throws
    -> ControlTransport
  {
    do {
      let curl = try CurlTransport(settings: settings)
      if reportingNotes { curl.onNote = onNote }
      return curl
    } catch let e as ClientError {
      throw Diagnostic(e)
    }
  }

  /// The TLS settings of a configuration, or nil when it names no host.
  static func settings(_ c: Configuration, options: SessionOptions) -> TLSSettings? {
    c.host.map { settings(c, host: $0, options: options) }
  }

  private static func settings(_ c: Configuration, host: String, options: SessionOptions)
    -> TLSSettings
  {
    TLSSettings(
      host: host, port: c.port, caFile: c[.ca] ?? "", certFile: c[.cert] ?? "",
      keyFile: c[.key] ?? "",
      connectTimeout: options.connectTimeout, requestTimeout: options.requestTimeout)
  }

  /// The last request of the kept client (for `curl`), nil before any.
  package var lastRequest: RecordedRequest? { kept?.client.lastRequest }

  /// Closes the connection (the next request opens a new one).
  package func close() { kept = nil }

  /// Marks `t` as the transport a cancel aborts (nil when the transfer is over).
  func setActive(_ t: ControlTransport?) {
    lock.lock()
    active = t
    lock.unlock()
  }

  /// Aborts the transfer in progress, from any thread.
  func cancel() {
    lock.lock()
    let t = active
    lock.unlock()
    t?.cancel()
  }
}
