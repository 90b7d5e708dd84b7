import Foundation

/// Where a dataset stands, from the configuration (what was asked), the state (what the agents
/// report) and the node list (which agents report). See `ClusterView.status(...)`.
public enum DatasetStatus: String, Sendable, CaseIterable {
  /// Configured, not in the state, its configured node reporting: not created yet.
  case pending
  /// Reported mounted on its configured node.
  case attached
  /// Reported attached on a node other than the configured one: a move in progress or stuck.
  case moving
  /// Reported, attached nowhere (between stages, or detached).
  case detached
  /// Not in the state and its configured node not reporting: where the volume is cannot be told.
  case unknown
  /// Deleted in the configuration, still reported (or its configured node not reporting).
  case deleting
  /// Deleted, its configured node reporting, and absent from the state.
  case deleted
}

/// One dataset as fsh shows it: configuration, state and nodes merged. The configured node
/// (`primary`, `node`, `host`) and the node the state reports it attached to (`attachedNode`)
/// are kept apart: they differ while a move is under way or stuck.
public struct DatasetView: Sendable, Equatable {
  public var configuration: DatasetConfiguration
  /// The state entry (the mounted one when the state lists the dataset twice).
  public var state: DatasetState?
  public var status: DatasetStatus
  /// The configured primary, when that node is reporting.
  public var node: Node?
  /// The node the state reports the dataset attached to (host nil when it is not in the list).
  public var attachedNode: Node?
  /// Position in the configuration list as the API returned it (Kubernetes takes the first
  /// live dataset with a name in this order).
  public var order: Int

  public init(
    configuration: DatasetConfiguration, state: DatasetState?, status: DatasetStatus,
    node: Node?, attachedNode: Node? = nil, order: Int = 0
  ) {
    self.configuration = configuration
    self.state = state
    self.status = status
    self.node = node
    self.attachedNode = attachedNode
    self.order = order
  }

  /// The record commands return and scripts read (`$ds.name`, `$ds.status`, …).
  public var value: Value {
    let c = configuration
    var r = Record([
      ("dataset_id", .string(c.datasetID)),
      ("name", .from(c.name)),
      ("status", .string(status.rawValue)),
      ("size", .from(c.maximumSize)),
      ("primary", .from(c.primary)),
      ("node", .from(c.primary.map { String($0.prefix(8)) })),
      ("host", .from(node?.host)),
      ("attached_node", .from(attachedNode?.uuid)),
      ("attached_host", .from(attachedNode.flatMap { $0.host.isEmpty ? nil : $0.host })),
      ("path", .from(state?.path)),
      ("deleted", .bool(c.deleted)),
      (
        "metadata",
        .record(Record.map(c.metadata.keys.sorted().map { ($0, Value.string(c.metadata[$0]!)) }))
      ),
    ])
    if let s = state?.maximumSize { r["actual_size"] = .int(s) }
    return .record(r)
  }
}

/// Configuration, state and nodes read together, with lookups by name, id prefix and host.
public struct ClusterView: Sendable {
  public var datasets: [DatasetView]
  public var nodes: [Node]
  /// The configuration tag that was current when the datasets were read.
  public var tag: String?

  /// Reads the three lists (see `ClusterLists.read`) and merges them.
  /// `timing`, when given, receives each phase's name and seconds (for `FSH_TIMING`).
  public static func load(
    _ client: FlockerClient, timing: ((String, Double) -> Void)? = nil
  ) throws -> ClusterView {
    func timed(_ what: String, _ body: () throws -> Void) rethrows {
      guard let timing else { return try body() }
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      if let curl = client.transport as? CurlTransport {
        let transfer = curl.lastInfo.totalTime
        timing("\(what): transfer", transfer)
        timing("\(what): decode", max(0, total - transfer))
      } else {
        timing(what, total)
      }
    }
    let lists = try ClusterLists.read(client, timing: timing, timed: timed)
    let start = DispatchTime.now().uptimeNanoseconds
    let view = ClusterView(
      configuration: lists.configuration, state: lists.state, nodes: lists.nodes, tag: lists.tag)
    timing?("merge and sort", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    return view
  }

  /// Merges configuration, state and nodes; state entries of datasets not in the configuration
  /// are not shown. A dataset the state lists twice is read from its mounted entry.
  public init(
    configuration: [DatasetConfiguration], state: [DatasetState], nodes: [Node], tag: String?
  ) {
    // Positions, not copies: a copy of an entry retains each of its strings.
    var stateByID: [String: Int] = [:]
    stateByID.reserveCapacity(state.count)
    for n in state.indices {
      // One hash an entry; a mounted entry seen before an unmounted one is put back.
      if let seen = stateByID.updateValue(n, forKey: state[n].datasetID),
        state[seen].primary != nil, state[n].primary == nil
      {
        stateByID[state[n].datasetID] = seen
      }
    }
    // A handful of nodes are compared in turn (hashing a 36-byte id per lookup costs more).
    var nodeByID: [String: Int] = [:]
    if nodes.count > 16 { for n in nodes.indices { nodeByID[nodes[n].uuid] = n } }
    func node(_ id: String) -> Node? {
      if nodes.count > 16 { return nodeByID[id].map { nodes[$0] } }
      for n in nodes.indices.reversed() where nodes[n].uuid == id { return nodes[n] }
      return nil
    }
    // Views are made in their final order (by name, then id), so no second array is made.
    var views: [DatasetView] = []
    views.reserveCapacity(configuration.count)
    for order in Self.nameOrder(configuration) {
      var c = configuration[order]
      var s = stateByID[c.datasetID].map { state[$0] }
      let configured = c.primary.flatMap { node($0) }
      let attached = s?.primary.map { node($0) ?? Node(uuid: $0, host: "") }
      // Equal strings, one storage: each decoded copy of a node id or dataset id is freed
      // with the lists (about 25 MB over 100 000 datasets).
      if let configured { c.primary = configured.uuid }
      if let attached { s?.primary = attached.uuid }
      s?.datasetID = c.datasetID
      views.append(
        DatasetView(
          configuration: c, state: s,
          status: Self.status(c, state: s, configuredNodeReporting: configured != nil),
          node: configured, attachedNode: attached, order: order))
    }
    self.datasets = views
    self.nodes = nodes.sorted { $0.uuid < $1.uuid }
    self.tag = tag
  }

  /// Positions in a stable order: by name (unnamed last), then id. The names are read once
  /// (each is a metadata lookup) and positions sorted: a profile of 100 000 datasets spent most
  /// of "merge and sort" hashing `metadata["name"]` inside the comparisons.
  static func nameOrder(_ configuration: [DatasetConfiguration]) -> [Int] {
    let names = configuration.map(\.name)
    var order = Array(configuration.indices)
    order.sort { a, b in
      let an = names[a]
      let bn = names[b]
      if an != bn {
        guard let an else { return false }
        guard let bn else { return true }
        return an < bn
      }
      return configuration[a].datasetID < configuration[b].datasetID
    }
    return order
  }

  /// The status of one dataset (see `DatasetStatus`).
  public static func status(
    _ c: DatasetConfiguration, state: DatasetState?, configuredNodeReporting: Bool
  ) -> DatasetStatus {
    if c.deleted {
      return state == nil && configuredNodeReporting ? .deleted : .deleting
    }
    guard let state else { return configuredNodeReporting ? .pending : .unknown }
    guard let attached = state.primary else { return .detached }
    return attached == c.primary ? .attached : .moving
  }

  /// How many candidates an ambiguity error lists before saying how many more there are.
  public static let candidatesShown = 8

  /// The candidates of an ambiguity, comma-separated: the first `candidatesShown`, then
  /// `and N more` so a cut list never reads as the whole one.
  static func candidates(_ items: [String]) -> String {
    let shown = items.prefix(candidatesShown).joined(separator: ", ")
    let more = items.count - candidatesShown
    return more > 0 ? shown + " and \(more) more" : shown
  }

  /// Finds one non-deleted dataset by exact name or unique id prefix (case-insensitive).
  /// With `includeDeleted`, a deleted dataset is found when nothing live matches.
  public func dataset(_ ref: String, includeDeleted: Bool = false) throws -> DatasetView {
    let live = datasets.filter { !$0.configuration.deleted }
    let byName = live.filter { $0.configuration.name == ref }
    if byName.count == 1 { return byName[0] }
    if byName.count > 1 {
      throw Diagnostic(
        "\(byName.count) datasets are named '\(ref)'", code: .ambiguous,
        notes: [
          "name one by id: "
            + byName.map { "\($0.configuration.datasetID) (\($0.status.rawValue))" }.joined(
              separator: ", ")
        ])
    }
    let prefix = ref.lowercased()
    if !prefix.isEmpty && prefix.count < ClusterView.minimumPrefix {
      // A short name is still a name: a deleted dataset called `x` is found by it.
      let deadByName = datasets.filter { $0.configuration.deleted && $0.configuration.name == ref }
      if includeDeleted, deadByName.count == 1 { return deadByName[0] }
      if !deadByName.isEmpty {
        throw Diagnostic(
          "dataset '\(ref)' was deleted", code: .notFound,
          notes: ["deleted datasets stay in the configuration; `datasets --deleted` lists them"])
      }
      let byID = live.filter { $0.configuration.datasetID.hasPrefix(prefix) }
      throw ClusterView.shortPrefix(
        ref, kind: "dataset",
        matches: byID.map {
          ($0.configuration.name.map { "\($0) " } ?? "") + $0.configuration.datasetID
        })
    }
    if !prefix.isEmpty {
      let byID = live.filter { $0.configuration.datasetID.hasPrefix(prefix) }
      if byID.count == 1 { return byID[0] }
      if byID.count > 1 {
        throw Diagnostic(
          "'\(ref)' matches \(byID.count) datasets", code: .ambiguous,
          notes: [
            "give more of the id: "
              + ClusterView.candidates(
                byID.map {
                  ($0.configuration.name.map { "\($0) " } ?? "") + $0.configuration.datasetID
                })
          ])
      }
      let dead = datasets.filter {
        $0.configuration.deleted
          && ($0.configuration.datasetID.hasPrefix(prefix) || $0.configuration.name == ref)
      }
      if includeDeleted, dead.count == 1 { return dead[0] }
      if !dead.isEmpty {
        throw Diagnostic(
          "dataset '\(ref)' was deleted", code: .notFound,
          notes: ["deleted datasets stay in the configuration; `datasets --deleted` lists them"])
      }
    }
    var notes = ["`datasets` lists them"]
    if let near = Suggest.nearest(ref, in: live.compactMap(\.configuration.name)) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    throw Diagnostic(
      "no dataset named '\(ref)' or with an id starting '\(ref)'", code: .notFound, notes: notes)
  }

  /// Finds a node by unique UUID prefix (case-insensitive) or by host IP.
  public func node(_ ref: String) throws -> Node {
    let byHost = nodes.filter { $0.host == ref }
    if byHost.count == 1 { return byHost[0] }
    if byHost.count > 1 {
      throw Diagnostic(
        "\(byHost.count) nodes report host \(ref)", code: .ambiguous,
        notes: [
          "name one by id: " + byHost.map(\.uuid).joined(separator: ", "),
          "two nodes behind one address usually means a copied node.crt; give each node its own certificate",
        ])
    }
    let prefix = ref.lowercased()
    let matches = prefix.isEmpty ? [] : nodes.filter { $0.uuid.lowercased().hasPrefix(prefix) }
    if !prefix.isEmpty && prefix.count < ClusterView.minimumPrefix {
      throw ClusterView.shortPrefix(
        ref, kind: "node", matches: matches.map { "\($0.uuid) (\($0.host))" })
    }
    if matches.count == 1 { return matches[0] }
    if matches.count > 1 {
      throw Diagnostic(
        "'\(ref)' matches \(matches.count) nodes", code: .ambiguous,
        notes: [
          "give more of the id: "
            + ClusterView.candidates(matches.map { "\($0.uuid) (\($0.host))" })
        ])
    }
    throw Diagnostic(
      "no node with an id starting '\(ref)' or with host '\(ref)'", code: .notFound,
      notes: [
        nodes.isEmpty
          ? "no node is reporting to the control service; are the dataset agents running?"
          : "nodes: " + nodes.map { "\($0.uuid.prefix(8)) (\($0.host))" }.joined(separator: ", ")
      ])
  }

  /// The fewest characters of an id that name a dataset or node (git's shortest abbreviation):
  /// `destroy 1 --yes` must not pick whichever dataset happens to start with '1'.
  public static let minimumPrefix = 4

  static func shortPrefix(_ ref: String, kind: String, matches: [String]) -> Diagnostic {
    var notes = ["give at least \(minimumPrefix) characters of the \(kind) id"]
    if matches.isEmpty {
      notes.append("no \(kind) id starts with '\(ref)'")
    } else {
      notes.append(
        "ids starting with '\(ref)': "
          + matches.prefix(8).joined(separator: ", ") + (matches.count > 8 ? ", …" : ""))
    }
    return Diagnostic(
      "id prefix '\(ref)' is too short to name a \(kind)", code: .usage, notes: notes)
  }

  /// Words for completion: dataset names and short ids, node short ids and hosts.
  public var completionWords: (datasets: [String], nodes: [String]) {
    var d: [String] = []
    d.reserveCapacity(2 * datasets.count)
    for i in datasets.indices where !datasets[i].configuration.deleted {
      if let n = datasets[i].configuration.name { d.append(n) }
      d.append(Datasets.shortID(datasets[i].configuration.datasetID))
    }
    let n = nodes.flatMap { [String($0.uuid.prefix(8)), $0.host] }
    return (d, n)
  }
}
