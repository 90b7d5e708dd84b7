// The container endpoints (empty lists, "Container not found.") and /v1/configuration/_compose,
// which Flocker still answers though containers are gone.

import Foundation

extension ClusterModel {
  func isSandboxRoute(_ route: Route) -> Bool {
    switch route {
    case .sandboxAgents, .sandboxAgent, .sandboxRequests: return true
    default: return false
    }
  }

  /// Decodes a JSON body of any shape (an endpoint whose schema the sandbox does not model).
  func decodeAnyBody(_ request: APIRequest) -> DecodedBody {
    do {
      let value = try parseJSON(request.body)
      return .success(value.objectValue ?? JSONObject([]))
    } catch JSONParseError.tooDeep {
      return .failure(internalError())
    } catch {
      return .failure(describe(400, APIMessages.decodeError))
    }
  }

  /// `POST /v1/configuration/_compose`: replaces the whole deployment with one built from a
  /// flocker-deploy configuration (`control/httpapi.py` replace_configuration, `_config.py`
  /// model_from_configuration). The sandbox runs no containers, so the new deployment holds no
  /// dataset: every dataset and lease is dropped, and the agents unmount and detach every
  /// volume (left unattached, not destroyed). Answers 200 `null`, or 400 with the
  /// ConfigurationError's description.
  func compose(_ request: APIRequest, now: Double) -> SandboxResponse {
    let object: JSONObject
    switch decodeBody(request, schema: FlockerSchemas.compose) {
    case .failure(let response): return response
    case .success(let value): object = value
    }
    let applications = object["applications"]?.objectValue ?? JSONObject([])
    let deployment = object["deployment"]?.objectValue ?? JSONObject([])
    func bad(_ text: String) -> SandboxResponse { describe(400, text) }
    guard case .object(let deploymentNodes)? = deployment["nodes"] else {
      return bad("Deployment configuration has an error. Missing 'nodes' key.")
    }
    guard let version = deployment["version"] else {
      return bad("Deployment configuration has an error. Missing 'version' key.")
    }
    guard version == .int(1) else {
      return bad("Deployment configuration has an error. Incorrect version specified.")
    }
    let hosts = Set(reportingNodes().map(\.host))
    var seen: Set<String> = []
    for (host, names) in deploymentNodes.pairs {
      let octets = host.split(separator: ".", omittingEmptySubsequences: false)
      guard octets.count == 4,
        octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil })
      else {
        return bad(
          "Node \"\(host)\" specified, but deployment configuration expects an IPv4 address.")
      }
      guard case .array(let list) = names else {
        return bad(
          "Node \(host) has a config error. Wrong value type: \(pythonTypeName(names)). "
            + "Should be list.")
      }
      for name in list {
        let text = name.stringValue ?? ""
        if !seen.insert(text).inserted {
          return bad("Application '\(text)' appears more than once.")
        }
        if applications[text] == nil {
          return bad(
            "Node \(host) has a config error. Unrecognised application name: \(text).")
        }
      }
      if !hosts.contains(host) { return bad("No known node with address \(host).") }
    }
    let previous = records
    let previousLeases = leases
    for position in records.indices where !records[position].orphan {
      records[position].orphan = true
      schedule(position, now: now)
    }
    leases = []
    invalidateConfiguration()
    stateBody = nil
    if let failed = saveOrUndo({
      records = previous
      leases = previousLeases
      invalidateConfiguration()
    }) {
      return failed
    }
    return json(200, Array("null".utf8))
  }
}
