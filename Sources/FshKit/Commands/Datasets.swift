import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// Dataset commands: list, show, create, destroy, move, wait.
enum Datasets {
  /// Table columns; `long` shows full ids.
  static func columns(long: Bool) -> [Column] {
    @Sendable func short(_ s: String) -> String { long ? s : String(s.prefix(8)) }
    return [
      Column(
        DatasetField.datasetID.key, "DATASET", whole: long,
        cell: { short($0[DatasetField.datasetID.key]?.text ?? "") }),
      Column(DatasetField.name.key),
      Column(
        DatasetField.size.key, alignRight: true,
        cell: { row in
          if case .int(let n)? = row[DatasetField.size.key] { return Sizes.format(n) }
          return "default"
        }),
      Column(DatasetField.status.key),
      Column(
        DatasetField.primary.key, "NODE", whole: long,
        cell: { row in
          func text(_ key: String) -> String? {
            if case .string(let s)? = row[key] { return s }
            return nil
          }
          return nodeCell(
            primary: text(DatasetField.primary.key), host: text(DatasetField.host.key),
            attached: text(DatasetField.attachedNode.key),
            attachedHost: text(DatasetField.attachedHost.key), long: long)
        }),
      Column(DatasetField.path.key),
    ]
  }

  /// The NODE cell: the configured node with its host (or `not reporting`), and where the state
  /// has the dataset when that is another node: `A (host) → B (host)`.
  static func nodeCell(
    primary: String?, host: String?, attached: String?, attachedHost: String?, long: Bool
  ) -> String {
    func short(_ s: String) -> String { long ? s : ClusterView.shortID(s) }
    guard let p = primary else { return "-" }
    var configured = "\(short(p)) (not reporting)"
    if let h = host { configured = "\(short(p)) (\(h))" }
    guard let a = attached, a != p else { return configured }
    if let h = attachedHost { return "\(short(a)) (\(h)) → \(configured)" }
    return "\(short(a)) → \(configured)"
  }

  /// The cluster, one dataset of it (deleted ones too) and the leases: what `dataset` and
  /// `explain` read.
  static func loadWithLeases(_ context: CommandContext, _ ref: DatasetRef) throws -> (
    ClusterView, DatasetView, [Lease]
  ) {
    let view = try loadView(context)
    let v = try view.dataset(ref, includeDeleted: true)
    return (view, v, try context.cluster { try $0.leases() })
  }

  static func loadView(_ context: CommandContext) throws -> ClusterView {
    let view = try context.cluster { try ClusterView.load($0, timing: context.timing) }
    let words = view.completionWords
    context.session.names.update(datasets: words.datasets, nodes: words.nodes)
    let c = context.session.configuration
    let key = Sightings.key(host: c.host, port: c.port)
    context.session.sightings.observe(view, cluster: key, at: Date().timeIntervalSince1970)
    return view
  }

  /// The session's last read for a `move` when it is of this cluster and a few seconds old
  /// (`RecentRead`), else a new one kept for the next (only a move keeps one: a listing of
  /// 100 000 datasets is not held after the command that read it); `reused` says which.
  static func recentView(_ context: CommandContext, reuse: Bool = true) throws -> (
    read: RecentRead, reused: Bool
  ) {
    let c = context.session.configuration
    let key = Sightings.key(host: c.host, port: c.port)
    if reuse, let r = context.session.flocker.recent, r.isFresh, r.cluster == key, key != nil {
      return (r, true)
    }
    let read = RecentRead(try loadView(context), cluster: key)
    context.session.flocker.recent = read
    return (read, false)
  }

  /// The leases, read once per reused read.
  static func recentLeases(_ read: RecentRead, _ context: CommandContext) throws -> [Lease] {
    if let leases = read.leases { return leases }
    let leases = try context.cluster { try $0.leases() }
    read.leases = leases
    return leases
  }

  /// Drops the reusable read: fsh changed the cluster in a way it does not write into it.
  static func forgetRecent(_ context: CommandContext) { context.session.flocker.recent = nil }

}

extension Datasets {
  /// A lease inside a dataset record: the holding node, the remaining seconds (null: never),
  /// and whether it stops the dataset now, with why.
  static func leaseValue(_ lease: Lease, of v: DatasetView, view: ClusterView) -> Value {
    .record(
      Record([
        ("node", .string(lease.nodeUUID)),
        ("host", .from(view.nodes.first { $0.uuid == lease.nodeUUID }?.host)),
        ("expires", NodesAndLeases.expiry(lease.expires)),
        ("blocking", .bool(v.isBlocked(by: lease))),
        ("why", .string(leaseEffect(lease, of: v))),
      ]))
  }

  /// What a lease does to this dataset now, in a clause (upstream: an agent keeps a leased
  /// volume mounted only where it has mounted it; it detaches and destroys any other).
  static func leaseEffect(_ lease: Lease, of v: DatasetView) -> String {
    if v.isBlocked(by: lease) {
      return "the volume is mounted on the holder and has to leave it: its agent keeps it mounted"
    }
    if v.state?.primary == lease.nodeUUID {
      return "the volume is mounted on the holder, where the configuration wants it: the lease "
        + "keeps it there"
    }
    return "not blocking: the volume is not mounted on the holder, and a lease keeps only a "
      + "mounted volume mounted"
  }
}

extension ClusterView {
  /// Finds a dataset named by an argument; a failure points at the argument.
  func dataset(_ a: CommandArgument, includeDeleted: Bool = false) throws -> DatasetView {
    do { return try dataset(a.text, includeDeleted: includeDeleted) } catch let e as LookupError {
      var d = Diagnostic(e)
      d.range = a.range
      throw d
    }
  }

  func dataset(_ r: DatasetRef, includeDeleted: Bool = false) throws -> DatasetView {
    try dataset(r.argument, includeDeleted: includeDeleted)
  }

  func node(_ r: NodeRef) throws -> Node { try node(r.argument) }

  /// Finds a node named by an argument; a failure points at the argument.
  func node(_ a: CommandArgument) throws -> Node {
    do { return try node(a.text) } catch let e as LookupError {
      var d = Diagnostic(e)
      d.range = a.range
      throw d
    }
  }
}

/// `k=v` metadata pairs, checked against the API's limits before sending.
enum Metadata {
  static func pair(_ a: CommandArgument) throws -> (String, String) {
    let t = a.text
    guard let eq = t.firstIndex(of: "="), eq != t.startIndex else {
      throw Diagnostic.usage(
        "invalid metadata '\(t)'", notes: ["write KEY=VALUE, e.g. meta team=storage"],
        range: a.range)
    }
    let k = String(t[..<eq])
    let v = String(t[t.index(after: eq)...])
    // The server counts Unicode code points (Python 2 unicode lengths), not characters.
    guard k.unicodeScalars.count <= 256 else {
      throw Diagnostic.usage(
        "metadata key '\(k.prefix(20))…' is longer than 256 characters",
        notes: ["the API allows 256 Unicode code points"], range: a.range)
    }
    guard !k.contains(where: \.isNewline) else {
      throw Diagnostic.usage(
        "metadata key '\(k.prefix(20))' contains a line break",
        notes: ["the API's key pattern '^.{1,256}$' allows none"], range: a.range)
    }
    guard v.unicodeScalars.count <= 256 else {
      throw Diagnostic.usage(
        "metadata value for '\(k)' is longer than 256 characters",
        notes: ["the API allows 256 Unicode code points"],
        range: a.range)
    }
    return (k, v)
  }
}
