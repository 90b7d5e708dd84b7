// `fsh sandbox serve`'s options, declared once: each row is the flag, its value, its help and
// the field of the start request it sets. The parser here and `fsh sandbox serve --help` (laid
// out by fsh's help formatter) read the table; the start request crosses to fsh-sandbox as it is (SandboxOptions(start) there is the
// one translation into the server's own options).
import Foundation

/// What `fsh sandbox serve` was asked: the start request, and what fsh resolves itself (the
/// state directory's default, a cluster to copy).
public struct SandboxServeRequest: Sendable {
  /// With `serve`'s defaults: port 4523, 3 nodes, a fixed pace of 0.5 s, 4096-bit keys.
  public var start: SandboxStart
  /// `--dir`, as given.
  public var directory: String?
  /// `--from CLUSTER`.
  public var from: String?
  public var showHelp = false
  /// Lines to print on standard error (an old option's new name).
  public var notices: [String] = []

  public init() {
    start = SandboxStart(directory: "", waitForAgents: true)
    start.port = 4523
    start.nodeCount = 3
    start.convergenceDelay = 0.5
    start.seedDatasets = 0
    start.keyBits = 4096
    start.latency = 0
    start.failEvery = 0
    start.dropEvery = 0
    start.faultRate = 0
    start.pace = "fixed"
    start.paceScale = 1
    start.stateExpiry = 120
    start.kindReports = false
  }
}

/// A bad `fsh sandbox serve` command line: exit status 2.
public struct SandboxServeError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// One option of `fsh sandbox serve`.
public struct SandboxServeOption: Sendable {
  public let name: String
  /// The value's placeholder; nil for a flag.
  public let valueName: String?
  public let help: String
  public let hidden: Bool
  let apply: @Sendable (inout SandboxServeRequest, String) throws -> Void

  init(
    _ name: String, _ valueName: String?, _ help: String, hidden: Bool = false,
    _ apply: @escaping @Sendable (inout SandboxServeRequest, String) throws -> Void
  ) {
    self.name = name
    self.valueName = valueName
    self.help = help
    self.hidden = hidden
    self.apply = apply
  }

  static func number<T: LosslessStringConvertible>(_ text: String, _ name: String) throws -> T {
    guard let v = T(text) else {
      throw SandboxServeError("\(name) takes a number, not '\(text)'")
    }
    return v
  }

  /// Every option, in the order `--help` lists them.
  public static let all: [SandboxServeOption] = [
    .init("--port", "port", "Port to listen on (0 picks a free one; default 4523).") {
      $0.start.port = try number($1, "--port")
    },
    .init("--dir", "dir", "State directory: certificates and the persisted configuration.") {
      $0.directory = $1
    },
    .init("--nodes", "n", "Number of simulated nodes (default 3).") {
      $0.start.nodeCount = try number($1, "--nodes")
    },
    .init("--delay", "seconds", "Seconds an agent step takes with --pace fixed (default 0.5).") {
      $0.start.convergenceDelay = try number($1, "--delay")
    },
    .init(
      "--pace", "fixed|upstream",
      "The agents' timing: 'fixed' (--delay a step) or 'upstream' (Flocker's: steps of seconds, "
        + "back-off 0.1, 0.4, 1.6, 6.4 then 10 s, a 3 s poll, 60 s idle sleeps; scaled by "
        + "--pace-scale)."
    ) {
      guard $1 == "fixed" || $1 == "upstream" else {
        throw SandboxServeError("--pace takes 'fixed' or 'upstream', not '\($1)'")
      }
      $0.start.pace = $1
    },
    .init(
      "--pace-scale", "factor", "Multiplies every duration of --pace upstream (0.02 for tests)."
    ) {
      let v: Double = try number($1, "--pace-scale")
      guard v >= 0, v.isFinite else {
        throw SandboxServeError("--pace-scale takes a factor of 0 or more")
      }
      $0.start.paceScale = v
    },
    .init(
      "--state-expiry", "seconds",
      "Seconds a stopped agent's node and mounted volumes stay in the state (Flocker: 120)."
    ) { $0.start.stateExpiry = try number($1, "--state-expiry") },
    .init(
      "--max-volume-size", "bytes",
      "The backend's largest volume: larger datasets are never created (logged), never reported."
    ) { $0.start.maxVolumeSize = try number($1, "--max-volume-size") },
    .init(
      "--kind-reports", nil,
      "Kinder than Flocker: every unmounted volume always listed in the state (Flocker lists an "
        + "attached, unmounted one only until another node reports)."
    ) { r, _ in r.start.kindReports = true },
    .init(
      "--datasets", "n",
      "Create this many named datasets (seed-00001 …) at start, already attached."
    ) { $0.start.seedDatasets = try number($1, "--datasets") },
    // `--seed` was the old name; a seed is a random seed everywhere else.
    .init("--seed", "n", "The old name of --datasets.", hidden: true) {
      $0.start.seedDatasets = try number($1, "--seed")
      $0.notices.append("fsh: '--seed N' is now '--datasets N'")
    },
    .init("--key-bits", "n", "RSA key size of generated certificates (flocker-ca uses 4096).") {
      $0.start.keyBits = try number($1, "--key-bits")
    },
    .init("--latency", "seconds", "Seconds added to every response.") {
      $0.start.latency = try number($1, "--latency")
    },
    .init("--fail-every", "n", "Answer every Nth request with a 500.") {
      $0.start.failEvery = try number($1, "--fail-every")
    },
    .init("--drop-every", "n", "Drop every Nth connection without answering.") {
      $0.start.dropEvery = try number($1, "--drop-every")
    },
    .init(
      "--fault-rate", "rate",
      "Fail this share of requests at random (0 to 1): a third answered 500, a third dropped "
        + "unanswered, a third carried out and then dropped (the answer lost)."
    ) {
      let v: Double = try number($1, "--fault-rate")
      guard (0...1).contains(v) else {
        throw SandboxServeError("--fault-rate takes a share from 0 to 1, such as 0.3")
      }
      $0.start.faultRate = v
    },
    .init(
      "--churn", "seed",
      "Churn the state list (shuffled, a stale duplicate or a missing entry now and then), "
        + "seeded so a run can be replayed."
    ) { $0.start.churnSeed = try number($1, "--churn") },
    .init(
      "--from", "cluster",
      "Serve a copy of this cluster profile ('.' for the current configuration) instead of a "
        + "new sandbox: its datasets, nodes, leases and state, read with GET requests only."
    ) { $0.from = $1 },
    .init("--help", nil, "Show help information.") { r, _ in r.showHelp = true },
  ]

  /// Parses `serve`'s arguments: `--name value` or `--name=value`; `-h` is `--help`.
  public static func parse(_ arguments: [String]) throws -> SandboxServeRequest {
    var request = SandboxServeRequest()
    var i = 0
    while i < arguments.count {
      var word = arguments[i]
      if word == "-h" { word = "--help" }
      let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = String(parts[0])
      guard let option = all.first(where: { $0.name == name }) else {
        throw SandboxServeError(
          "unknown option '\(name)' for 'fsh sandbox serve' (see 'fsh sandbox serve --help')")
      }
      if option.valueName == nil {
        guard parts.count == 1 else { throw SandboxServeError("\(name) takes no value") }
        try option.apply(&request, "")
      } else if parts.count == 2 {
        try option.apply(&request, String(parts[1]))
      } else {
        i += 1
        guard i < arguments.count else { throw SandboxServeError("\(name) needs a value") }
        try option.apply(&request, arguments[i])
      }
      i += 1
    }
    return request
  }
}
