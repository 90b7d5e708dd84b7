// The cluster view in fsh's words: a dataset as the record scripts read, and a failed lookup
// as a diagnostic that names the fsh command to run.
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// The fields of a dataset's record, declared once and in their order: the record scripts read
/// (`DatasetView.value`), the fast listing's JSON (`DatasetRows`) and the table's columns all
/// name them from here.
package enum DatasetField: String, CaseIterable, Sendable {
  case datasetID = "dataset_id", name, status, size, primary, node, host
  case attachedNode = "attached_node", attachedHost = "attached_host", path, deleted, metadata
  /// Only when the state reports the size the backend made.
  case actualSize = "actual_size"

  /// The key in the record and in JSON.
  package var key: String { rawValue }

  /// Each field's position in the record, by key.
  package static let position: [String: Int] = Dictionary(
    uniqueKeysWithValues: allCases.enumerated().map { ($1.rawValue, $0) })
}

extension DatasetView {
  /// The record commands return and scripts read (`$ds.name`, `$ds.status`, …).
  package var value: Value {
    var fields: [(String, Value)] = []
    fields.reserveCapacity(DatasetField.allCases.count)
    for f in DatasetField.allCases {
      if let v = self[f] { fields.append((f.key, v)) }
    }
    return .record(Record(fields))
  }

  /// A field's value; nil leaves it out of the record (`actual_size` when unknown).
  package subscript(field: DatasetField) -> Value? {
    let c = configuration
    switch field {
    case .datasetID: return .string(c.datasetID)
    case .name: return .from(c.name)
    case .status: return .string(status.rawValue)
    case .size: return .from(c.maximumSize)
    case .primary: return .from(c.primary)
    case .node: return .from(c.primary.map { String($0.prefix(8)) })
    case .host: return .from(node?.host)
    case .attachedNode: return .from(attachedNode?.uuid)
    case .attachedHost: return .from(attachedNode.flatMap { $0.host.isEmpty ? nil : $0.host })
    case .path: return .from(state?.path)
    case .deleted: return .bool(c.deleted)
    case .metadata:
      return .record(
        Record.map(c.metadata.keys.sorted().map { ($0, Value.string(c.metadata[$0]!)) }))
    case .actualSize: return state?.maximumSize.map { .int($0) }
    }
  }
}

extension Diagnostic {
  /// A failed lookup as fsh says it, with the command that lists what there is.
  package init(_ e: ClusterView.LookupError) {
    switch e {
    case .sameName(let ref, let views):
      self.init(
        "\(views.count) datasets are named '\(ref)'", code: .ambiguous,
        notes: [
          "name one by id: "
            + views.map { "\($0.configuration.datasetID) (\($0.status.rawValue))" }.joined(
              separator: ", ")
        ])
    case .deleted(let ref):
      self.init(
        "dataset '\(ref)' was deleted", code: .notFound,
        notes: ["deleted datasets stay in the configuration; `datasets --deleted` lists them"])
    case .shortPrefix(let ref, let kind, let matches):
      var notes = [
        "an id prefix needs at least \(ClusterView.minimumPrefix) characters: '\(ref)' is too "
          + "short to name a \(kind.rawValue) by its id"
      ]
      if !matches.isEmpty {
        notes.append(
          "ids starting with '\(ref)': "
            + matches.prefix(8).joined(separator: ", ") + (matches.count > 8 ? ", …" : ""))
      }
      let what = kind == .dataset ? "no dataset named '\(ref)'" : "no node with host '\(ref)'"
      self.init(what, code: .notFound, notes: notes)
    case .ambiguousPrefix(let ref, let kind, let matches):
      self.init(
        "'\(ref)' matches \(matches.count) \(kind.rawValue)s", code: .ambiguous,
        notes: ["give more of the id: " + ClusterView.candidates(matches)])
    case .sameHost(let ref, let nodes):
      self.init(
        "\(nodes.count) nodes report host \(ref)", code: .ambiguous,
        notes: [
          "name one by id: " + nodes.map(\.uuid).joined(separator: ", "),
          "two nodes behind one address usually means a copied node.crt; give each node its own certificate",
        ])
    case .noDataset(let ref, let names):
      var notes = ["`datasets` lists them"]
      if let near = Suggest.nearest(ref, in: names) {
        notes.insert("did you mean '\(near)'?", at: 0)
      }
      if ref.count >= ClusterView.minimumPrefix,
        ref.allSatisfy({ $0.isHexDigit || $0 == "-" })
      {
        notes.insert("and no dataset id starts with '\(ref)'", at: 0)
      }
      self.init("no dataset named '\(ref)'", code: .notFound, notes: notes)
    case .noNode(let ref, let nodes):
      self.init(
        "no node with an id starting '\(ref)' or with host '\(ref)'", code: .notFound,
        notes: [
          nodes.isEmpty
            ? "no node is reporting to the control service; are the dataset agents running?"
            : "nodes: " + nodes.map { "\($0.uuid.prefix(8)) (\($0.host))" }.joined(separator: ", ")
        ])
    }
  }
}
