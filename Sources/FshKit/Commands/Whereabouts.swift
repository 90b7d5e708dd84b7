import Foundation

/// How the dataset commands word where a dataset is, where it should be, and what blocks it
/// (the library gives the facts as `DatasetView` and `Blocker`).
enum Whereabouts {
  /// `a669bd4d (10.0.0.1)`, or the short id alone when the node is not in the node list.
  static func label(_ node: Node) -> String {
    node.host.isEmpty ? String(node.uuid.prefix(8)) : "\(node.uuid.prefix(8)) (\(node.host))"
  }

  static func label(uuid: String, in view: ClusterView) -> String {
    label(view.nodes.first { $0.uuid == uuid } ?? Node(uuid: uuid, host: ""))
  }

  /// `'web' (1a2b3c4d)`.
  static func name(_ v: DatasetView) -> String {
    let id = v.configuration.datasetID
    return v.configuration.name.map { "'\($0)' (\(id.prefix(8)))" } ?? "'\(id)'"
  }

  /// A word as the fsh language reads it back: bare when it is plain, else quoted.
  static func quote(_ word: String) -> String {
    let plain =
      !word.isEmpty
      && word.unicodeScalars.allSatisfy {
        CharacterSet.alphanumerics.contains($0) || "._:/-@+".unicodeScalars.contains($0)
      }
    if plain { return word }
    if !word.contains("'") { return "'\(word)'" }
    var out = "\""
    for c in word {
      if c == "\"" || c == "\\" || c == "$" { out.append("\\") }
      out.append(c)
    }
    return out + "\""
  }

  /// Where the dataset is and, when that differs, where it should be: one clause.
  static func describe(_ v: DatasetView) -> String {
    let configured =
      v.configuration.primary.map { uuid in
        v.node.map(label) ?? String(uuid.prefix(8))
      } ?? "no node"
    let attached = v.attachedNode.map(label)
    switch v.status {
    case .attached:
      return "attached on \(configured)" + (v.state?.path.map { " at \($0)" } ?? "")
    case .moving:
      return "still attached on \(attached ?? "another node"), configured on \(configured)"
    case .detached:
      return "reported attached nowhere, configured on \(configured)"
    case .pending:
      return "not created yet on \(configured)"
    case .unknown:
      return "not in the state: its configured node \(configured) is not reporting"
    case .deleting:
      if let attached { return "deleted but still attached on \(attached)" }
      return v.state == nil
        ? "deleted; its configured node \(configured) is not reporting, so it cannot be told gone"
        : "deleted, its volume not destroyed yet"
    case .deleted:
      return "deleted and gone from the state"
    }
  }

  /// The blocker in words, and the fix, for a dataset named `ref` by the user.
  static func words(_ blocker: Blocker, ref: String) -> (message: String, fix: String) {
    let quoted = quote(ref)
    switch blocker {
    case .lease(let node, let expires):
      let time = expires.map { "for another \(Durations.format(max(0, $0)))" } ?? "with no expiry"
      return (
        "leased by node \(label(node)) \(time): its agent keeps the volume where it is",
        "release the lease: lease release \(quoted)"
          + (expires == nil ? "" : " (or wait until it expires)")
      )
    case .nodeNotReporting(let uuid):
      return (
        "its configured node \(uuid.prefix(8)) is not reporting: its dataset agent is stopped, "
          + "or the cluster never knew this node",
        "start flocker-dataset-agent on that node, or move it to a node that reports: "
          + "move \(quoted) to NODE"
      )
    case .deletedStillReported(let node):
      let on = node.map { " on \(label($0))" } ?? ""
      return (
        "the agent\(on) is still unmounting, detaching or destroying the volume",
        "wait for it: wait \(quoted) deleted"
      )
    }
  }

  /// The blocker in a few words, for a progress line.
  static func brief(_ blocker: Blocker) -> String {
    switch blocker {
    case .lease(let node, _): return "leased by node \(label(node))"
    case .nodeNotReporting(let uuid): return "node \(uuid.prefix(8)) is not reporting"
    case .deletedStillReported(let node):
      return "still being destroyed" + (node.map { " on \(label($0))" } ?? "")
    }
  }

  /// A blocker as data for scripts and JSON: kind, node, host, expires, message, fix.
  static func value(_ blocker: Blocker, ref: String, view: ClusterView) -> Value {
    let (message, fix) = words(blocker, ref: ref)
    let kind: String
    var expires = Value.null
    switch blocker {
    case .lease(_, let e):
      kind = "lease"
      expires = NodesAndLeases.expiry(e)
    case .nodeNotReporting: kind = "node_not_reporting"
    case .deletedStillReported: kind = "deleted_still_reported"
    }
    let host = blocker.nodeID.flatMap { id in view.nodes.first { $0.uuid == id }?.host }
    return .record(
      Record([
        ("kind", .string(kind)), ("node", .from(blocker.nodeID)), ("host", .from(host)),
        ("expires", expires), ("message", .string(message)), ("fix", .string(fix)),
      ]))
  }
}
