// The API's models read straight from bytes (FshJSON's `JSONPullDecodable`) and written as
// `JSONText`, with the API's field names: the client and the fsh ⇄ fsh-sandbox pipe share them.
import FshJSON

extension VersionInfo: JSONPullDecodable {
  package init(json r: inout JSONParser) throws {
    let at = r.i
    var v: String?
    try r.object { r, k in if k == "flocker" { v = try r.string(k) } else { try r.skipValue() } }
    guard let v else { throw JSONParser.missing("flocker", at) }
    self.init(flocker: v)
  }
}

extension DatasetConfiguration: JSONPullDecodable {
  package static let keys = JSONKeys([
    "dataset_id", "primary", "deleted", "metadata", "maximum_size",
  ])

  package init(json r: inout JSONParser) throws {
    let at = r.i
    var id: String?
    var primary: String?
    var deleted = false
    var metadata: [String: String] = [:]
    var size: Int?
    let keys = Self.keys
    try r.object(keys: keys) { r, k in
      switch k {
      case 0: id = try r.string(keys.names[0])
      case 1: primary = try r.optionalInternedString(keys.names[1])
      case 2: deleted = try r.bool(keys.names[2])
      case 3: metadata = r.isNull() ? [:] : try r.stringMap(keys.names[3])
      case 4: size = try r.size(keys.names[4])
      default: try r.skipValue()
      }
    }
    guard let id else { throw JSONParser.missing("dataset_id", at) }
    self.init(
      datasetID: id, primary: primary, deleted: deleted, metadata: metadata, maximumSize: size)
  }
}

extension DatasetState: JSONPullDecodable {
  package static let keys = JSONKeys(["dataset_id", "primary", "path", "maximum_size"])

  package init(json r: inout JSONParser) throws {
    let at = r.i
    var id: String?
    var primary: String?
    var path: String?
    var size: Int?
    let keys = Self.keys
    try r.object(keys: keys) { r, k in
      switch k {
      case 0: id = try r.string(keys.names[0])
      case 1: primary = try r.optionalInternedString(keys.names[1])
      case 2: path = try r.optionalString(keys.names[2])
      case 3: size = try r.size(keys.names[3])
      default: try r.skipValue()
      }
    }
    guard let id else { throw JSONParser.missing("dataset_id", at) }
    self.init(datasetID: id, primary: primary, path: path, maximumSize: size)
  }
}

extension Node: JSONPullDecodable {
  package init(json r: inout JSONParser) throws {
    let at = r.i
    var uuid: String?
    var host: String?
    try r.object { r, k in
      switch k {
      case "uuid": uuid = try r.string(k)
      case "host": host = try r.string(k)
      default: try r.skipValue()
      }
    }
    guard let uuid else { throw JSONParser.missing("uuid", at) }
    guard let host else { throw JSONParser.missing("host", at) }
    self.init(uuid: uuid, host: host)
  }
}

extension Lease: JSONPullDecodable {
  package init(json r: inout JSONParser) throws {
    let at = r.i
    var id: String?
    var node: String?
    var expires: Double?
    try r.object { r, k in
      switch k {
      case "dataset_id": id = try r.string(k)
      case "node_uuid": node = try r.string(k)
      case "expires": expires = try r.number(k)
      default: try r.skipValue()
      }
    }
    guard let id else { throw JSONParser.missing("dataset_id", at) }
    guard let node else { throw JSONParser.missing("node_uuid", at) }
    self.init(datasetID: id, nodeUUID: node, expires: expires)
  }
}

extension Lease {
  /// `expires` is required by the API, so `null` is written for a lease that never expires.
  package var jsonText: JSONText {
    .object([
      ("dataset_id", .string(datasetID)), ("node_uuid", .string(nodeUUID)),
      ("expires", expires.map(JSONText.double) ?? .null),
    ])
  }
}
