// What `fsh` and the `fsh-sandbox` executable say to each other. fsh starts `fsh-sandbox` with
// pipes on its standard input and output and writes one `SandboxStart` line; the child answers
// with one `SandboxReady` line once it serves (or why it could not), then answers one
// `SandboxQuery` line with one `SandboxAnswer` line, in turn. It exits when its standard input
// reaches end of file, so it never outlives fsh, even one killed with SIGKILL.
//
// Every message is one line of JSON (ProtocolJSON.swift; compact JSON has no newline). The types
// are plain values so the side that serves needs no client and the client no server stack.

import Foundation
import FshModel

/// The executable's name, found beside `fsh` first and then on PATH.
public let sandboxExecutableName = "fsh-sandbox"

/// How to run the sandbox: `SandboxOptions` as data. Nil keeps the sandbox's default.
public struct SandboxStart: Sendable {
  public var directory: String
  public var port: Int?
  public var nodeCount: Int?
  public var convergenceDelay: Double?
  public var seedDatasets: Int?
  public var keyBits: Int?
  public var latency: Double?
  public var failEvery: Int?
  public var dropEvery: Int?
  /// The share of requests failed at random (`SandboxFaults.faultRate`).
  public var faultRate: Double?
  public var churnSeed: UInt64?
  public var persist: Bool?
  /// `SandboxOptions.pace`: "fixed" or "upstream" (with `paceScale`, default 1).
  public var pace: String?
  public var paceScale: Double?
  /// `SandboxOptions.stateExpiry`, seconds.
  public var stateExpiry: Double?
  /// `SandboxOptions.maxVolumeSize`, bytes.
  public var maxVolumeSize: Int64?
  /// `SandboxOptions.kindReports`: kinder than Flocker, every unmounted volume always listed.
  public var kindReports: Bool?
  /// Who starts it (named to a second sandbox refused on the same directory): its pid and
  /// command.
  public var ownerPID: Int32?
  public var ownerCommand: String?
  /// A copy of a cluster to serve instead of a new sandbox.
  public var seed: SandboxCopySeed?
  /// Whether to answer only once the agents reported again on saved state.
  public var waitForAgents: Bool

  public init(directory: String, waitForAgents: Bool) {
    self.directory = directory
    self.waitForAgents = waitForAgents
  }
}

/// A cluster as its control service reported it: the seed of a copy (`SandboxSeed`).
public struct SandboxCopySeed: Sendable {
  public struct Node: Sendable {
    public var uuid: String
    public var host: String
    /// The node's era, when the source tells it (a sandbox's `/sandbox/agents` does; Flocker's
    /// API maps an era to a node, never a node to its era); nil gets a random one.
    public var era: String?
    public init(uuid: String, host: String, era: String? = nil) {
      self.uuid = uuid
      self.host = host
      self.era = era
    }
  }
  public struct Metadata: Sendable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }
  public struct Dataset: Sendable {
    public var id: String
    public var primary: String
    public var maximumSize: Int?
    /// A `maximum_size` beyond 64 bits, in its exact decimal digits (`maximumSize` is nil).
    public var hugeSize: String?
    public var metadata: [Metadata]
    public var deleted: Bool
    public init(
      id: String, primary: String, maximumSize: Int?, metadata: [Metadata], deleted: Bool,
      hugeSize: String? = nil
    ) {
      self.id = id
      self.primary = primary
      self.maximumSize = maximumSize
      self.hugeSize = hugeSize
      self.metadata = metadata
      self.deleted = deleted
    }
  }
  public struct StateEntry: Sendable {
    public var id: String
    public var primary: String?
    public var size: Int?
    public init(id: String, primary: String?, size: Int?) {
      self.id = id
      self.primary = primary
      self.size = size
    }
  }
  /// A lease as the API reports it (`expires`: the remaining seconds when read).
  public typealias Lease = FshModel.Lease

  public var version: String
  public var nodes: [Node]
  public var datasets: [Dataset]
  public var state: [StateEntry]
  public var leases: [Lease]

  public init(
    version: String, nodes: [Node], datasets: [Dataset], state: [StateEntry], leases: [Lease]
  ) {
    self.version = version
    self.nodes = nodes
    self.datasets = datasets
    self.state = state
    self.leases = leases
  }
}

/// The child's first line: where it serves, or why it does not (`error` set, nothing else).
public struct SandboxReady: Sendable {
  public var error: String?
  public var port: Int = 0
  public var directory: String = ""
  public var certificatesDirectory: String = ""
  public var userName: String = ""
  public var caCertificatePath: String = ""
  public var userCertificatePath: String = ""
  public var userKeyPath: String = ""
  public var nodeCount: Int = 0

  public init(error: String) { self.error = error }
  public init(
    port: Int, directory: String, certificatesDirectory: String, userName: String,
    caCertificatePath: String, userCertificatePath: String, userKeyPath: String, nodeCount: Int
  ) {
    self.port = port
    self.directory = directory
    self.certificatesDirectory = certificatesDirectory
    self.userName = userName
    self.caCertificatePath = caCertificatePath
    self.userCertificatePath = userCertificatePath
    self.userKeyPath = userKeyPath
    self.nodeCount = nodeCount
  }
}

/// A question to the running child (the rehearsal asks them after the script).
public enum SandboxQuery: Sendable {
  /// The request log from this position on (`Sandbox.requestLog.dropFirst(n)`), and its length.
  case requests(since: Int)
  /// One request answered in-process (`Sandbox.handle`), not through TLS.
  case handle(method: String, path: String)
}

/// One request of the child's log (`SandboxRequestRecord`).
public struct SandboxLoggedRequest: Sendable {
  public var method: String
  public var path: String
  public var body: Data
  public var status: Int
  public var response: Data
  public init(method: String, path: String, body: Data, status: Int, response: Data) {
    self.method = method
    self.path = path
    self.body = body
    self.status = status
    self.response = response
  }
}

/// The answer to one `SandboxQuery`.
public struct SandboxAnswer: Sendable {
  /// For `.requests`: the log's length, and the entries asked for.
  public var count: Int = 0
  public var requests: [SandboxLoggedRequest] = []
  /// For `.handle`: the response.
  public var status: Int = 0
  public var body = Data()
  public init() {}
}
