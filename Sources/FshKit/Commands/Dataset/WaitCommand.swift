import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct WaitCommand: DeclaredCommand {
  @Arg(.word("all", "every dataset of the cluster (wait all converged)")) var all: Bool
  @Arg(.dataset) var refs: [DatasetRef]
  @Arg(.positional("STATUS")) var want: WaitStatus
  @Arg(
    .node(
      "on", "attached on this node (after a move); with no NAME, every dataset configured on it"))
  var node: NodeRef?
  @Arg(.duration("timeout", "give up after this long (default 2m, like the kubelet)"))
  var timeout: Seconds = 120
  @Arg(
    .duration(
      "settle",
      "deleted: how long the state must not list it (default 20s, longer than an agent's back-off)"
    ))
  var settle: Seconds = 20
  static let help = CommandHelp(
    ["wait"], summary: "wait until datasets are attached, detached, deleted or converged",
    parameters: declared,
    discussion: """
      Polls the state until the agents report what was asked, for one dataset, several \
      (`wait a b c attached`), every dataset configured on a node (`wait on NODE attached`) \
      or all of them (`wait all converged`). attached means mounted on its configured node \
      (on NODE, when given); converged means attached on its configured node, or deleted as \
      below. Flocker's state cannot confirm a destruction: it drops a volume that is attached \
      but not mounted whenever another node reports. So deleted means its configured node \
      reports and the state has not listed the dataset in any read for the settle window \
      (20s, longer than an agent's longest back-off of 10s); every read that lists it starts \
      the window again. On a terminal it shows how many are done and what blocks the rest (a \
      lease on a mounted volume, a node that does not report); at the timeout it fails saying \
      where each one is, where it should be, and the fix. Ctrl-C stops it. A dataset named \
      like a status is written quoted: `wait 'attached' attached`.
      """,
    examples: [
      "wait $ds attached timeout 2m", "wait db attached on 10.0.0.3",
      "wait old deleted settle 30s", "wait m1 m2 m3 attached timeout 60s",
      "wait on 10.0.0.2 attached", "wait all converged timeout 10m",
    ])

  mutating func validate(_ arguments: Arguments) throws {
    if refs.isEmpty && !all && node == nil {
      throw Diagnostic.usage(
        "'wait' needs datasets: NAME|ID…, 'on NODE' or 'all'",
        notes: ["wait db attached", "wait on 10.0.0.2 attached", "wait all converged"],
        range: arguments.end)
    }
    if all && !refs.isEmpty {
      throw Diagnostic.usage(
        "'wait all' takes no dataset names", notes: ["wait all \(want.rawValue)"],
        range: refs.first?.argument.range)
    }
  }

  /// Whether `v` is as asked; `absentSince` carries a deleted one's settle window across reads.
  func reached(_ v: DatasetView, nodeID: String?, absentSince: inout Date?) -> Bool {
    let goal = want == .converged ? (v.configuration.deleted ? .deleted : .attached) : want
    switch goal {
    case .attached:
      return v.status == .attached && (nodeID == nil || v.state?.primary == nodeID)
    case .detached:
      return v.status == .detached
    default:
      absentSince = v.status == .deleted ? (absentSince ?? Date()) : nil
      return absentSince.map { -$0.timeIntervalSinceNow >= settle.seconds } ?? false
    }
  }

  func run(in context: CommandContext) throws -> CommandResult {
    defer { context.progress(nil) }
    if refs.count == 1 && !all { return try runOne(refs[0], context) }
    return try runMany(context)
  }

  private func runOne(_ ref: DatasetRef, _ context: CommandContext) throws -> CommandResult {
    let deadline = Date().addingTimeInterval(timeout.seconds)
    var view = try Datasets.loadView(context)
    let seen = context.session.sightings
    let id = try view.dataset(ref, includeDeleted: want != .attached && want != .detached)
      .configuration.datasetID
    let nodeID = try node.map { try view.node($0).uuid }
    // Since when every read found the deleted dataset unlisted (with its node reporting).
    var absentSince: Date?
    // Whether any read listed the dataset.
    var everListed = false
    var delay = 0.2
    while true {
      guard let v = view.datasets.first(where: { $0.configuration.datasetID == id }) else {
        throw Diagnostic(
          "dataset '\(ref.text)' disappeared from the configuration", code: .notFound)
      }
      if v.state != nil { everListed = true }
      if reached(v, nodeID: nodeID, absentSince: &absentSince) {
        context.progress(nil)
        let text =
          absentSince != nil
          ? "\(Whereabouts.name(v)) is deleted: the state has not listed it for "
            + "\(Durations.format(settle.seconds)) while its node reports (the API cannot confirm "
            + "that the volume was destroyed)\n"
          : "\(Whereabouts.name(v)) is \(Whereabouts.describe(v, seen: seen))\n"
        return CommandResult(v.value, .rendered(text))
      }
      // Not there yet: what blocks it (one more request, only while waiting).
      let leases = try context.cluster { try $0.leases() }
      let last = seen.lastListed(id)
      if Date() >= deadline {
        context.progress(nil)
        let blockers = v.blockers(
          leases: leases, nodes: view.nodes, lastMountedOn: last?.node,
          neverReported: !everListed && last == nil)
        throw timedOut(
          v, ref: ref, blockers: blockers, absentSince: absentSince, view: view, nodeID: nodeID,
          seen: seen)
      }
      let blockers = v.blockers(leases: leases, nodes: view.nodes, lastMountedOn: last?.node)
      let what =
        blockers.first.map { Whereabouts.brief($0, seen: seen) }
        ?? absentSince.map {
          "not listed for \(Int(-$0.timeIntervalSinceNow))s of \(Int(settle.seconds))s"
        }
        ?? Whereabouts.brief(v)
      view = try pause(
        "waiting for '\(ref.text)' to be \(want.rawValue): \(what)", context, deadline: deadline,
        delay: &delay)
    }
  }

  /// Shows where the wait stands, sleeps until the next read (backing off to 2 s) and reads.
  private func pause(
    _ status: String, _ context: CommandContext, deadline: Date, delay: inout Double
  ) throws -> ClusterView {
    let waited = Int(timeout.seconds - deadline.timeIntervalSinceNow)
    context.progress(status + " (\(waited)s of \(Durations.format(timeout.seconds)))")
    try context.session.sleep(seconds: min(delay, max(0, deadline.timeIntervalSinceNow)))
    delay = min(delay * 1.5, 2)
    return try Datasets.loadView(context)
  }

  /// Several datasets, or a selection (`on NODE`, `all`), fixed at the first read.
  private func runMany(_ context: CommandContext) throws -> CommandResult {
    let deadline = Date().addingTimeInterval(timeout.seconds)
    var view = try Datasets.loadView(context)
    let seen = context.session.sightings
    let nodeID = try node.map { try view.node($0).uuid }
    let includeDeleted = want != .attached && want != .detached
    var ids: [String] = []
    if refs.isEmpty {
      // Deleted datasets the state no longer lists count only for `deleted` (each would
      // otherwise hold a converged wait for a settle window).
      ids = view.datasets.filter { v in
        guard all || v.configuration.primary == nodeID else { return false }
        switch want {
        case .deleted: return v.configuration.deleted
        case .converged: return !v.configuration.deleted || v.status != .deleted
        default: return !v.configuration.deleted
        }
      }.map(\.configuration.datasetID)
    } else {
      for ref in refs {
        let id = try view.dataset(ref, includeDeleted: includeDeleted).configuration.datasetID
        if !ids.contains(id) { ids.append(id) }
      }
    }
    var absent: [String: Date] = [:]
    var delay = 0.2
    while true {
      var byID: [String: DatasetView] = [:]
      for v in view.datasets { byID[v.configuration.datasetID] = v }
      var waiting: [DatasetView] = []
      var done: [DatasetView] = []
      for id in ids {
        guard let v = byID[id] else {
          throw Diagnostic("dataset \(id) disappeared from the configuration", code: .notFound)
        }
        var a = absent[id]
        if reached(v, nodeID: nodeID, absentSince: &a) { done.append(v) } else { waiting.append(v) }
        absent[id] = a
      }
      if waiting.isEmpty {
        context.progress(nil)
        let names = done.prefix(10).map(Whereabouts.name).joined(separator: ", ")
        let more = done.count > 10 ? " and \(done.count - 10) more" : ""
        let text =
          done.isEmpty
          ? "no datasets to wait for\n"
          : "\(done.count) dataset\(done.count == 1 ? " is" : "s are") \(want.rawValue): \(names)\(more)\n"
        return CommandResult(.list(done.map(\.value)), .rendered(text))
      }
      let leases = try context.cluster { try $0.leases() }
      func blocker(_ v: DatasetView) -> Blocker? {
        v.blockers(
          leases: leases, nodes: view.nodes,
          lastMountedOn: seen.lastListed(v.configuration.datasetID)?.node
        ).first
      }
      if Date() >= deadline {
        context.progress(nil)
        let notes = Whereabouts.notConverged(
          waiting, leases: leases, nodes: view.nodes, seen: seen)
        throw Diagnostic(
          "\(waiting.count) of \(ids.count) datasets \(waiting.count == 1 ? "is" : "are") not "
            + "\(want.rawValue) after \(Durations.format(timeout.seconds))",
          code: .timeout, notes: notes)
      }
      let first = waiting[0]
      let what =
        "'\(first.configuration.name ?? String(first.configuration.datasetID.prefix(8)))' "
        + (blocker(first).map { Whereabouts.brief($0, seen: seen) } ?? Whereabouts.brief(first))
        + (waiting.count > 1 ? " and \(waiting.count - 1) more" : "")
      view = try pause(
        "waiting for \(ids.count) datasets to be \(want.rawValue): \(done.count) done; \(what)",
        context, deadline: deadline, delay: &delay)
    }
  }

  /// The timeout error: where the dataset is, where it should be, what blocks it and the fix.
  func timedOut(
    _ v: DatasetView, ref: DatasetRef, blockers: [Blocker], absentSince: Date?,
    view: ClusterView, nodeID: String?, seen: Sightings
  ) -> Diagnostic {
    // Where it should be: the node asked for, or its configured node.
    let wanted =
      nodeID ?? (want == .attached || want == .converged ? v.configuration.primary : nil)
    let target =
      wanted.map { uuid in
        " on "
          + (view.nodes.first { $0.uuid == uuid }.map(Whereabouts.label)
            ?? Whereabouts.former(uuid, seen: seen))
      } ?? ""
    var notes = ["it is \(Whereabouts.describe(v, seen: seen))"]
    for blocker in blockers {
      let (message, fix) = Whereabouts.words(blocker, ref: ref.text, seen: seen)
      notes.append("blocked: \(message)")
      notes.append(fix)
    }
    if let absentSince {
      notes.append(
        "the state has not listed it for \(Int(-absentSince.timeIntervalSinceNow))s of the "
          + "\(Durations.format(settle.seconds)) settle window: Flocker's state drops a volume that is "
          + "attached but not mounted whenever another node reports, so that is not yet a "
          + "deletion")
    }
    if blockers.isEmpty, v.status == .pending || v.status == .detached || v.status == .moving {
      let host = v.node?.host ?? "its node"
      notes.append(
        "nothing the API shows blocks it: agents converge asynchronously; check the dataset "
          + "agent's log on \(host), or wait longer with 'timeout'")
    }
    return Diagnostic(
      "dataset '\(ref.text)' is not \(want.rawValue)\(target) after \(Durations.format(timeout.seconds))",
      code: .timeout, notes: notes, range: ref.argument.range)
  }
}

extension Parameter {
  /// `create`, `move` and `destroy --wait`.
  static func waitFlag(_ outcome: String) -> Parameter {
    .flag(["--wait"], "wait until it is \(outcome), as 'wait' does")
  }
}

extension Param where Value == Seconds {
  /// `timeout DURATION` of a `--wait`.
  static var waitTimeout: Param {
    .duration("timeout", "with --wait: give up after this long (default 2m)")
  }
}

extension WaitCommand {
  /// The `--wait` of `create`, `move` and `destroy`: `wait ID STATUS [on NODE] [timeout …]` on
  /// the dataset just acted on (by id: its name may be shared).
  static func outcome(
    of id: String, _ status: WaitStatus, on node: String? = nil, timeout: Seconds?,
    context: CommandContext
  ) throws -> CommandResult {
    var words = [id, status.rawValue]
    if let node { words += ["on", node] }
    if let timeout { words += ["timeout", Durations.format(timeout.seconds)] }
    var arguments = try Arguments(strings: words, for: help)
    return try WaitCommand(arguments: &arguments).run(in: context)
  }
}
