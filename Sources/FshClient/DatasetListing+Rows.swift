// A listing's rows field by field: as strings and models for whoever needs them (a script
// capturing the listing, a filter), and as bytes for the formatter that writes 100 000 rows.
import FshJSON
import FshModel

extension DatasetListing {
  private func c(_ r: Int) -> Int { Int(order[r]) }

  /// Row `r` as `ClusterView` has it (`datasets[r]`).
  package func view(_ r: Int) -> DatasetView {
    let n = c(r)
    let primary = configuration.primaries[n]
    let id = datasetID(r)
    let config = DatasetConfiguration(
      datasetID: id, primary: primary < 0 ? nil : primaries[Int(primary)],
      deleted: configuration.flags[n].contains(.deleted), metadata: metadata(r),
      maximumSize: size(r))
    var entry: DatasetState? = nil
    let s = Int(stateRow[r])
    if s >= 0 {
      entry = DatasetState(
        datasetID: id, primary: attachedNode(r)?.uuid,
        path: state.string(state.paths[s]), maximumSize: actualSize(r))
    }
    return DatasetView(
      configuration: config, state: entry, status: statuses[r], node: configuredNode(r),
      attachedNode: attachedNode(r), order: n)
  }

  package func datasetID(_ r: Int) -> String { configuration.string(configuration.ids[c(r)])! }
  package func name(_ r: Int) -> String? { configuration.string(configuration.names[c(r)]) }
  package func metadata(_ r: Int) -> [String: String] { configuration.metadataMap(c(r)) }
  /// Whether the metadata has keys other than `name`.
  package func hasOtherMetadata(_ r: Int) -> Bool { !configuration.metadata[c(r)].isNone }
  package func isDeleted(_ r: Int) -> Bool { configuration.flags[c(r)].contains(.deleted) }
  package func size(_ r: Int) -> Int? {
    configuration.flags[c(r)].contains(.hasSize) ? configuration.sizes[c(r)] : nil
  }
  /// The configured primary, -1 for none: the same number for the same node in every row.
  package func primaryNumber(_ r: Int) -> Int { Int(configuration.primaries[c(r)]) }
  package func primary(_ r: Int) -> String? {
    let p = primaryNumber(r)
    return p < 0 ? nil : primaries[p]
  }
  /// The configured primary when that node is reporting.
  package func configuredNode(_ r: Int) -> Node? {
    let p = primaryNumber(r)
    return p < 0 ? nil : configuredNodes[p]
  }
  /// The node the state has the dataset attached to, -1 for none (see `primaryNumber`).
  package func attachedNumber(_ r: Int) -> Int {
    let s = Int(stateRow[r])
    return s < 0 ? -1 : Int(state.primaries[s])
  }
  /// How many distinct nodes `attachedNumber` numbers.
  package var attachedNodeCount: Int { attachedNodes.count }
  /// How many configured primaries the rows number (`primaryNumber` is below it).
  package var configuredNodeCount: Int { primaries.count }
  package func attachedNode(_ r: Int) -> Node? {
    let a = attachedNumber(r)
    return a < 0 ? nil : attachedNodes[a]
  }
  package func path(_ r: Int) -> String? {
    let s = Int(stateRow[r])
    return s < 0 ? nil : state.string(state.paths[s])
  }
  package func actualSize(_ r: Int) -> Int? {
    let s = Int(stateRow[r])
    return s >= 0 && state.flags[s].contains(.hasSize) ? state.sizes[s] : nil
  }

  // MARK: Bytes

  /// Appends the dataset id's UTF-8; true when every byte is printable ASCII.
  package func appendID(_ r: Int, to out: inout [UInt8]) -> Bool {
    let n = c(r)
    out.append(configuration.bytes, configuration.ids[n].range)
    return configuration.flags[n].contains(.idPlain)
  }

  /// Appends the first eight characters of the id when they are eight printable ASCII bytes
  /// followed by an ASCII byte (or nothing): `ClusterView.shortID`'s fast case. False: nothing
  /// appended, use `shortID(datasetID(r))`.
  package func appendShortID(_ r: Int, to out: inout [UInt8]) -> Bool {
    let n = c(r)
    guard configuration.flags[n].contains(.idPlain) else { return false }
    let range = configuration.ids[n].range
    out.append(configuration.bytes, range.prefix(8))
    return true
  }

  /// Appends the name's UTF-8 (nothing when there is none: see `hasName`); true when every
  /// byte is printable ASCII.
  package func appendName(_ r: Int, to out: inout [UInt8]) -> Bool {
    let n = c(r)
    let span = configuration.names[n]
    if span.isNone { return true }
    out.append(configuration.bytes, span.range)
    return configuration.flags[n].contains(.textPlain)
  }
  package func hasName(_ r: Int) -> Bool { !configuration.names[c(r)].isNone }

  /// Appends the path's UTF-8 (nothing when there is none: see `hasPath`).
  package func appendPath(_ r: Int, to out: inout [UInt8]) -> Bool {
    let s = Int(stateRow[r])
    guard s >= 0, !state.paths[s].isNone else { return true }
    out.append(state.bytes, state.paths[s].range)
    return state.flags[s].contains(.textPlain)
  }
  package func hasPath(_ r: Int) -> Bool {
    let s = Int(stateRow[r])
    return s >= 0 && !state.paths[s].isNone
  }

  /// Words for completion, as `ClusterView.completionWords`.
  package var completionWords: (datasets: [String], nodes: [String]) {
    var d: [String] = []
    d.reserveCapacity(2 * count)
    for r in 0..<count where !isDeleted(r) {
      if let n = name(r) { d.append(n) }
      let n = c(r)
      if configuration.flags[n].contains(.idPlain) {
        d.append(
          String(decoding: configuration.bytes[configuration.ids[n].range.prefix(8)], as: UTF8.self)
        )
      } else {
        d.append(ClusterView.shortID(datasetID(r)))
      }
    }
    return (d, nodes.flatMap { [String($0.uuid.prefix(8)), $0.host] })
  }
}

extension [UInt8] {
  /// Appends `bytes[range]` (through a pointer: a slice would retain and release the array).
  fileprivate mutating func append(_ bytes: [UInt8], _ range: Range<Int>) {
    bytes.withUnsafeBufferPointer { append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
  }
}
