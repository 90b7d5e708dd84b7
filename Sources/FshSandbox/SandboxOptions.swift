// Public value types of the sandbox control service.

/// Injected failures, for testing how clients cope with a misbehaving control service.
/// All are off by default; they can be changed while the sandbox runs (`Sandbox.faults`).
public struct SandboxFaults: Sendable, Equatable {
  /// Seconds added before every response is sent (0 = none).
  public var latency: Double = 0
  /// Every Nth request (counting all requests from 1) gets a 500 whose body is a bare JSON string,
  /// like a Flocker internal error; the request is not executed. 0 = off.
  public var failEvery: Int = 0
  /// Every Nth request is answered by closing the connection without a response; the request is
  /// not executed. 0 = off. Checked before `failEvery`.
  public var dropEvery: Int = 0

  public init(latency: Double = 0, failEvery: Int = 0, dropEvery: Int = 0) {
    self.latency = latency
    self.failEvery = failEvery
    self.dropEvery = dropEvery
  }
}

/// How to run a sandbox. Only `directory` has no default.
public struct SandboxOptions: Sendable {
  /// Address to listen on (HTTPS). Default `127.0.0.1`; the control certificate names it.
  public var host = "127.0.0.1"
  /// TCP port; 0 (the default) picks a free port, see `Sandbox.port`.
  public var port = 0
  /// State directory: certificates and `current_configuration.json`. Created (0700) if missing.
  public var directory: String
  /// Number of simulated nodes (agents) reporting state. Default 3.
  public var nodeCount = 3
  /// Seconds an agent takes for one convergence step (create, attach, mount; unmount, detach,
  /// destroy). Default 0.5.
  public var convergenceDelay: Double = 0.5
  /// Number of datasets (`metadata.name` = `seed-00001`...) created, already converged, when the
  /// directory holds no configuration yet. They are spread round-robin over the nodes, 1 GiB each.
  public var seedDatasets = 0
  /// RSA modulus size for generated keys. Default 4096 like flocker-ca; 2048 is much faster.
  public var keyBits = 4096
  /// The API user: files `<directory>/<userName>.crt|.key`, subject `CN=user-<userName>`.
  public var userName = "admin"
  /// Backend allocation unit: sizes in `/v1/state/datasets` are rounded up to it. Default 1 GiB
  /// (EBS, Cinder, GCE).
  public var allocationUnit: Int64 = 1 << 30
  /// Injected failures (all off by default).
  public var faults = SandboxFaults()
  /// State churn, off (nil) by default: with a seed, every `/v1/state/datasets` answer is
  /// shuffled and now and then repeats a mounted dataset as a stale entry without `primary`
  /// (listed last) or misses one entry, as a busy Flocker cluster's can. The same seed and the
  /// same requests give the same answers, so a failing run can be replayed.
  public var churnSeed: UInt64?
  /// A cluster to copy instead of seeding: its nodes (with agents for the reporting ones only),
  /// datasets, state, leases and version. `nodeCount` and `seedDatasets` are then ignored, and
  /// nothing is persisted.
  public var seed: SandboxSeed?
  /// Whether configuration changes are saved to `<directory>/current_configuration.json`.
  public var persist = true

  public init(directory: String) {
    self.directory = directory
  }
}

/// A simulated node (dataset agent) of the sandbox cluster.
public struct SandboxNode: Sendable, Equatable {
  /// The node UUID (what `/v1/state/nodes` reports, and what `primary` refers to).
  public let uuid: String
  /// The node's IPv4 address as reported by `/v1/state/nodes` (`10.0.0.N`).
  public let host: String
  /// The node's era (boot id), for `/v1/state/nodes/by_era/<era>`.
  public let era: String

  public init(uuid: String, host: String, era: String) {
    self.uuid = uuid
    self.host = host
    self.era = era
  }
}

/// One request the sandbox answered, for its request log (`Sandbox.requestLog`,
/// `GET /sandbox/requests`).
public struct SandboxRequestRecord: Sendable {
  public var method: String
  public var path: String
  /// The request body (JSON for the API's POSTs); empty for GET and HEAD.
  public var body: [UInt8]
  public var status: Int
  /// The response body; empty for GET and HEAD (a listing can be tens of megabytes).
  public var response: [UInt8]
}

/// The most requests `Sandbox.requestLog` keeps (the oldest are dropped).
public let requestLogLimit = 100_000

/// One HTTP response produced by `Sandbox.handle(...)`.
public struct SandboxResponse: Sendable {
  /// The status code; 0 when `dropConnection` is set.
  public var status: Int
  /// Response headers, e.g. `Content-Type`, `X-Configuration-Tag`.
  public var headers: [(String, String)]
  /// The body bytes (JSON for API responses, HTML for router 404/405).
  public var body: [UInt8]
  /// True when the server would close the connection without answering (`SandboxFaults.dropEvery`).
  public var dropConnection: Bool

  public init(status: Int, headers: [(String, String)], body: [UInt8], dropConnection: Bool = false)
  {
    self.status = status
    self.headers = headers
    self.body = body
    self.dropConnection = dropConnection
  }

  /// The first header value with this name (case-insensitive).
  public func header(_ name: String) -> String? {
    headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
  }

  /// The body decoded as UTF-8.
  public var text: String { String(decoding: body, as: UTF8.self) }
}
