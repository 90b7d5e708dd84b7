import Foundation
import FshModel

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
    let lists = try ClusterLists.read(
      client, timing: timing, timed: timed(client, timing),
      configuration: { c, _ in try c.configurationDatasets() },
      state: { c, _ in try c.stateDatasets() })
    let start = DispatchTime.now().uptimeNanoseconds
    let view = ClusterView(
      configuration: lists.configuration, state: lists.state, nodes: lists.nodes, tag: lists.tag)
    timing?("merge and sort", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    return view
  }

  /// Runs `body`, giving `timing` its transfer and decoding times.
  static func timed(_ client: FlockerClient, _ timing: ((String, Double) -> Void)?) -> (
    String, () throws -> Void
  ) throws -> Void {
    { what, body in
      guard let timing else { return try body() }
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      if let transfer = client.transport.lastTransfer?.totalTime {
        timing("\(what): transfer", transfer)
        timing("\(what): decode", max(0, total - transfer))
      } else {
        timing(what, total)
      }
    }
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

  /// Positions in a stable order: by name (unnamed last), then id, each compared as its NFC
  /// form's UTF-8 bytes. (`String`'s `<` is not a consistent order across canonically
  /// equivalent text: "\u{212A}elvin-783" equals "Kelvin-783", which sorts before
  /// "Kelvin-7831", yet `<` puts "Kelvin-7831" first; NFC bytes order them as `==` sees them.)
  /// The keys are made once, not inside the comparisons.
  static func nameOrder(_ configuration: [DatasetConfiguration]) -> [Int] {
    let names = configuration.map { $0.name.map(nfcBytes) }
    let ids = configuration.map { nfcBytes($0.datasetID) }
    var order = Array(configuration.indices)
    order.sort { a, b in
      let an = names[a]
      let bn = names[b]
      if an != bn {
        guard let an else { return false }
        guard let bn else { return true }
        return an.lexicographicallyPrecedes(bn)
      }
      return ids[a].lexicographicallyPrecedes(ids[b])
    }
    return order
  }

  /// The UTF-8 of `s`'s NFC form (ASCII is its own).
  static func nfcBytes(_ s: String) -> [UInt8] {
    s.utf8.allSatisfy { $0 < 0x80 }
      ? Array(s.utf8) : Array(s.precomposedStringWithCanonicalMapping.utf8)
  }

  /// The status of one dataset (see `DatasetStatus`).
  package static func status(
    _ c: DatasetConfiguration, state: DatasetState?, configuredNodeReporting: Bool
  ) -> DatasetStatus {
    DatasetStatus.rule(
      deleted: c.deleted, listed: state != nil, configuredNodeReporting: configuredNodeReporting,
      mounted: state?.primary != nil, onConfiguredNode: state?.primary == c.primary)
  }

  /// Words for completion: dataset names and short ids, node short ids and hosts.
  package var completionWords: (datasets: [String], nodes: [String]) {
    var d: [String] = []
    d.reserveCapacity(2 * datasets.count)
    for i in datasets.indices where !datasets[i].configuration.deleted {
      if let n = datasets[i].configuration.name { d.append(n) }
      d.append(ClusterView.shortID(datasets[i].configuration.datasetID))
    }
    let n = nodes.flatMap { [String($0.uuid.prefix(8)), $0.host] }
    return (d, n)
  }
}
