// The v1 REST API of the Flocker control service (reference/flocker-api.md §1.4 endpoints 1–11),
// evaluated against `ClusterModel`. Status codes, bodies and their order of checks follow the
// reference: X-If-Configuration-Matches (412) before JSON decoding (400) before schema validation
// (400) before the handler's own checks (404, 405, 409); Python exceptions become a 500 whose body
// is a bare JSON string (an Eliot task id).

import Foundation

/// The version `GET /v1/version` reports (the last Flocker release).
let sandboxFlockerVersion = "1.15.0"

enum APIMessages {
  static let decodeError =
    "The request body could not be decoded according to the value of the\nContent-Type header."
  static let schemaError = "The provided JSON doesn't match the required schema."
  static let datasetIDCollision = "The provided dataset_id is already in use."
  static let datasetNotFound = "Dataset not found."
  static let datasetDeleted = "The dataset has been deleted."
  static let leaseNotFound = "Lease not found."
  static let leaseHeld = "Lease already held."
  static let nodeNotFound = "No node found with given era."
}

/// werkzeug's default bodies for router errors (Klein returns them as text/html).
enum RouterPages {
  static let notFound = """
    <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
    <title>404 Not Found</title>
    <h1>Not Found</h1>
    <p>The requested URL was not found on the server.  If you entered the URL manually please \
    check your spelling and try again.</p>

    """
  static let methodNotAllowed = """
    <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
    <title>405 Method Not Allowed</title>
    <h1>Method Not Allowed</h1>
    <p>The method is not allowed for the requested URL.</p>

    """
}

struct APIRequest {
  var method: String
  var path: String
  var headers: [(String, String)]
  var body: [UInt8]

  func headerValues(_ name: String) -> [String] {
    headers.filter { $0.0.caseInsensitiveCompare(name) == .orderedSame }.map(\.1)
  }
}

private enum Route {
  case version
  case configurationDatasets
  case configurationDataset(String)
  case stateDatasets
  case stateNodes
  case nodeByEra(String)
  case leases
  case lease(String)
  /// The sandbox's own control endpoints (outside `/v1`): `GET /sandbox/agents`,
  /// `POST /sandbox/agents/<uuid>/stop|start`.
  case sandboxAgents
  case sandboxAgent(String, running: Bool)
  /// `GET /sandbox/requests`: the requests answered so far (method, path, status).
  case sandboxRequests

  var methods: [String] {
    switch self {
    case .version, .stateDatasets, .stateNodes, .nodeByEra: return ["GET", "HEAD"]
    case .configurationDatasets, .leases: return ["GET", "HEAD", "POST"]
    case .configurationDataset: return ["POST", "DELETE"]
    case .lease: return ["DELETE"]
    case .sandboxAgents, .sandboxRequests: return ["GET", "HEAD"]
    case .sandboxAgent: return ["POST"]
    }
  }

  /// Matches werkzeug-style: exact segments, `<param>` is one non-empty segment, no trailing `/`.
  static func match(_ path: String) -> Route? {
    if path.hasPrefix("/sandbox/") { return matchSandbox(path) }
    guard path.hasPrefix("/v1/") else { return nil }
    let parts = path.dropFirst(4).split(separator: "/", omittingEmptySubsequences: false).map(
      String.init)
    switch parts.count {
    case 1 where parts[0] == "version": return .version
    case 2 where parts == ["configuration", "datasets"]: return .configurationDatasets
    case 2 where parts == ["configuration", "leases"]: return .leases
    case 2 where parts == ["state", "datasets"]: return .stateDatasets
    case 2 where parts == ["state", "nodes"]: return .stateNodes
    case 3 where parts[0] == "configuration" && parts[1] == "datasets" && !parts[2].isEmpty:
      return .configurationDataset(parts[2])
    case 3 where parts[0] == "configuration" && parts[1] == "leases" && !parts[2].isEmpty:
      return .lease(parts[2])
    case 4
    where parts[0] == "state" && parts[1] == "nodes" && parts[2] == "by_era"
      && !parts[3].isEmpty:
      return .nodeByEra(parts[3])
    default: return nil
    }
  }

  private static func matchSandbox(_ path: String) -> Route? {
    let parts = path.dropFirst(9).split(separator: "/", omittingEmptySubsequences: false)
    switch parts.count {
    case 1 where parts[0] == "agents": return .sandboxAgents
    case 1 where parts[0] == "requests": return .sandboxRequests
    case 3 where parts[0] == "agents" && !parts[1].isEmpty && ["stop", "start"].contains(parts[2]):
      return .sandboxAgent(parts[1].lowercased(), running: parts[2] == "start")
    default: return nil
    }
  }
}

extension ClusterModel {
  /// Answers one API request at time `now`. The caller holds the sandbox lock and has already
  /// applied `advance(to: now)` and lease expiry.
  func respond(to request: APIRequest, now: Double) -> SandboxResponse {
    let path = percentDecoded(String(request.path.prefix { $0 != "?" && $0 != "#" }))
    guard let route = Route.match(path) else {
      return html(404, RouterPages.notFound)
    }
    guard route.methods.contains(request.method) else {
      var response = html(405, RouterPages.methodNotAllowed)
      response.headers.append(("Allow", route.methods.joined(separator: ", ")))
      return response
    }
    var response: SandboxResponse
    switch (route, request.method) {
    case (.version, _):
      response = json(
        200, encodeJSON(.object(JSONObject([("flocker", .string(version))]))))
    case (.configurationDatasets, "POST"):
      response = createDataset(request, now: now)
    case (.configurationDatasets, _):
      response = json(200, configurationDatasetsBody())
      response.headers.append(("X-Configuration-Tag", tag()))
    case (.configurationDataset(let id), "POST"):
      response = updateDataset(id, request, now: now)
    case (.configurationDataset(let id), _):
      response = deleteDataset(id, request, now: now)
    case (.stateDatasets, _):
      response = json(200, stateDatasetsBody())
    case (.stateNodes, _):
      let items = reportingNodes().map { node in
        JSONValue.object(JSONObject([("host", .string(node.host)), ("uuid", .string(node.uuid))]))
      }
      response = json(200, encodeJSON(.array(items)))
    case (.nodeByEra(let era), _):
      guard let wanted = pythonUUID(era) else { return internalError() }
      if let node = reportingNodes().first(where: { $0.era == wanted }) {
        response = json(200, encodeJSON(.object(JSONObject([("uuid", .string(node.uuid))]))))
      } else {
        response = describe(404, APIMessages.nodeNotFound)
      }
    case (.leases, "POST"):
      response = acquireLease(request, now: now)
    case (.leases, _):
      response = json(200, encodeJSON(.array(leases.map { leaseJSON($0, now: now) })))
    case (.lease(let id), _):
      response = releaseLease(id, now: now)
    case (.sandboxRequests, _):
      let items = requestLog.map { entry in
        JSONValue.object(
          JSONObject([
            ("method", .string(entry.method)), ("path", .string(entry.path)),
            ("status", .int(Int64(entry.status))),
          ]))
      }
      response = json(200, encodeJSON(.array(items)))
    case (.sandboxAgents, _):
      response = json(200, encodeJSON(.array(nodes.map(agentJSON))))
    case (.sandboxAgent(let uuid, let running), _):
      guard setAgent(uuid, running: running, now: now),
        let node = nodes.first(where: { $0.uuid == uuid })
      else { return describe(404, "No simulated agent with that node UUID.") }
      response = json(200, encodeJSON(agentJSON(node)))
    }
    if request.method == "HEAD" { response.body = [] }
    return response
  }

  // MARK: Datasets

  private func createDataset(_ request: APIRequest, now: Double) -> SandboxResponse {
    if let mismatch = tagMismatch(request) { return mismatch }
    let object: JSONObject
    switch decodeBody(request, schema: FlockerSchemas.datasetCreate) {
    case .failure(let response): return response
    case .success(let value): object = value
    }
    // `deleted` passes the schema but is not a parameter of the Python handler: TypeError → 500.
    if object["deleted"] != nil { return internalError() }
    let primary = object["primary"]!.stringValue!.lowercased()
    let id = object["dataset_id"]?.stringValue?.lowercased() ?? UUID().uuidString.lowercased()
    var size: Int64?
    var huge: String?
    switch object["maximum_size"] {
    case .int(let value)?: size = value
    case .bigInt(let digits)?: huge = digits  // the model gives it no type: accepted as it is
    default: size = nil
    }
    let metadata = object["metadata"]?.objectValue?.pairs.map { ($0.0, $0.1.stringValue ?? "") }
    if index[id] != nil { return describe(409, APIMessages.datasetIDCollision) }
    addDataset(
      id: id, primary: primary, maximumSize: size, hugeSize: huge, metadata: metadata ?? [],
      now: now)
    if let failed = saveOrUndo({ removeLastDataset(id) }) { return failed }
    return json(201, record(id)!.configJSON)
  }

  /// Persists the configuration before a change is acknowledged; when that fails, undoes the
  /// in-memory change and answers 500 (as Flocker would on a failed save).
  private func saveOrUndo(_ undo: () -> Void) -> SandboxResponse? {
    do {
      try save()
      return nil
    } catch {
      undo()
      return internalError()
    }
  }

  private func updateDataset(_ id: String, _ request: APIRequest, now: Double) -> SandboxResponse {
    if let mismatch = tagMismatch(request) { return mismatch }
    let object: JSONObject
    switch decodeBody(request, schema: FlockerSchemas.datasetUpdate) {
    case .failure(let response): return response
    case .success(let value): object = value
    }
    guard let existing = record(id) else { return describe(404, APIMessages.datasetNotFound) }
    if existing.deleted { return describe(405, APIMessages.datasetDeleted) }
    if let primary = object["primary"]?.stringValue?.lowercased(), primary != existing.primary {
      setPrimary(id, to: primary, now: now)
      if let failed = saveOrUndo({ restore(existing) }) { return failed }
    }
    return json(200, record(id)!.configJSON)
  }

  private func deleteDataset(_ id: String, _ request: APIRequest, now: Double) -> SandboxResponse {
    if let mismatch = tagMismatch(request) { return mismatch }
    guard let existing = record(id) else { return describe(404, APIMessages.datasetNotFound) }
    if !existing.deleted {
      markDeleted(id, now: now)
      if let failed = saveOrUndo({ restore(existing) }) { return failed }
    }
    return json(200, record(id)!.configJSON)
  }

  // MARK: Leases

  private func acquireLease(_ request: APIRequest, now: Double) -> SandboxResponse {
    let object: JSONObject
    switch decodeBody(request, schema: FlockerSchemas.lease) {
    case .failure(let response): return response
    case .success(let value): object = value
    }
    guard let datasetID = pythonUUID(object["dataset_id"]!.stringValue!),
      let nodeUUID = pythonUUID(object["node_uuid"]!.stringValue!)
    else { return internalError() }
    var expiration: Double?
    switch object["expires"]! {
    case .null: expiration = nil
    case .int(let seconds): expiration = now + Double(seconds)
    case .double(let seconds): expiration = now + seconds
    default: return internalError()  // a `long` beyond timedelta's range: OverflowError
    }
    // datetime + timedelta must stay within years 1...9999 (else OverflowError/ValueError → 500).
    if let value = expiration, !value.isFinite || value > 253_402_300_799 || value < -62_135_596_800
    {
      return internalError()
    }
    let previous = leases
    var updated = leases
    let status: Int
    if let position = updated.firstIndex(where: { $0.datasetID == datasetID }) {
      guard updated[position].nodeUUID == nodeUUID else {
        return describe(409, APIMessages.leaseHeld)
      }
      updated[position].expiration = expiration
      status = 200
    } else {
      updated.append(LeaseRecord(datasetID: datasetID, nodeUUID: nodeUUID, expiration: expiration))
      status = 201
    }
    setLeases(updated, now: now)
    if let failed = saveOrUndo({ setLeases(previous, now: now) }) { return failed }
    return json(status, encodeJSON(leaseJSON(lease(datasetID)!, now: now)))
  }

  private func releaseLease(_ rawID: String, now: Double) -> SandboxResponse {
    guard let datasetID = pythonUUID(rawID) else { return internalError() }
    guard let existing = lease(datasetID) else { return describe(404, APIMessages.leaseNotFound) }
    let previous = leases
    setLeases(leases.filter { $0.datasetID != datasetID }, now: now)
    if let failed = saveOrUndo({ setLeases(previous, now: now) }) { return failed }
    return json(200, encodeJSON(leaseJSON(existing, now: now)))
  }

  /// A lease as the API shows it: `expires` = remaining seconds (timedelta.total_seconds(), so
  /// microsecond resolution) or null.
  private func leaseJSON(_ lease: LeaseRecord, now: Double) -> JSONValue {
    let expires: JSONValue =
      lease.expiration.map { .double((($0 - now) * 1_000_000).rounded() / 1_000_000) } ?? .null
    return .object(
      JSONObject([
        ("dataset_id", .string(lease.datasetID)), ("node_uuid", .string(lease.nodeUUID)),
        ("expires", expires),
      ]))
  }

  /// A simulated agent as `/sandbox/agents` lists it.
  private func agentJSON(_ node: SandboxNode) -> JSONValue {
    .object(
      JSONObject([
        ("uuid", .string(node.uuid)), ("host", .string(node.host)),
        ("running", .bool(!stoppedAgents.contains(node.uuid))),
        ("reporting", .bool(isReporting(node.uuid))),
      ]))
  }

  // MARK: Helpers

  private func tagMismatch(_ request: APIRequest) -> SandboxResponse? {
    let wanted = request.headerValues("X-If-Configuration-Matches")
    guard let first = wanted.first else { return nil }
    let current = tag()
    if wanted.contains(current) { return nil }
    return describe(412, "Tag doesn't match. Required: \(first), current: \(current)")
  }

  private func decodeBody(_ request: APIRequest, schema: Schema) -> DecodedBody {
    let value: JSONValue
    do {
      value = try parseJSON(request.body)
    } catch JSONParseError.tooDeep {
      return .failure(internalError())
    } catch {
      return .failure(describe(400, APIMessages.decodeError))
    }
    let errors = schema.errors(for: value)
    if !errors.isEmpty {
      let body = JSONValue.object(
        JSONObject([
          ("description", .string(APIMessages.schemaError)),
          ("errors", .array(errors.map { .string($0) })),
        ]))
      return .failure(json(400, encodeJSON(body)))
    }
    return .success(value.objectValue!)
  }
}

/// The outcome of decoding and validating a request body.
enum DecodedBody {
  case success(JSONObject)
  case failure(SandboxResponse)
}

func json(_ status: Int, _ body: [UInt8]) -> SandboxResponse {
  SandboxResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
}

func describe(_ status: Int, _ description: String) -> SandboxResponse {
  json(status, encodeJSON(.object(JSONObject([("description", .string(description))]))))
}

func html(_ status: Int, _ page: String) -> SandboxResponse {
  SandboxResponse(
    status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
}

/// Flocker's answer to an unexpected exception: 500 with a bare JSON string (an Eliot task id).
func internalError() -> SandboxResponse {
  json(500, encodeJSON(.string(UUID().uuidString.lowercased() + "@/1")))
}

private func percentDecoded(_ path: String) -> String {
  guard path.contains("%") else { return path }
  return path.removingPercentEncoding ?? path
}
