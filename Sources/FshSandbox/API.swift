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
  static let containerNotFound = "Container not found."
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

enum Route {
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
  /// The deprecated container API (the sandbox runs no containers).
  case configurationContainers
  case stateContainers
  case configurationContainer(String)
  /// `POST /v1/configuration/_compose` (private, flocker-deploy's).
  case compose

  var methods: [String] {
    switch self {
    case .version, .stateDatasets, .stateNodes, .nodeByEra: return ["GET", "HEAD"]
    case .configurationDatasets, .leases: return ["GET", "HEAD", "POST"]
    case .configurationDataset: return ["POST", "DELETE"]
    case .lease: return ["DELETE"]
    case .sandboxAgents, .sandboxRequests: return ["GET", "HEAD"]
    case .sandboxAgent: return ["POST"]
    case .configurationContainers: return ["GET", "HEAD", "POST"]
    case .stateContainers: return ["GET", "HEAD"]
    case .configurationContainer: return ["POST", "DELETE"]
    case .compose: return ["POST"]
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
    case 2 where parts == ["configuration", "containers"]: return .configurationContainers
    case 2 where parts == ["state", "containers"]: return .stateContainers
    case 2 where parts == ["configuration", "_compose"]: return .compose
    case 3 where parts[0] == "configuration" && parts[1] == "containers" && !parts[2].isEmpty:
      return .configurationContainer(parts[2])
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
    // HEAD reaches the GET handler (werkzeug), whose `structured` decorator parses a body for
    // every method but GET and DELETE: an empty body is not JSON, so 400 (and HEAD sends no body).
    if request.method == "HEAD", !isSandboxRoute(route) {
      var response = describe(400, APIMessages.decodeError)
      response.body = []
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
      // The era mapping outlives the node's state: it is never wiped.
      if let node = nodes.first(where: { knownNodes.contains($0.uuid) && $0.era == wanted }) {
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
      var before: SandboxAgentStep?
      if let value = queryValue(request.path, "before") {
        guard !running, let step = SandboxAgentStep(rawValue: value.lowercased()) else {
          return describe(
            400,
            "before= takes one of "
              + SandboxAgentStep.allCases.map(\.rawValue).joined(separator: ", ")
              + (running ? " and only when stopping" : ""))
        }
        before = step
      }
      guard setAgent(uuid, running: running, before: before, now: now),
        let node = nodes.first(where: { $0.uuid == uuid })
      else { return describe(404, "No simulated agent with that node UUID.") }
      response = json(200, encodeJSON(agentJSON(node)))
    case (.configurationContainers, "POST"):
      if case .failure(let failed) = decodeAnyBody(request) { return failed }
      response = describe(404, APIMessages.containerNotFound)
    case (.configurationContainers, _), (.stateContainers, _):
      response = json(200, Array("[]".utf8))
    case (.configurationContainer, "POST"):
      // The body is validated (`node_uuid` required) before the container is looked up.
      switch decodeBody(request, schema: FlockerSchemas.containerUpdate) {
      case .failure(let failed): return failed
      case .success: response = describe(404, APIMessages.containerNotFound)
      }
    case (.configurationContainer, _):
      response = describe(404, APIMessages.containerNotFound)
    case (.compose, _):
      response = compose(request, now: now)
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
  func saveOrUndo(_ undo: () -> Void) -> SandboxResponse? {
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

  // MARK: Helpers

  func tagMismatch(_ request: APIRequest) -> SandboxResponse? {
    let wanted = request.headerValues("X-If-Configuration-Matches")
    guard let first = wanted.first else { return nil }
    let current = tag()
    if wanted.contains(current) { return nil }
    return describe(412, "Tag doesn't match. Required: \(first), current: \(current)")
  }

  func decodeBody(_ request: APIRequest, schema: Schema) -> DecodedBody {
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

/// The value of `name` in a path's query string (`?before=mount`), percent-decoded.
func queryValue(_ path: String, _ name: String) -> String? {
  guard let mark = path.firstIndex(of: "?") else { return nil }
  for pair in path[path.index(after: mark)...].split(separator: "&") {
    let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
    if parts.first.map(String.init) == name {
      let value = parts.count > 1 ? String(parts[1]) : ""
      return value.removingPercentEncoding ?? value
    }
  }
  return nil
}

/// Python 2's name of a JSON value's type, for ConfigurationError wordings.
func pythonTypeName(_ value: JSONValue) -> String {
  switch value {
  case .null: return "NoneType"
  case .bool: return "bool"
  case .int: return "int"
  case .bigInt: return "long"
  case .double: return "float"
  case .string: return "unicode"
  case .array: return "list"
  case .object: return "dict"
  }
}

func percentDecoded(_ path: String) -> String {
  guard path.contains("%") else { return path }
  return path.removingPercentEncoding ?? path
}
