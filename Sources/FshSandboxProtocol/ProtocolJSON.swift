// The protocol's messages as JSON, through FshJSON as every other JSON of fsh: each writes itself
// as `JSONText` (a nil field left out) and reads itself with the pull parser (an unknown key
// skipped, a missing required one an error naming it). Bodies travel as base64 strings.
import Foundation
import FshJSON
import FshModel

/// A line of the pipe.
package protocol PipeMessage: JSONPullDecodable {
  var jsonText: JSONText { get }
}

/// An object's fields in order, the nil ones left out.
private struct Fields {
  var list: [(String, JSONText)] = []
  mutating func add(_ key: String, _ value: JSONText?) {
    if let value { list.append((key, value)) }
  }
  var object: JSONText { .object(list) }
}

extension JSONParser {
  fileprivate mutating func optionalBool(_ key: String) throws -> Bool? {
    isNull() ? nil : try bool(key)
  }
  fileprivate mutating func base64(_ key: String) throws -> Data {
    let at = i
    guard let data = Data(base64Encoded: try string(key)) else {
      throw Failure(message: "'\(key)' is not base64", offset: at)
    }
    return data
  }
  /// Reads an object whose required `keys` must all be present.
  fileprivate mutating func fields(
    required keys: [String], _ field: (inout JSONParser, String) throws -> Void
  ) throws {
    let at = i
    var seen = Set<String>()
    try object { r, k in
      seen.insert(k)
      try field(&r, k)
    }
    if let missing = keys.first(where: { !seen.contains($0) }) {
      throw JSONParser.missing(missing, at)
    }
  }
}

extension SandboxStart: PipeMessage {
  package var jsonText: JSONText {
    var f = Fields()
    f.add("directory", .string(directory))
    f.add("port", port.map(JSONText.int))
    f.add("nodeCount", nodeCount.map(JSONText.int))
    f.add("convergenceDelay", convergenceDelay.map(JSONText.double))
    f.add("seedDatasets", seedDatasets.map(JSONText.int))
    f.add("keyBits", keyBits.map(JSONText.int))
    f.add("latency", latency.map(JSONText.double))
    f.add("failEvery", failEvery.map(JSONText.int))
    f.add("dropEvery", dropEvery.map(JSONText.int))
    f.add("faultRate", faultRate.map(JSONText.double))
    // A seed may be above Int.max, which a JSON number read as Int would not hold.
    f.add("churnSeed", churnSeed.map { .string(String($0)) })
    f.add("persist", persist.map(JSONText.bool))
    f.add("pace", pace.map(JSONText.string))
    f.add("paceScale", paceScale.map(JSONText.double))
    f.add("stateExpiry", stateExpiry.map(JSONText.double))
    f.add("maxVolumeSize", maxVolumeSize.map { .int(Int($0)) })
    f.add("kindReports", kindReports.map(JSONText.bool))
    f.add("ownerPID", ownerPID.map { .int(Int($0)) })
    f.add("ownerCommand", ownerCommand.map(JSONText.string))
    f.add("seed", seed?.jsonText)
    f.add("waitForAgents", .bool(waitForAgents))
    return f.object
  }

  package init(json r: inout JSONParser) throws {
    var start = SandboxStart(directory: "", waitForAgents: false)
    try r.fields(required: ["directory", "waitForAgents"]) { r, k in
      switch k {
      case "directory": start.directory = try r.string(k)
      case "port": start.port = try r.integer(k)
      case "nodeCount": start.nodeCount = try r.integer(k)
      case "convergenceDelay": start.convergenceDelay = try r.number(k)
      case "seedDatasets": start.seedDatasets = try r.integer(k)
      case "keyBits": start.keyBits = try r.integer(k)
      case "latency": start.latency = try r.number(k)
      case "failEvery": start.failEvery = try r.integer(k)
      case "dropEvery": start.dropEvery = try r.integer(k)
      case "faultRate": start.faultRate = try r.number(k)
      case "churnSeed":
        let at = r.i
        if let text = try r.optionalString(k) {
          guard let seed = UInt64(text) else {
            throw JSONParser.Failure(message: "'\(k)' is not a 64-bit seed", offset: at)
          }
          start.churnSeed = seed
        }
      case "persist": start.persist = try r.optionalBool(k)
      case "pace": start.pace = try r.optionalString(k)
      case "paceScale": start.paceScale = try r.number(k)
      case "stateExpiry": start.stateExpiry = try r.number(k)
      case "maxVolumeSize": start.maxVolumeSize = try r.integer(k).map(Int64.init)
      case "kindReports": start.kindReports = try r.optionalBool(k)
      case "ownerPID": start.ownerPID = try r.integer(k).map { Int32(truncatingIfNeeded: $0) }
      case "ownerCommand": start.ownerCommand = try r.optionalString(k)
      case "seed": start.seed = r.isNull() ? nil : try SandboxCopySeed(json: &r)
      case "waitForAgents": start.waitForAgents = try r.bool(k)
      default: try r.skipValue()
      }
    }
    self = start
  }
}

extension SandboxCopySeed: PipeMessage {
  package var jsonText: JSONText {
    .object([
      ("version", .string(version)),
      ("nodes", .array(nodes.map(\.jsonText))),
      ("datasets", .array(datasets.map(\.jsonText))),
      ("state", .array(state.map(\.jsonText))),
      ("leases", .array(leases.map(\.jsonText))),
    ])
  }

  package init(json r: inout JSONParser) throws {
    var version = ""
    var nodes: [Node] = []
    var datasets: [Dataset] = []
    var state: [StateEntry] = []
    var leases: [Lease] = []
    try r.fields(required: ["version", "nodes", "datasets", "state", "leases"]) { r, k in
      switch k {
      case "version": version = try r.string(k)
      case "nodes": nodes = try r.array(of: Node.self)
      case "datasets": datasets = try r.array(of: Dataset.self)
      case "state": state = try r.array(of: StateEntry.self)
      case "leases": leases = try r.array(of: Lease.self)
      default: try r.skipValue()
      }
    }
    self.init(version: version, nodes: nodes, datasets: datasets, state: state, leases: leases)
  }
}

extension SandboxCopySeed.Node: JSONPullDecodable {
  var jsonText: JSONText {
    var f = Fields()
    f.add("uuid", .string(uuid))
    f.add("host", .string(host))
    f.add("era", era.map(JSONText.string))
    return f.object
  }

  package init(json r: inout JSONParser) throws {
    var node = Self(uuid: "", host: "")
    try r.fields(required: ["uuid", "host"]) { r, k in
      switch k {
      case "uuid": node.uuid = try r.string(k)
      case "host": node.host = try r.string(k)
      case "era": node.era = try r.optionalString(k)
      default: try r.skipValue()
      }
    }
    self = node
  }
}

extension SandboxCopySeed.Dataset: JSONPullDecodable {
  var jsonText: JSONText {
    var f = Fields()
    f.add("id", .string(id))
    f.add("primary", .string(primary))
    f.add("maximumSize", maximumSize.map(JSONText.int))
    f.add("hugeSize", hugeSize.map(JSONText.string))
    f.add(
      "metadata",
      .array(metadata.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) }))
    f.add("deleted", .bool(deleted))
    return f.object
  }

  package init(json r: inout JSONParser) throws {
    var d = Self(id: "", primary: "", maximumSize: nil, metadata: [], deleted: false)
    try r.fields(required: ["id", "primary", "metadata", "deleted"]) { r, k in
      switch k {
      case "id": d.id = try r.string(k)
      case "primary": d.primary = try r.string(k)
      case "maximumSize": d.maximumSize = try r.integer(k)
      case "hugeSize": d.hugeSize = try r.optionalString(k)
      case "metadata":
        try r.elements { r in
          var key = ""
          var value = ""
          try r.fields(required: ["key", "value"]) { r, k in
            switch k {
            case "key": key = try r.string(k)
            case "value": value = try r.string(k)
            default: try r.skipValue()
            }
          }
          d.metadata.append(SandboxCopySeed.Metadata(key: key, value: value))
        }
      case "deleted": d.deleted = try r.bool(k)
      default: try r.skipValue()
      }
    }
    self = d
  }
}

extension SandboxCopySeed.StateEntry: JSONPullDecodable {
  var jsonText: JSONText {
    var f = Fields()
    f.add("id", .string(id))
    f.add("primary", primary.map(JSONText.string))
    f.add("size", size.map(JSONText.int))
    return f.object
  }

  package init(json r: inout JSONParser) throws {
    var e = Self(id: "", primary: nil, size: nil)
    try r.fields(required: ["id"]) { r, k in
      switch k {
      case "id": e.id = try r.string(k)
      case "primary": e.primary = try r.optionalString(k)
      case "size": e.size = try r.integer(k)
      default: try r.skipValue()
      }
    }
    self = e
  }
}

extension SandboxReady: PipeMessage {
  package var jsonText: JSONText {
    if let error { return .object([("error", .string(error))]) }
    return .object([
      ("port", .int(port)), ("directory", .string(directory)),
      ("certificatesDirectory", .string(certificatesDirectory)),
      ("userName", .string(userName)), ("caCertificatePath", .string(caCertificatePath)),
      ("userCertificatePath", .string(userCertificatePath)),
      ("userKeyPath", .string(userKeyPath)), ("nodeCount", .int(nodeCount)),
    ])
  }

  package init(json r: inout JSONParser) throws {
    let at = r.i
    var ready = SandboxReady(error: "")
    ready.error = nil
    try r.fields(required: []) { r, k in
      switch k {
      case "error": ready.error = try r.optionalString(k)
      case "port": ready.port = try r.integer(k) ?? 0
      case "directory": ready.directory = try r.string(k)
      case "certificatesDirectory": ready.certificatesDirectory = try r.string(k)
      case "userName": ready.userName = try r.string(k)
      case "caCertificatePath": ready.caCertificatePath = try r.string(k)
      case "userCertificatePath": ready.userCertificatePath = try r.string(k)
      case "userKeyPath": ready.userKeyPath = try r.string(k)
      case "nodeCount": ready.nodeCount = try r.integer(k) ?? 0
      default: try r.skipValue()
      }
    }
    if ready.error == nil, ready.port == 0 {
      throw JSONParser.missing("port", at)
    }
    self = ready
  }
}

extension SandboxQuery: PipeMessage {
  package var jsonText: JSONText {
    switch self {
    case .requests(let since): .object([("requests", .object([("since", .int(since))]))])
    case .handle(let method, let path):
      .object([("handle", .object([("method", .string(method)), ("path", .string(path))]))])
    }
  }

  package init(json r: inout JSONParser) throws {
    let at = r.i
    var query: SandboxQuery?
    try r.object { r, k in
      switch k {
      case "requests":
        var since = 0
        try r.fields(required: ["since"]) { r, k in
          if k == "since" { since = try r.integer(k) ?? 0 } else { try r.skipValue() }
        }
        query = .requests(since: since)
      case "handle":
        var method = ""
        var path = ""
        try r.fields(required: ["method", "path"]) { r, k in
          switch k {
          case "method": method = try r.string(k)
          case "path": path = try r.string(k)
          default: try r.skipValue()
          }
        }
        query = .handle(method: method, path: path)
      default: try r.skipValue()
      }
    }
    guard let query else {
      throw JSONParser.Failure(message: "expected 'requests' or 'handle'", offset: at)
    }
    self = query
  }
}

extension SandboxLoggedRequest: JSONPullDecodable {
  var jsonText: JSONText {
    .object([
      ("method", .string(method)), ("path", .string(path)),
      ("body", .string(body.base64EncodedString())), ("status", .int(status)),
      ("response", .string(response.base64EncodedString())),
    ])
  }

  package init(json r: inout JSONParser) throws {
    var e = Self(method: "", path: "", body: Data(), status: 0, response: Data())
    try r.fields(required: ["method", "path", "body", "status", "response"]) { r, k in
      switch k {
      case "method": e.method = try r.string(k)
      case "path": e.path = try r.string(k)
      case "body": e.body = try r.base64(k)
      case "status": e.status = try r.integer(k) ?? 0
      case "response": e.response = try r.base64(k)
      default: try r.skipValue()
      }
    }
    self = e
  }
}

extension SandboxAnswer: PipeMessage {
  package var jsonText: JSONText {
    .object([
      ("count", .int(count)), ("requests", .array(requests.map(\.jsonText))),
      ("status", .int(status)), ("body", .string(body.base64EncodedString())),
    ])
  }

  package init(json r: inout JSONParser) throws {
    var answer = SandboxAnswer()
    try r.fields(required: ["count", "requests", "status", "body"]) { r, k in
      switch k {
      case "count": answer.count = try r.integer(k) ?? 0
      case "requests": answer.requests = try r.array(of: SandboxLoggedRequest.self)
      case "status": answer.status = try r.integer(k) ?? 0
      case "body": answer.body = try r.base64(k)
      default: try r.skipValue()
      }
    }
    self = answer
  }
}
