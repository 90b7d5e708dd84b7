import Foundation
import FshClient
import FshModel
import FshRuntime

/// `explain DATASET`: desired and actual side by side, then a checklist of what keeps them
/// apart, in the style of `certs check`.
struct ExplainCommand: DeclaredCommand {
  @Arg(.dataset) var ref: DatasetRef
  static let help = CommandHelp(
    ["explain"], summary: "say why a dataset is where it is: desired, actual, and what blocks it",
    parameters: declared,
    discussion: """
      Shows where the dataset should be (the configuration) beside where the agents report it \
      (the state), then checks: E1 a lease that keeps it mounted where it is (only a volume mounted on the holder), E2 its configured node's \
      agent reporting, E3 the state agreeing with the configuration, E4 other live datasets \
      with the same name (Kubernetes takes the first in the API's order, a hash order that \
      changes on moves and creates), E5 the size the \
      backend made. Each line passes or fails with its fix. The result is a record (`-o json`, \
      `let e = explain db`) whose `checks` list holds the same lines; the command itself \
      succeeds whatever they say.
      """,
    examples: ["explain db-data", "explain $ds -o json"])

  func run(in context: CommandContext) throws -> CommandResult {
    let (view, v, leases) = try Datasets.loadWithLeases(context, ref)
    let seen = context.session.sightings
    let checks = Self.checks(v, leases: leases, view: view, ref: ref.text, seen: seen)
    let record = Record([
      ("dataset_id", .string(v.configuration.datasetID)),
      ("name", .from(v.configuration.name)),
      ("status", .string(v.status.rawValue)),
      ("where", .string(Whereabouts.describe(v, seen: seen) + Whereabouts.history(v, seen: seen))),
      ("desired", Self.desired(v)),
      ("actual", Self.actual(v)),
      ("ok", .bool(!checks.contains { $0.status == .fail })),
      ("checks", .list(checks.map(\.value))),
    ])
    let text =
      Self.sideBySide(v, seen: seen, width: context.session.terminalWidth()) + "\n"
      + CertsCheckCommand.render(checks, width: context.session.terminalWidth())
    return CommandResult(.record(record), .rendered(text))
  }

  static func desired(_ v: DatasetView) -> Value {
    let c = v.configuration
    return .record(
      Record([
        ("node", .from(c.primary)), ("host", .from(v.node?.host)),
        ("size", .from(c.maximumSize)), ("deleted", .bool(c.deleted)),
      ]))
  }

  static func actual(_ v: DatasetView) -> Value {
    .record(
      Record([
        ("reported", .bool(v.state != nil)),
        ("node", .from(v.attachedNode?.uuid)),
        ("host", .from(v.attachedNode.flatMap { $0.host.isEmpty ? nil : $0.host })),
        ("path", .from(v.state?.path)), ("size", .from(v.state?.maximumSize)),
      ]))
  }

  /// The two columns people compare.
  /// The sentence, then DESIRED beside ACTUAL; fitted to `width` columns when given (the
  /// sentence wraps at words, cells are cut keeping their start).
  static func sideBySide(_ v: DatasetView, seen: Sightings? = nil, width: Int? = nil) -> String {
    let c = v.configuration
    let configured = c.primary.map { uuid in
      v.node.map(Whereabouts.label) ?? "\(Whereabouts.former(uuid, seen: seen)), not reporting"
    }
    let size = { (n: Int?) in n.map(Sizes.format) ?? "-" }
    let rows: [(String, String, String)] = [
      ("node", configured ?? "-", v.attachedNode.map(Whereabouts.label) ?? "-"),
      ("path", "-", v.state?.path ?? "-"),
      ("size", c.maximumSize.map(Sizes.format) ?? "default", size(v.state?.maximumSize)),
      ("deleted", c.deleted ? "yes" : "no", v.state == nil ? "not reported" : "reported"),
    ]
    let first = max(7, rows.map { DisplayWidth.of($0.0) }.max() ?? 0)
    var second = max(7, rows.map { DisplayWidth.of($0.1) }.max() ?? 0)
    var third = max(6, rows.map { DisplayWidth.of($0.2) }.max() ?? 0)
    if let width, first + 2 + second + 2 + third > width {
      // Too wide: the columns share what is left, each cell cut keeping its start.
      let room = max(14, width - first - 4)
      second = min(second, max(7, room / 2))
      third = max(6, room - second)
    }
    func cut(_ s: String, _ w: Int) -> String {
      DisplayWidth.of(s) <= w ? s : DisplayWidth.prefix(s, columns: w - 1) + "…"
    }
    func pad(_ s: String, _ w: Int) -> String {
      let s = cut(s, w)
      return s + String(repeating: " ", count: max(0, w - DisplayWidth.of(s)))
    }
    let sentence =
      "\(Whereabouts.name(v)) is \(v.status.rawValue): \(Whereabouts.describe(v, seen: seen))"
      + (seen.map { Whereabouts.history(v, seen: $0) } ?? "")
    var out =
      (width.map { HelpFormatter.hang(sentence, width: $0, indent: 2) } ?? sentence) + "\n"
    out += pad("", first) + "  " + pad("DESIRED", second) + "  ACTUAL\n"
    for (label, want, have) in rows {
      out += pad(label, first) + "  " + pad(want, second) + "  " + cut(have, third) + "\n"
    }
    return out
  }

  static func checks(
    _ v: DatasetView, leases: [Lease], view: ClusterView, ref: String, seen: Sightings? = nil
  ) -> [CertificateCheck] {
    let lastListed = seen?.lastListed(v.configuration.datasetID)
    let blockers = v.blockers(leases: leases, nodes: view.nodes, lastMountedOn: lastListed?.node)
    var rows: [CertificateCheck] = []
    // E1: a lease.
    if case .lease(let node, let expires)? = blockers.first(where: {
      if case .lease = $0 { return true } else { return false }
    }) {
      let (message, fix) = Whereabouts.words(.lease(node: node, expires: expires), ref: ref)
      rows.append(CertificateCheck("E1", "lease", .fail, message, fix: fix))
    } else if let lease = v.lease(in: leases) {
      let time =
        lease.expires.map { "for another \(Durations.format(max(0, $0)))" } ?? "with no expiry"
      rows.append(
        CertificateCheck(
          "E1", "lease", .pass,
          "leased by node \(Whereabouts.label(uuid: lease.nodeUUID, in: view)) \(time); "
            + Datasets.leaseEffect(lease, of: v)))
    } else {
      rows.append(CertificateCheck("E1", "lease", .pass, "no lease"))
    }
    // E2: the configured node's agent.
    if let blocker = blockers.first(where: {
      switch $0 {
      case .nodeNotReporting, .sourceNotReporting: return true
      default: return false
      }
    }) {
      let (message, fix) = Whereabouts.words(blocker, ref: ref, seen: seen)
      rows.append(CertificateCheck("E2", "agent", .fail, message, fix: fix))
    } else if let node = v.node {
      rows.append(
        CertificateCheck(
          "E2", "agent", .pass, "its configured node \(Whereabouts.label(node)) reports"))
    } else {
      rows.append(
        CertificateCheck(
          "E2", "agent", .pass, "its configured node does not report; it no longer matters"))
    }
    // E3: state and configuration agree.
    let wanted = v.configuration.deleted ? "deleted" : "attached"
    if v.status == .attached || v.status == .deleted {
      rows.append(
        CertificateCheck("E3", "converged", .pass, Whereabouts.describe(v, seen: seen)))
    } else {
      let fix =
        blockers.first.map { Whereabouts.words($0, ref: ref, seen: seen).fix }
        ?? "nothing the API shows blocks it: the agents converge in their own time; wait "
        + "\(Whereabouts.quote(ref)) \(wanted)"
      rows.append(
        CertificateCheck(
          "E3", "converged", .fail, Whereabouts.describe(v, seen: seen), fix: fix))
    }
    // E4: other live datasets with the same name.
    if let name = v.configuration.name, !v.configuration.deleted {
      let twins = view.datasets.filter {
        !$0.configuration.deleted && $0.configuration.name == name
      }
      .sorted { $0.order < $1.order }
      if twins.count > 1 {
        let first = twins[0].configuration.datasetID
        let mine = first == v.configuration.datasetID
        rows.append(
          CertificateCheck(
            "E4", "unique name", mine ? .warn : .fail,
            "\(twins.count) live datasets are named '\(name)'; a kubelet's datasetName gets "
              + "\(first.prefix(8)) now" + (mine ? ", this one" : ", not this one")
              + " (the first in the API's order, a hash order that can change on the next "
              + "move or create)",
            fix: "use datasetUUID in the volume spec, or destroy the extra dataset"))
      } else {
        rows.append(
          CertificateCheck("E4", "unique name", .pass, "no other live dataset is named '\(name)'")
        )
      }
    } else {
      rows.append(CertificateCheck("E4", "unique name", .skip, "no name, or deleted"))
    }
    // E5: the size the backend made.
    let asked = v.configuration.maximumSize
    switch (asked, v.state?.maximumSize) {
    case (nil, _):
      rows.append(
        CertificateCheck(
          "E5", "size", .warn, "no size was given: block backends make 75G",
          fix: "give a size when creating datasets"))
    case (let a?, let made?) where made > a:
      rows.append(
        CertificateCheck(
          "E5", "size", .pass,
          "asked for \(Sizes.format(a)); the backend made \(Sizes.format(made)) (rounded up to its allocation unit)"
        ))
    case (let a?, let made?):
      rows.append(
        CertificateCheck(
          "E5", "size", .pass, "\(Sizes.format(made)) as asked (\(Sizes.format(a)))"))
    case (let a?, nil):
      let when = lastListed.map { " (last listed at \(Sightings.clock($0.time)))" } ?? ""
      rows.append(
        CertificateCheck(
          "E5", "size", .pass,
          "asked for \(Sizes.format(a)); the state does not list the volume now\(when)"))
    }
    return rows
  }
}
