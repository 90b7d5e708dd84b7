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
  /// The share of requests (0 to 1) failed at random, from a fixed seed so a run can be
  /// replayed: a third answered with a 500 and not carried out, a third dropped unanswered and
  /// not carried out, a third carried out and then dropped (the answer lost, as when a
  /// connection breaks after the server acted). Checked after `dropEvery` and `failEvery`.
  public var faultRate: Double = 0

  public init(latency: Double = 0, failEvery: Int = 0, dropEvery: Int = 0, faultRate: Double = 0) {
    self.latency = latency
    self.failEvery = failEvery
    self.dropEvery = dropEvery
    self.faultRate = faultRate
  }
}

/// How fast the simulated agents converge (`SandboxOptions.pace`).
public enum SandboxPace: Sendable, Equatable {
  /// Every step (create, attach, mount; unmount, detach, destroy) takes
  /// `SandboxOptions.convergenceDelay` seconds, and an agent notices another node's change one
  /// delay later. Quick and regular: the default.
  case fixed
  /// Flocker 1.15's timing, every duration multiplied by `scale` (1 = real time; tests use e.g.
  /// 0.02): the steps take `SandboxUpstreamTiming`'s seconds (a cloud attach or detach takes
  /// seconds); between the steps of an unconverged dataset the agent backs off 0.1, 0.4, 1.6,
  /// 6.4, then 10 s; the target of a move polls every 3 s for the source to let go; an idle
  /// agent sleeps 60 s ± 20 % (seeded) and so notices another node's change that late, but is
  /// woken at once by a configuration change that gives it an action.
  case upstream(scale: Double)
}

/// The durations of `SandboxPace.upstream` before scaling, in seconds.
public enum SandboxUpstreamTiming {
  /// Creating a volume on the backend.
  public static let create = 3.0
  /// Attaching a volume to a node (a cloud API call that blocks until the device appears).
  public static let attach = 5.0
  /// Making the filesystem (first time) and mounting.
  public static let mount = 1.0
  public static let unmount = 1.0
  /// Detaching a volume from a node.
  public static let detach = 5.0
  /// Destroying a volume on the backend.
  public static let destroy = 3.0
  /// The sleeps between the iterations of an unconverged agent (`flocker/node/_loop.py`); the
  /// last one repeats.
  public static let backoff: [Double] = [0.1, 0.4, 1.6, 6.4, 10]
  /// The poll of a move's target while the source still holds the volume.
  public static let poll = 3.0
  /// An idle agent's sleep (± `idleJitter` of it, seeded).
  public static let idle = 60.0
  public static let idleJitter = 0.2
}

/// A step of a simulated agent, for stopping it just before one
/// (`Sandbox.stopAgent(_:before:)`, `POST /sandbox/agents/<uuid>/stop?before=STEP`).
public enum SandboxAgentStep: String, Sendable, CaseIterable {
  case create, attach, mount, unmount, detach, destroy
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
  /// destroy) under `pace` `.fixed`. Default 0.5.
  public var convergenceDelay: Double = 0.5
  /// The agents' timing: `.fixed` (the default, `convergenceDelay` a step) or Flocker's own,
  /// scaled (`.upstream(scale:)`).
  public var pace: SandboxPace = .fixed
  /// Seconds a stopped agent's node and its mounted volumes stay in `/v1/state/nodes` and
  /// `/v1/state/datasets` after its last message, as Flocker's control service keeps a node's
  /// state 120 s after it last heard from it (`control/_clusterstate.py`). The sandbox takes the
  /// moment the agent stopped as its last message. `by_era` keeps answering for it, and the
  /// non-manifest list is never wiped. Default 120.
  public var stateExpiry: Double = 120
  /// The backend's largest volume in bytes (EBS: 16 TiB), nil (the default) for none: a dataset
  /// whose volume would be larger is never created (the sandbox logs why) and never reported.
  public var maxVolumeSize: Int64?
  /// Kinder than Flocker: every unmounted volume is always listed in `/v1/state/datasets` while
  /// a node that knows it is in the state. Off by default: as in Flocker, the volumes that are
  /// not mounted form one cluster-wide list that each agent's report replaces whole (every
  /// unattached volume plus those attached, not mounted, to the reporting node), and an agent
  /// reports only when its own view changed; so a volume attached but not mounted on B leaves
  /// the list whenever another node reports, and comes back when B next reports.
  public var kindReports = false
  /// Where the sandbox writes what its backend and agents would log (a refused volume size);
  /// nil (the default) writes to standard error.
  public var log: (@Sendable (String) -> Void)?
  /// Who runs this sandbox, recorded in the directory's lock file `sandbox.lock` and named to a
  /// second sandbox refused on the same directory: the process id to name (default: this
  /// process) and the command (e.g. `fsh sandbox serve --dir /x`).
  public var ownerPID: Int32?
  public var ownerCommand: String?
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
  /// (listed last) or misses one non-manifest entry (never a mounted one), as a busy Flocker
  /// cluster's can. The same seed and the
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
