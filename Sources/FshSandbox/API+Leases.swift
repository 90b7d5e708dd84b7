// The lease endpoints (/v1/configuration/leases) as the control service answers them.

import Foundation

extension ClusterModel {
  func acquireLease(_ request: APIRequest, now: Double) -> SandboxResponse {
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

  func releaseLease(_ rawID: String, now: Double) -> SandboxResponse {
    guard let datasetID = pythonUUID(rawID) else { return internalError() }
    guard let existing = lease(datasetID) else { return describe(404, APIMessages.leaseNotFound) }
    let previous = leases
    setLeases(leases.filter { $0.datasetID != datasetID }, now: now)
    if let failed = saveOrUndo({ setLeases(previous, now: now) }) { return failed }
    return json(200, encodeJSON(leaseJSON(existing, now: now)))
  }

  /// A lease as the API shows it: `expires` = remaining seconds (timedelta.total_seconds(), so
  /// microsecond resolution) or null.
  func leaseJSON(_ lease: LeaseRecord, now: Double) -> JSONValue {
    let expires: JSONValue =
      lease.expiration.map { .double((($0 - now) * 1_000_000).rounded() / 1_000_000) } ?? .null
    return .object(
      JSONObject([
        ("dataset_id", .string(lease.datasetID)), ("node_uuid", .string(lease.nodeUUID)),
        ("expires", expires),
      ]))
  }

  /// A simulated agent as `/sandbox/agents` lists it: `reporting` = its node is in the state
  /// (a stopped agent's stays until `stateExpiry`), `stop_before` = the step it will stop before.
  func agentJSON(_ node: SandboxNode) -> JSONValue {
    .object(
      JSONObject([
        ("uuid", .string(node.uuid)), ("host", .string(node.host)), ("era", .string(node.era)),
        ("running", .bool(!stoppedAgents.contains(node.uuid))),
        ("reporting", .bool(isInState(node.uuid) && reconnectAt == nil)),
        ("stop_before", stopBefore[node.uuid].map { .string($0.rawValue) } ?? .null),
      ]))
  }
}
