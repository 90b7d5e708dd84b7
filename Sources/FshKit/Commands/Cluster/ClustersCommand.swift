import Foundation
import FshLanguage
import FshRuntime
import Synchronization

struct ClustersCommand: DeclaredCommand {
  @Arg(["--check"], "run `doctor` on every profile at once: a row of verdicts each")
  var check: Bool
  static let help = CommandHelp(
    ["clusters"], summary: "list the cluster profiles",
    parameters: declared,
    discussion: """
      Profiles live in $XDG_CONFIG_HOME/fsh/clusters.yml. --check examines every profile's \
      cluster as `doctor` does, all at once (each in a session of its own): a row per cluster \
      with whether it is reachable, its version, the nodes reporting, datasets, those not \
      converged, problems, warnings and the soonest certificate expiry; a cluster that is down \
      or refuses the certificate is a row like the others. Exit status 1 when any cluster has \
      a problem; `-o json` gives the rows (`name`, `ok`, `problems`, `warnings`, …).
      """,
    examples: ["clusters", "clusters --check", "clusters --check -o json"])

  func run(in context: CommandContext) throws -> CommandResult {
    let store = ProfileStore(path: context.session.environment.profilesPath)
    let file = try store.load()
    if check { return try checkAll(file.clusters.keys.sorted(), context) }
    let current = context.configuration.cluster?.value
    let rows = file.clusters.keys.sorted().map { name -> Value in
      let p = file.clusters[name]!
      return .record(
        Record([
          ("name", .string(name)), ("host", .from(p.host)), ("port", .from(p.port)),
          ("certs", .from(p.certs)), ("user", .from(p.user)),
          ("current", .bool(name == current)), ("default", .bool(name == file.defaultCluster)),
        ]))
    }
    if rows.isEmpty {
      context.note("no cluster profiles yet; `cluster add NAME host HOST certs DIR` creates one")
    }
    @Sendable func mark(_ key: String) -> @Sendable (Value) -> String {
      { row in row[key] == .bool(true) ? "*" : "" }
    }
    return CommandResult(
      .list(rows),
      .table([
        Column("name"), Column("host"), Column("port", alignRight: true), Column("certs"),
        Column("user"), Column("current", cell: mark("current")),
        Column("default", cell: mark("default")),
      ]), emptyNote: "")
  }

  /// `doctor` on each profile, in parallel, each in a session of its own.
  private func checkAll(_ names: [String], _ context: CommandContext) throws -> CommandResult {
    let parent = context.session
    var environment = parent.environment
    environment.launchSettings = [:]
    let sessions = names.map { name -> Session in
      let s = Session(environment: environment, host: nil)
      s.use(cluster: name)
      return s
    }
    // Weakly: the session keeps its cancel handlers for good.
    let held = sessions.map(WeakSession.init)
    parent.onCancel { for h in held { h.session?.cancel() } }
    let results = Mutex<[Int: Value]>([:])
    FanOut.onThreads(sessions.count, atMost: 8) { i in
      let s = sessions[i]
      let inner = CommandContext(session: s, options: context.options, range: context.range)
      let row: Value
      do {
        row = Self.row(names[i], try Doctor.examine(inner))
      } catch {
        var d = Doctor()
        d.checks.append(CertificateCheck("D3", "connection", .fail, "\(error)"))
        row = Self.row(names[i], d)
      }
      results.withLock { $0[i] = row }
    }
    try context.checkCancelled()
    let rows = results.withLock { r in names.indices.map { r[$0]! } }
    var result = CommandResult(
      .list(rows),
      .table([
        Column("name"), Column("ok", cell: { $0["ok"] == .bool(true) ? "ok" : "PROBLEM" }),
        Column("reachable", cell: { $0["reachable"] == .bool(true) ? "yes" : "no" }),
        Column("version"), Column("nodes", alignRight: true),
        Column("datasets", alignRight: true),
        Column("not_converged", "NOT CONVERGED", alignRight: true),
        Column("problems", alignRight: true), Column("warnings", alignRight: true),
        Column("expires", "CERT EXPIRES"), Column("first_problem", "FIRST PROBLEM"),
      ]), emptyNote: "no cluster profiles: `cluster add NAME host HOST certs DIR` creates one")
    let failing = rows.filter { $0["ok"] != .bool(true) }.compactMap { $0["name"]?.text }
    if !failing.isEmpty {
      result.failure = Diagnostic(
        "\(failing.count) of \(rows.count) clusters have problems: "
          + failing.joined(separator: ", "),
        notes: ["`fsh --cluster NAME -c doctor` shows each problem with its fix"])
    }
    return result
  }

  private static func row(_ name: String, _ d: Doctor) -> Value {
    .record(
      Record([
        ("name", .string(name)), ("ok", .bool(d.problems == 0)), ("reachable", .bool(d.reachable)),
        ("version", .from(d.version)), ("nodes", .from(d.nodesReporting)),
        ("datasets", .from(d.datasets)), ("not_converged", .from(d.notConverged)),
        ("problems", .int(d.problems)), ("warnings", .int(d.warnings)),
        ("expires", .from(d.soonestExpiry.map { CertificateChecks.date($0) })),
        ("first_problem", .from(d.checks.first { $0.status == .fail }?.message)),
      ]))
  }
}

/// A session a cancel handler may outlive.
private final class WeakSession: @unchecked Sendable {
  weak var session: Session?
  init(_ session: Session) { self.session = session }
}
