// The configuration and state as the control service writes them: the JSON lists (with their
// cached bytes), the configuration tag, the persisted file.

import COpenSSL
import Foundation

extension ClusterModel {
  /// `GET /v1/configuration/datasets` body (cached until the next change), in Flocker's order:
  /// by node, then by dataset, each in hash order (`control/httpapi.py` iterates a set of nodes
  /// and a map of manifestations). Python's hash order is effectively unpredictable; a stable
  /// hash of the node uuid and of the dataset id gives the same kind of order, reproducibly, and
  /// it changes when a dataset moves.
  func configurationDatasetsBody() -> [UInt8] {
    if let configurationBody { return configurationBody }
    var total = 2
    var keyed: [(node: UInt64, dataset: UInt64, position: Int)] = []
    keyed.reserveCapacity(records.count)
    var nodeHashes: [String: UInt64] = [:]
    for position in records.indices where !records[position].orphan {
      total += records[position].configJSON.count + 2
      if records[position].idHash == 0 {
        records[position].idHash = stableHash(records[position].id)
      }
      let primary = records[position].primary
      let nodeHash = nodeHashes[primary] ?? stableHash(primary)
      nodeHashes[primary] = nodeHash
      keyed.append((nodeHash, records[position].idHash, position))
    }
    keyed.sort { ($0.node, $0.dataset, $0.position) < ($1.node, $1.dataset, $1.position) }
    var out: [UInt8] = []
    out.reserveCapacity(total)
    out.append(UInt8(ascii: "["))
    var first = true
    for key in keyed {
      let record = records[key.position]
      if !first { appendASCII(", ", to: &out) }
      first = false
      out.append(contentsOf: record.configJSON)
    }
    out.append(UInt8(ascii: "]"))
    configurationBody = out
    return out
  }

  /// `GET /v1/state/datasets` body: what the reporting agents know, mounted volumes first and
  /// the rest (mounted nowhere, listed without `primary`/`path`) after them, as Flocker lists
  /// non-manifest datasets last. Cached until the state changes; under churn every read differs.
  func stateDatasetsBody() -> [UInt8] {
    if churn != nil { return churnedStateBody() }
    if let stateBody { return stateBody }
    var out: [UInt8] = [UInt8(ascii: "[")]
    var first = true
    for mounted in [true, false] {
      for record in records {
        guard let state = record.state, isVisible(state) else { continue }
        if case .mounted = state.stage {
          guard mounted else { continue }
        } else if mounted {
          continue
        }
        if !first { appendASCII(", ", to: &out) }
        first = false
        out.append(contentsOf: record.stateJSON)
      }
    }
    out.append(UInt8(ascii: "]"))
    stateBody = out
    return out
  }

  /// The persisted configuration document.
  func serializedConfiguration() -> [UInt8] {
    if let serialized { return serialized }
    var out: [UInt8] = []
    out.reserveCapacity((configurationBody?.count ?? records.count * 160) + 256)
    appendASCII("{\"version\": 1, \"datasets\": ", to: &out)
    out.append(contentsOf: configurationDatasetsBody())
    appendASCII(", \"leases\": [", to: &out)
    for (position, lease) in leases.enumerated() {
      if position > 0 { appendASCII(", ", to: &out) }
      appendASCII("{\"dataset_id\": ", to: &out)
      appendJSONString(lease.datasetID, to: &out)
      appendASCII(", \"node_uuid\": ", to: &out)
      appendJSONString(lease.nodeUUID, to: &out)
      appendASCII(", \"expiration\": ", to: &out)
      if let expiration = lease.expiration {
        out.append(contentsOf: pythonFloatRepr(expiration).utf8)
      } else {
        appendASCII("null", to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
    appendASCII("]}\n", to: &out)
    serialized = out
    return out
  }

  /// `X-Configuration-Tag`: 32 hex chars that change whenever the serialized configuration
  /// does, and only then. Clients treat it as opaque (they send it back in
  /// `X-If-Configuration-Matches`), so the first half of a SHA-256 serves as well as Flocker's
  /// MurmurHash3 x64 128, and OpenSSL already has it.
  func tag() -> String {
    if let cachedTag { return cachedTag }
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    let configuration = serializedConfiguration()
    _ = configuration.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
    let tag = digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    cachedTag = tag
    return tag
  }

  static func configJSON(_ record: DatasetRecord) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(160)
    appendASCII("{\"dataset_id\": ", to: &out)
    appendJSONString(record.id, to: &out)
    appendASCII(", \"primary\": ", to: &out)
    appendJSONString(record.primary, to: &out)
    if let huge = record.hugeSize {
      appendASCII(", \"maximum_size\": ", to: &out)
      out.append(contentsOf: huge.utf8)
    } else if let size = record.maximumSize {
      appendASCII(", \"maximum_size\": ", to: &out)
      appendInteger(size, to: &out)
    }
    appendASCII(", \"metadata\": {", to: &out)
    for (position, (key, value)) in record.metadata.enumerated() {
      if position > 0 { appendASCII(", ", to: &out) }
      appendJSONString(key, to: &out)
      appendASCII(": ", to: &out)
      appendJSONString(value, to: &out)
    }
    appendASCII("}, \"deleted\": ", to: &out)
    record.deleted ? appendASCII("true}", to: &out) : appendASCII("false}", to: &out)
    return out
  }

  static func stateJSON(id: String, state: StateRecord) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(160)
    appendASCII("{\"dataset_id\": ", to: &out)
    appendJSONString(id, to: &out)
    if case .mounted(let primary) = state.stage {
      appendASCII(", \"primary\": ", to: &out)
      appendJSONString(primary, to: &out)
    }
    appendASCII(", \"maximum_size\": ", to: &out)
    appendInteger(state.size, to: &out)
    if case .mounted = state.stage {
      appendASCII(", \"path\": ", to: &out)
      appendJSONString("/flocker/" + id, to: &out)
    }
    out.append(UInt8(ascii: "}"))
    return out
  }
}
