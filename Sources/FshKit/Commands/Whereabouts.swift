import Foundation
import FshClient
import FshModel
import FshRuntime

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

  /// A node that is not in the node list: its short id and, when fsh saw it, its host.
  static func former(_ uuid: String, seen: Sightings?) -> String {
    label(Node(uuid: uuid, host: seen?.host(uuid) ?? ""))
  }

  /// Where the dataset is and, when that differs, where it should be: one clause. Only what the
  /// API shows, and what this process saw of it when the state no longer lists it.
  static func describe(_ v: DatasetView, seen: Sightings? = nil) -> String {
    let configured =
      v.configuration.primary.map { uuid in
        v.node.map(label) ?? former(uuid, seen: seen)
      } ?? "no node"
    let attached = v.attachedNode.map { n in n.host.isEmpty ? former(n.uuid, seen: seen) : label(n)
    }
    var lastSeen: String {
      guard v.state == nil, let l = seen?.lastListed(v.configuration.datasetID) else { return "" }
      let at = Sightings.clock(l.time)
      guard let node = l.node else { return "; last listed without a node at \(at)" }
      return "; last listed attached on \(former(node, seen: seen)) at \(at)"
    }
    switch v.status {
    case .attached:
      return "attached on \(configured)" + (v.state?.path.map { " at \($0)" } ?? "")
    case .moving:
      return "still attached on \(attached ?? "another node"), configured on \(configured)"
    case .detached:
      return "reported without a node (attached but not mounted, or not attached), configured on "
        + configured
    case .pending:
      return "not reported by any agent (being created, or attached but not mounted, which "
        + "Flocker's state can leave out), configured on \(configured)" + lastSeen
    case .unknown:
      return "not in the state: its configured node \(configured) is not reporting" + lastSeen
    case .deleting:
      if let attached { return "deleted but still attached on \(attached)" }
      return v.state == nil
        ? "deleted; its configured node \(configured) is not reporting, so the API cannot tell "
          + "whether the volume was destroyed" + lastSeen
        : "deleted, its volume reported without a node (not destroyed yet)"
    case .deleted:
      return "deleted, and not listed by the state" + lastSeen
    }
  }

  /// A timeout's notes for datasets not where they should be (20 at most): each where it is
  /// and, when something blocks it, what and the fix.
  static func notConverged(
    _ datasets: [DatasetView], leases: [Lease], nodes: [Node], seen: Sightings
  ) -> [String] {
    var notes: [String] = []
    for v in datasets.prefix(20) {
      var note = "\(name(v)) is \(describe(v, seen: seen))"
      let blockers = v.blockers(
        leases: leases, nodes: nodes,
        lastMountedOn: seen.lastListed(v.configuration.datasetID)?.node)
      if let b = blockers.first {
        let (message, fix) = words(
          b, ref: v.configuration.name ?? v.configuration.datasetID, seen: seen)
        note += "; blocked: \(message); \(fix)"
      }
      notes.append(note)
    }
    if datasets.count > 20 { notes.append("and \(datasets.count - 20) more") }
    return notes
  }

  /// What this session saw change: ` since 14:03:12, moved from 10.0.0.1`; empty when it saw
  /// the dataset in one status only (its status may then hold from long before).
  static func history(_ v: DatasetView, seen: Sightings) -> String {
    let id = v.configuration.datasetID
    var out = ""
    if let s = seen.seen(id), !s.sinceFirstRead, s.status == v.status {
      out = " since \(Sightings.clock(s.since))"
    }
    if let move = seen.lastMove(id), let from = move.from {
      out +=
        (out.isEmpty ? " (" : ", ") + "moved from \(former(from, seen: seen))"
        + (out.isEmpty ? ")" : "")
    }
    return out
  }

  /// Where the dataset stands in a few words, for a progress line (50 columns leave little).
  static func brief(_ v: DatasetView) -> String {
    func host(_ n: Node?) -> String {
      n.map { $0.host.isEmpty ? String($0.uuid.prefix(8)) : $0.host } ?? "?"
    }
    switch v.status {
    case .attached: return "attached on \(host(v.node))"
    case .moving: return "on \(host(v.attachedNode)), to \(host(v.node))"
    case .detached: return "listed without a node"
    case .pending: return "not reported by any agent"
    case .unknown: return "its node is not reporting"
    case .deleting: return "still reported"
    case .deleted: return "not listed"
    }
  }

  /// The blocker in words, and the fix, for a dataset named `ref` by the user.
  static func words(_ blocker: Blocker, ref: String, seen: Sightings? = nil) -> (
    message: String, fix: String
  ) {
    let quoted = quote(ref)
    switch blocker {
    case .lease(let node, let expires):
      let time = expires.map { "for another \(Durations.format(max(0, $0)))" } ?? "with no expiry"
      return (
        "leased by node \(label(node)) \(time), where it is mounted: its agent keeps a leased, "
          + "mounted volume mounted",
        "release the lease: lease release \(quoted)"
          + (expires == nil ? "" : " (or wait until it expires)")
      )
    case .nodeNotReporting(let uuid):
      return (
        "its configured node \(former(uuid, seen: seen)) is not reporting: its dataset agent is "
          + "stopped, or the cluster never knew this node",
        "start flocker-dataset-agent on that node, or move it to a node that reports: "
          + "move \(quoted) to NODE"
      )
    case .sourceNotReporting(let node):
      let name = former(node.uuid, seen: seen)
      return (
        "the node it was last seen mounted on, \(name), is not reporting: only that node's agent "
          + "unmounts and detaches it",
        "start flocker-dataset-agent on \(seen?.host(node.uuid) ?? "that node") (the volume "
          + "stays attached there until it does)"
      )
    case .deletedStillReported(let node):
      let on = node.map { " on \(label($0))" } ?? ""
      return (
        "the agent\(on) is still unmounting, detaching or destroying the volume",
        "wait for it: wait \(quoted) deleted"
      )
    case .notReported(let node):
      return (
        "its configured node \(label(node)) reports, but its agent has not reported the volume",
        "read the dataset agent's log on \(node.host.isEmpty ? "that node" : node.host) "
          + "(journalctl -u flocker-dataset-agent): the backend may refuse the size, or fail to "
          + "create or attach the volume"
      )
    }
  }

  /// The blocker in a few words, for a progress line.
  static func brief(_ blocker: Blocker, seen: Sightings? = nil) -> String {
    switch blocker {
    case .lease(let node, _): return "leased by node \(label(node)), where it is mounted"
    case .nodeNotReporting(let uuid): return "node \(former(uuid, seen: seen)) is not reporting"
    case .sourceNotReporting(let node):
      return "node \(former(node.uuid, seen: seen)), where it was mounted, is not reporting"
    case .deletedStillReported(let node):
      return "still being destroyed" + (node.map { " on \(label($0))" } ?? "")
    case .notReported(let node): return "not reported by node \(label(node))"
    }
  }

  /// A blocker as data for scripts and JSON: kind, node, host, expires, message, fix.
  /// A blocker that is not a lease has no `expires`.
  static func value(_ blocker: Blocker, ref: String, view: ClusterView, seen: Sightings? = nil)
    -> Value
  {
    let (message, fix) = words(blocker, ref: ref, seen: seen)
    let kind: String
    var expires: Value?
    switch blocker {
    case .lease(_, let e):
      kind = "lease"
      expires = NodesAndLeases.expiry(e)
    case .nodeNotReporting: kind = "node_not_reporting"
    case .sourceNotReporting: kind = "source_not_reporting"
    case .deletedStillReported: kind = "deleted_still_reported"
    case .notReported: kind = "not_reported"
    }
    let host = blocker.nodeID.flatMap { id in
      view.nodes.first { $0.uuid == id }?.host ?? seen?.host(id)
    }
    var r = Record([
      ("kind", .string(kind)), ("node", .from(blocker.nodeID)), ("host", .from(host)),
    ])
    if let expires { r["expires"] = expires }
    r["message"] = .string(message)
    r["fix"] = .string(fix)
    return .record(r)
  }
}
