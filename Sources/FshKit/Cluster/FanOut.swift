import Foundation
import FshLanguage
import FshRuntime
import Synchronization

/// The same work on many clusters at once: `fsh --cluster 'prod-*' -c …`. Each cluster gets a
/// session of its own that starts with a copy of the caller's options and variables and gives
/// nothing back but its outcome; at most `maxParallel` run at a time; one cluster's failure
/// stops the others only with `failFast`; `cancel()` stops them all.
public final class FanOut: @unchecked Sendable {
  /// The profile names a `--cluster` value selects: a comma-separated list whose items may be
  /// glob patterns, in the profiles' order (sorted by name); nil for one plain name (a single
  /// cluster, as before). Throws when an item matches no profile.
  public static func clusters(_ spec: String, environment: SessionEnvironment) throws
    -> [String]?
  {
    guard spec.contains(",") || spec.contains(where: { "*?[".contains($0) }) else { return nil }
    let profiles = Array(try ProfileStore(path: environment.profilesPath).load().clusters.keys)
    return try clusters(spec, profiles: profiles)
  }

  static func clusters(_ spec: String, profiles: [String]) throws -> [String]? {
    let items = spec.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    let patterned = items.contains { $0.contains(where: { "*?[".contains($0) }) }
    guard items.count > 1 || patterned else { return nil }
    let sorted = profiles.sorted()
    var chosen: Set<String> = []
    for item in items where !item.isEmpty {
      let matches = sorted.filter { Glob.matches(item, $0) }
      guard !matches.isEmpty else {
        var notes = [
          sorted.isEmpty
            ? "there are no profiles yet: `cluster add NAME host HOST …` creates one"
            : "profiles: " + sorted.joined(separator: ", ")
        ]
        if let near = Suggest.nearest(item, in: sorted) {
          notes.insert("did you mean '\(near)'?", at: 0)
        }
        throw Diagnostic("no cluster profile matches '\(item)'", code: .notFound, notes: notes)
      }
      chosen.formUnion(matches)
    }
    return sorted.filter(chosen.contains)
  }

  /// How one cluster's run ended.
  public struct Result: Sendable {
    public var cluster: String
    public var outcome: Outcome
    /// Stopped before it started (`failFast` after another failed, or cancelled).
    public var skipped: Bool
  }

  public let clusters: [String]
  public var maxParallel = 8
  public var failFast = false
  private let sessions: [Session]
  /// A session holds its host weakly: the fan-out keeps them.
  private let hosts: [SessionHost]
  private let stopped = Mutex(false)

  /// Sessions for `clusters`, each from `environment` with its cluster selected, the caller's
  /// `options` and `variables`, and the host `host(cluster)` makes.
  public init(
    clusters: [String], environment: SessionEnvironment, options: SessionOptions,
    variables: [String: Value] = [:], commands: CommandTable = .standard,
    host: (String) -> SessionHost
  ) {
    self.clusters = clusters
    let hosts = clusters.map(host)
    self.hosts = hosts
    sessions = zip(clusters, hosts).map { name, host in
      var env = environment
      env.cluster = name
      let s = Session(environment: env, commands: commands, host: host)
      s.options = options
      for (k, v) in variables { s.setVariable(k, v) }
      return s
    }
  }

  /// Stops every cluster's run (Ctrl-C).
  public func cancel() {
    stopped.withLock { $0 = true }
    for s in sessions { s.cancel() }
  }

  /// Runs `source` on every cluster; the results in the clusters' order.
  public func run(_ source: String, name: String, arguments: [String] = []) -> [Result] {
    let results = Mutex<[Int: Result]>([:])
    let queue = DispatchQueue(label: "fsh.fan-out", attributes: .concurrent)
    let slots = DispatchSemaphore(value: max(1, maxParallel))
    let group = DispatchGroup()
    for (i, session) in sessions.enumerated() {
      slots.wait()
      let skip = stopped.withLock { $0 }
      if skip {
        slots.signal()
        var outcome = Outcome()
        outcome.status = ExitStatus.interrupted
        outcome.stoppedBy = Diagnostic(
          "not run: " + (failFast ? "another cluster failed (--fail-fast)" : "cancelled"),
          code: .cancelled)
        results.withLock { $0[i] = Result(cluster: clusters[i], outcome: outcome, skipped: true) }
        continue
      }
      group.enter()
      queue.async {
        defer {
          slots.signal()
          group.leave()
        }
        let outcome = session.run(source, name: name, arguments: arguments)
        session.closeConnections()
        if outcome.status != 0, self.failFast { self.cancel() }
        results.withLock {
          $0[i] = Result(cluster: self.clusters[i], outcome: outcome, skipped: false)
        }
      }
    }
    group.wait()
    return results.withLock { r in clusters.indices.map { r[$0]! } }
  }
}
