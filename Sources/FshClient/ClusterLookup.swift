import FshModel

// Finding one dataset or node by what a person types: a name, an id prefix or a host. A failure
// is data (`ClusterView.LookupError`); the program using the client words it and names the fix.

extension ClusterView {
  /// Why a reference named nothing, or more than one thing.
  public enum LookupError: Error, Sendable {
    /// Which kind of thing a reference was looking for.
    public enum Kind: String, Sendable { case dataset, node }

    /// Several live datasets carry the name.
    case sameName(String, [DatasetView])
    /// The reference names only deleted datasets (and deleted ones were not asked for).
    case deleted(String)
    /// An id prefix shorter than `minimumPrefix`; `matches` describes what it starts.
    case shortPrefix(String, kind: Kind, matches: [String])
    /// An id prefix that starts several ids; `matches` describes each.
    case ambiguousPrefix(String, kind: Kind, matches: [String])
    /// Several nodes report the host.
    case sameHost(String, [Node])
    /// No dataset has the name or an id starting with it; `names` are the live datasets' names.
    case noDataset(String, names: [String])
    /// No node has an id starting with the reference or the host; `nodes` are those reporting.
    case noNode(String, nodes: [Node])
  }

  /// How many candidates an ambiguity lists before saying how many more there are.
  package static let candidatesShown = 8

  /// The candidates of an ambiguity, comma-separated: the first `candidatesShown`, then
  /// `and N more` so a cut list never reads as the whole one.
  package static func candidates(_ items: [String]) -> String {
    let shown = items.prefix(candidatesShown).joined(separator: ", ")
    let more = items.count - candidatesShown
    return more > 0 ? shown + " and \(more) more" : shown
  }

  /// Finds one non-deleted dataset by exact name or unique id prefix (case-insensitive).
  /// With `includeDeleted`, a deleted dataset is found when nothing live matches. Throws
  /// `LookupError`.
  public func dataset(_ ref: String, includeDeleted: Bool = false) throws -> DatasetView {
    // Positions, not copies: a lookup in a 10 000-dataset cluster copies no view but its answer
    // (a drain of a node resolves one name per move).
    func matching(_ keep: (DatasetConfiguration) -> Bool) -> [DatasetView] {
      var out: [DatasetView] = []
      for i in datasets.indices where keep(datasets[i].configuration) { out.append(datasets[i]) }
      return out
    }
    let byName = matching { !$0.deleted && $0.name == ref }
    if byName.count == 1 { return byName[0] }
    if byName.count > 1 { throw LookupError.sameName(ref, byName) }
    let prefix = ref.lowercased()
    func described(_ v: DatasetView) -> String {
      (v.configuration.name.map { "\($0) " } ?? "") + v.configuration.datasetID
    }
    // Only a word that could start an id is read as one: `xyz` is a name, never an id prefix.
    let idLike = !prefix.isEmpty && prefix.allSatisfy { $0.isHexDigit || $0 == "-" }
    if idLike && prefix.count < ClusterView.minimumPrefix {
      // A short name is still a name: a deleted dataset called `x` is found by it.
      let deadByName = matching { $0.deleted && $0.name == ref }
      if includeDeleted, deadByName.count == 1 { return deadByName[0] }
      if !deadByName.isEmpty { throw LookupError.deleted(ref) }
      let byID = matching { !$0.deleted && $0.datasetID.hasPrefix(prefix) }
      throw LookupError.shortPrefix(ref, kind: .dataset, matches: byID.map(described))
    }
    if !prefix.isEmpty {
      let byID = matching { !$0.deleted && $0.datasetID.hasPrefix(prefix) }
      if byID.count == 1 { return byID[0] }
      if byID.count > 1 {
        throw LookupError.ambiguousPrefix(ref, kind: .dataset, matches: byID.map(described))
      }
      let dead = matching { $0.deleted && ($0.datasetID.hasPrefix(prefix) || $0.name == ref) }
      if includeDeleted, dead.count == 1 { return dead[0] }
      if !dead.isEmpty { throw LookupError.deleted(ref) }
    }
    throw LookupError.noDataset(
      ref, names: datasets.compactMap { $0.configuration.deleted ? nil : $0.configuration.name })
  }

  /// Finds a node by unique UUID prefix (case-insensitive) or by host IP. Throws `LookupError`.
  public func node(_ ref: String) throws -> Node {
    let byHost = nodes.filter { $0.host == ref }
    if byHost.count == 1 { return byHost[0] }
    if byHost.count > 1 { throw LookupError.sameHost(ref, byHost) }
    let prefix = ref.lowercased()
    let matches = prefix.isEmpty ? [] : nodes.filter { $0.uuid.lowercased().hasPrefix(prefix) }
    let described = matches.map { "\($0.uuid) (\($0.host))" }
    if !prefix.isEmpty && prefix.count < ClusterView.minimumPrefix {
      throw LookupError.shortPrefix(ref, kind: .node, matches: described)
    }
    if matches.count == 1 { return matches[0] }
    if matches.count > 1 { throw LookupError.ambiguousPrefix(ref, kind: .node, matches: described) }
    throw LookupError.noNode(ref, nodes: nodes)
  }

  /// The fewest characters of an id that name a dataset or node (git's shortest abbreviation):
  /// `destroy 1 --yes` must not pick whichever dataset happens to start with '1'.
  package static let minimumPrefix = 4
}
