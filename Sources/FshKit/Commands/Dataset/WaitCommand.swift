import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct WaitCommand: DeclaredCommand {
  @Arg(.dataset) var ref: DatasetRef
  @Arg(.positional("STATUS")) var want: WaitStatus
  @Arg(.node("on", "attached on this node (after a move)")) var node: NodeRef?
  @Arg(.duration("timeout", "give up after this long (default 2m, like the kubelet)"))
  var timeout: Seconds = 120
  @Arg(
    .duration(
      "settle",
      "deleted: how long the state must not list it (default 20s, longer than an agent's back-off)"
    ))
  var settle: Seconds = 20
  static let help = CommandHelp(
    ["wait"], summary: "wait until a dataset is attached, detached or deleted",
    parameters: declared,
    discussion: """
      Polls the state until the agents report what was asked: attached means mounted on its \
      configured node (on NODE, when given). Flocker's state cannot confirm a destruction: it \
      drops a volume that is attached but not mounted whenever another node reports. So \
      deleted means its configured node reports and the state has not listed the dataset in \
      any read for the settle window (20s, longer than an agent's longest back-off of 10s); \
      every read that lists it starts the window again. On a terminal it shows what it waits \
      for and what blocks it (a lease on a mounted volume, a node that does not report); at \
      the timeout it fails saying where the dataset is, where it should be, and the fix. \
      Ctrl-C stops it.
      """,
    examples: [
      "wait $ds attached timeout 2m", "wait db attached on 10.0.0.3",
      "wait old deleted settle 30s",
    ])

  func run(in context: CommandContext) throws -> CommandResult {
    let deadline = Date().addingTimeInterval(timeout.seconds)
    defer { context.progress(nil) }
    var view = try Datasets.loadView(context)
    let seen = context.session.sightings
    let id = try view.dataset(ref, includeDeleted: want == .deleted).configuration.datasetID
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
      let reached: Bool
      switch want {
      case .attached:
        reached = v.status == .attached && (nodeID == nil || v.state?.primary == nodeID)
      case .detached:
        reached = v.status == .detached
      default:
        absentSince = v.status == .deleted ? (absentSince ?? Date()) : nil
        reached = absentSince.map { -$0.timeIntervalSinceNow >= settle.seconds } ?? false
      }
      if reached {
        context.progress(nil)
        let text =
          want == .deleted
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
          v, blockers: blockers, absentSince: absentSince, view: view, nodeID: nodeID,
          seen: seen)
      }
      let blockers = v.blockers(leases: leases, nodes: view.nodes, lastMountedOn: last?.node)
      let waited = Int(timeout.seconds - deadline.timeIntervalSinceNow)
      let what =
        blockers.first.map { Whereabouts.brief($0, seen: seen) }
        ?? absentSince.map {
          "not listed for \(Int(-$0.timeIntervalSinceNow))s of \(Int(settle.seconds))s"
        }
        ?? Whereabouts.brief(v)
      context.progress(
        "waiting for '\(ref.text)' to be \(want.rawValue): \(what) "
          + "(\(waited)s of \(Durations.format(timeout.seconds)))")
      try context.session.sleep(seconds: min(delay, max(0, deadline.timeIntervalSinceNow)))
      delay = min(delay * 1.5, 2)
      view = try Datasets.loadView(context)
    }
  }

  /// The timeout error: where the dataset is, where it should be, what blocks it and the fix.
  func timedOut(
    _ v: DatasetView, blockers: [Blocker], absentSince: Date?, view: ClusterView,
    nodeID: String?, seen: Sightings
  ) -> Diagnostic {
    // Where it should be: the node asked for, or its configured node.
    let wanted = nodeID ?? (want == .attached ? v.configuration.primary : nil)
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
    if want == .deleted, let absentSince {
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
