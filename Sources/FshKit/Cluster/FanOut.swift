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
  let hosts: [SessionHost]
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
    Self.onThreads(sessions.count, atMost: maxParallel) { [self] i in
      if stopped.withLock({ $0 }) {
        var outcome = Outcome()
        outcome.status = ExitStatus.interrupted
        outcome.stoppedBy = Diagnostic(
          "not run: " + (failFast ? "another cluster failed (--fail-fast)" : "cancelled"),
          code: .cancelled)
        results.withLock { $0[i] = Result(cluster: clusters[i], outcome: outcome, skipped: true) }
        return
      }
      let session = sessions[i]
      let outcome = session.run(source, name: name, arguments: arguments)
      session.closeConnections()
      if outcome.status != 0, failFast { cancel() }
      results.withLock { $0[i] = Result(cluster: clusters[i], outcome: outcome, skipped: false) }
    }
    return results.withLock { r in clusters.indices.map { r[$0]! } }
  }

  /// A cluster's session host that sends out whole lines, each after `prefix`, through `write`
  /// (`toStandardError` for diagnostics and notes), from whichever thread runs the cluster.
  public final class LineHost: SessionHost {
    let cluster: String
    let prefix: String
    let quiet: Bool
    /// `-o json`: results are gathered from the outcome, not written.
    let json: Bool
    let write: @Sendable (_ cluster: String, _ text: String, _ toStandardError: Bool) -> Void
    public var history: [String] { [] }

    public init(
      cluster: String, prefix: String, quiet: Bool, json: Bool,
      write: @escaping @Sendable (String, String, Bool) -> Void
    ) {
      self.cluster = cluster
      self.prefix = prefix
      self.quiet = quiet
      self.json = json
      self.write = write
    }

    private func lines(_ text: String, error: Bool) {
      guard !text.isEmpty else { return }
      var out = ""
      let all = text.split(separator: "\n", omittingEmptySubsequences: false)
      for line in all.dropLast(text.hasSuffix("\n") ? 1 : 0) { out += prefix + line + "\n" }
      write(cluster, out, error)
    }
    public func show(_ result: CommandResult, options: SessionOptions) {
      guard !json else { return }
      lines(ResultFormatter().render(result, format: options.output), error: false)
    }
    public func report(_ diagnostic: Diagnostic) {
      if quiet && diagnostic.severity != .error { return }
      lines(DiagnosticPrinter().render(diagnostic), error: true)
    }
    public func inform(_ line: String) {
      if !quiet { lines(line.hasSuffix("\n") ? line : line + "\n", error: true) }
    }
    public func trace(_ line: String) {
      lines(line.hasSuffix("\n") ? line : line + "\n", error: true)
    }
    public func confirm(_ question: String) -> Bool? { nil }
    /// The error that stopped the cluster's run, under its prefix.
    func failed(_ d: Diagnostic) { lines(DiagnosticPrinter().render(d), error: true) }
  }

  /// Calls `body(0..<count)` on threads of their own, at most `atMost` at once, and returns
  /// when all have: threads, not a dispatch queue, since each blocks on the network and a
  /// concurrent queue runs no more blocking items at once than there are cores.
  static func onThreads(_ count: Int, atMost: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let slots = DispatchSemaphore(value: max(1, atMost))
    let group = DispatchGroup()
    for i in 0..<count {
      slots.wait()
      group.enter()
      let thread = Thread {
        body(i)
        slots.signal()
        group.leave()
      }
      thread.name = "fsh-fan-out-\(i)"
      thread.start()
    }
    group.wait()
  }

  /// The error that stopped each failed cluster (not those skipped), through its host.
  public func reportFailures(_ results: [Result]) {
    for (r, h) in zip(results, hosts) where r.outcome.status != 0 && !r.skipped {
      if let d = r.outcome.stoppedBy, let h = h as? LineHost { h.failed(d) }
    }
  }

  /// Prefixes aligned to the longest name: `lab-a     | `.
  public static func prefixes(_ clusters: [String], color: Bool) -> [String: String] {
    let width = clusters.map { DisplayWidth.of($0) }.max() ?? 0
    let palette = ["36", "35", "33", "32", "34", "31"]
    var out: [String: String] = [:]
    for (i, cluster) in clusters.enumerated() {
      let padded = cluster + String(repeating: " ", count: width - DisplayWidth.of(cluster))
      out[cluster] =
        color ? "\u{1B}[\(palette[i % palette.count])m\(padded)\u{1B}[0m | " : padded + " | "
    }
    return out
  }

  /// `-o json`: an object per cluster, `cluster`, `ok`, and `result` (its values: one, or a
  /// list) or `error`.
  public static func value(_ results: [Result]) -> Value {
    .list(
      results.map { r in
        var fields: [(String, Value)] = [
          ("cluster", .string(r.cluster)), ("ok", .bool(r.outcome.status == 0)),
        ]
        if let d = r.outcome.stoppedBy, r.outcome.status != 0 {
          fields.append(("error", .string(d.message)))
        } else {
          let values = r.outcome.values
          fields.append(("result", values.count == 1 ? values[0] : .list(values)))
        }
        return .record(Record(fields))
      })
  }

  /// `3 ok, 1 failed: prod-2 — cannot reach …`.
  public static func summary(_ results: [Result]) -> String {
    let failed = results.filter { $0.outcome.status != 0 }
    var text = "\(results.count - failed.count) ok"
    if !failed.isEmpty {
      text +=
        ", \(failed.count) failed: "
        + failed.map { r in
          "\(r.cluster) — \(r.outcome.stoppedBy?.message ?? "exit status \(r.outcome.status)")"
        }.joined(separator: "; ")
    }
    return text
  }

  /// `each cluster PATTERN { … }`: the block on every matching cluster at once, each in a
  /// session with a copy of the caller's variables and options; lines prefixed by the cluster,
  /// through the caller's host (one at a time); the summary on its informational channel;
  /// with `-o json` the objects as the result. Fails when any cluster failed.
  static func eachCluster(
    _ selector: Value, _ body: String, _ name: String, _ context: CommandContext
  ) throws -> CommandResult {
    let parent = context.session
    let spec = selector.text
    let names = try clusters(spec, environment: parent.environment) ?? [spec]
    let json = context.options.output == .json
    let prefixes = prefixes(names, color: false)
    let lock = NSLock()
    let host = parent.host
    let fan = FanOut(
      clusters: names, environment: parent.environment, options: context.options,
      variables: parent.variables, commands: parent.commands
    ) { cluster in
      LineHost(cluster: cluster, prefix: prefixes[cluster] ?? "", quiet: false, json: json) {
        _, text, toError in
        lock.withLock {
          if toError {
            host?.trace(String(text.dropLast()))
          } else {
            var plain = context.options
            plain.output = .table
            host?.show(CommandResult(.string(text), .rendered(text)), options: plain)
          }
        }
      }
    }
    // Weakly: the session keeps its cancel handlers for good, and a script may fan out often.
    parent.onCancel { [weak fan] in fan?.cancel() }
    let results = fan.run(body, name: name, arguments: parent.positional)
    try context.checkCancelled()
    fan.reportFailures(results)
    host?.inform(summary(results))
    var result = CommandResult(value(results), json ? .record : .silent)
    let failed = results.filter { $0.outcome.status != 0 }.map(\.cluster)
    if !failed.isEmpty {
      result.failure = Diagnostic(
        "\(failed.count) of \(results.count) clusters failed: \(failed.joined(separator: ", "))",
        code: .failed)
    }
    return result
  }
}
