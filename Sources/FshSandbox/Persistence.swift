// The sandbox's saved configuration (`current_configuration.json`, like the real service's) and
// its errors: saved before a change is acknowledged, atomically, and read back at start.

import Foundation
import FshFiles

extension ClusterModel {

  /// Saves the configuration atomically (temp file, fsync, rename, fsync directory).
  func save() throws {
    guard let path = configurationPath else { return }
    try writeAtomically(path: path, bytes: serializedConfiguration())
  }

  /// Loads a configuration saved by `save()`. The volumes outlived the control service: each
  /// live dataset is mounted on its configured node, reported once the agents reconnect (after
  /// one convergence delay from `now`).
  func load(from bytes: [UInt8], now: Double) throws {
    guard case .object(let document) = try parseJSON(bytes),
      case .array(let datasets)? = document["datasets"]
    else { throw SandboxError.corruptConfiguration("not a sandbox configuration document") }
    for item in datasets {
      guard case .object(let object) = item, let id = object["dataset_id"]?.stringValue,
        let primary = object["primary"]?.stringValue
      else { throw SandboxError.corruptConfiguration("a dataset lacks dataset_id or primary") }
      var size: Int64?
      var huge: String?
      if case .int(let value)? = object["maximum_size"] { size = value }
      if case .bigInt(let digits)? = object["maximum_size"] { huge = digits }
      var metadata: [(String, String)] = []
      if case .object(let pairs)? = object["metadata"] {
        for (key, value) in pairs.pairs {
          if let text = value.stringValue { metadata.append((key, text)) }
        }
      }
      var record = DatasetRecord(
        id: id, primary: primary, maximumSize: size, hugeSize: huge, metadata: metadata,
        deleted: object["deleted"] == .bool(true))
      record.configJSON = Self.configJSON(record)
      record.state = defaultState(record)
      if let state = record.state { record.stateJSON = Self.stateJSON(id: id, state: state) }
      index[id] = records.count
      records.append(record)
    }
    var loadedLeases: [LeaseRecord] = []
    if case .array(let items)? = document["leases"] {
      for item in items {
        guard case .object(let object) = item, let id = object["dataset_id"]?.stringValue,
          let node = object["node_uuid"]?.stringValue
        else { continue }
        var expiration: Double?
        switch object["expiration"] {
        case .double(let value)?: expiration = value
        case .int(let value)?: expiration = Double(value)
        default: expiration = nil
        }
        loadedLeases.append(LeaseRecord(datasetID: id, nodeUUID: node, expiration: expiration))
      }
    }
    leases = loadedLeases
    invalidateConfiguration()
    stateBody = nil
    // The control service restarted: no agent has reported yet.
    knownNodes = []
    lastReporter = nil
    reportedVersion = [:]
    if let path = agentStatePath, let bytes = FileManager.default.contents(atPath: path) {
      try loadAgentState(from: Array(bytes))
    }
    let delay = reconnectDelay
    if delay > 0 {
      reconnectAt = now + delay
    } else {
      for node in nodes where !stoppedAgents.contains(node.uuid) { report(node.uuid) }
      wake(now: now)
    }
  }

  /// How long agents take to reconnect after a restart: one step (`.fixed`), 1 s scaled
  /// (`.upstream`).
  var reconnectDelay: Double {
    if case .upstream(let scale) = pace { return max(0, scale) }
    return convergenceDelay
  }

  /// Where a dataset's volume is after a restart when the agents' side was not saved: a live
  /// dataset mounted on its configured node, a deleted one gone.
  func defaultState(_ record: DatasetRecord) -> StateRecord? {
    guard !record.deleted, !record.orphan, record.hugeSize == nil,
      nodeUUIDs.contains(record.primary), let size = actualSize(record.maximumSize)
    else { return nil }
    if let limit = maxVolumeSize, size > limit { return nil }
    return StateRecord(stage: .mounted(record.primary), size: size)
  }

  // MARK: The agents' side

  /// Saves the agents' side (`sandbox_state.json`) if it changed: the volumes not where a
  /// restart would otherwise put them (`defaultState`), and the stopped agents with the step an
  /// agent will stop before.
  func saveAgentStateIfChanged() throws {
    guard agentStateDirty, let path = agentStatePath else { return }
    var volumes: [JSONValue] = []
    for record in records where !record.orphan && record.state != defaultState(record) {
      var pairs: [(String, JSONValue)] = [("dataset_id", .string(record.id))]
      switch record.state?.stage {
      case nil: pairs.append(("stage", .string("none")))
      case .created?: pairs.append(("stage", .string("created")))
      case .attached(let node)?:
        pairs += [("stage", .string("attached")), ("node", .string(node))]
      case .mounted(let node)?:
        pairs += [("stage", .string("mounted")), ("node", .string(node))]
      }
      if let size = record.state?.size { pairs.append(("size", .int(size))) }
      volumes.append(.object(JSONObject(pairs)))
    }
    var agents: [JSONValue] = []
    for node in nodes where stoppedAgents.contains(node.uuid) || stopBefore[node.uuid] != nil {
      agents.append(
        .object(
          JSONObject([
            ("uuid", .string(node.uuid)), ("running", .bool(!stoppedAgents.contains(node.uuid))),
            ("stop_before", stopBefore[node.uuid].map { .string($0.rawValue) } ?? .null),
          ])))
    }
    let document = JSONValue.object(
      JSONObject([("version", .int(1)), ("volumes", .array(volumes)), ("agents", .array(agents))]))
    try writeAtomically(path: path, bytes: encodeJSON(document) + [0x0A])
    agentStateDirty = false
  }

  /// Restores what `saveAgentStateIfChanged` saved, over the configuration just loaded.
  func loadAgentState(from bytes: [UInt8]) throws {
    guard case .object(let document) = try parseJSON(bytes) else {
      throw SandboxError.corruptConfiguration("sandbox_state.json is not a sandbox state document")
    }
    if case .array(let volumes)? = document["volumes"] {
      for item in volumes {
        guard case .object(let object) = item, let id = object["dataset_id"]?.stringValue,
          let position = index[id], let stageName = object["stage"]?.stringValue
        else { continue }
        let node = object["node"]?.stringValue ?? ""
        var size: Int64?
        if case .int(let value)? = object["size"] { size = value }
        let stage: VolumeStage?
        switch stageName {
        case "created": stage = .created
        case "attached": stage = .attached(node)
        case "mounted": stage = .mounted(node)
        default: stage = nil
        }
        if let stage, let size {
          records[position].state = StateRecord(stage: stage, size: size)
          records[position].stateJSON = Self.stateJSON(id: id, state: records[position].state!)
        } else {
          records[position].state = nil
          records[position].stateJSON = []
        }
        // Its agents go on once they reconnect.
        stalled.insert(position)
      }
    }
    if case .array(let agents)? = document["agents"] {
      for item in agents {
        guard case .object(let object) = item, let uuid = object["uuid"]?.stringValue,
          nodeUUIDs.contains(uuid)
        else { continue }
        if object["running"] == .bool(false) { stoppedAgents.insert(uuid) }
        if let step = object["stop_before"]?.stringValue.flatMap(SandboxAgentStep.init(rawValue:)) {
          stopBefore[uuid] = step
        }
      }
    }
  }
}

enum SandboxError: Error, CustomStringConvertible {
  case corruptConfiguration(String)
  case io(path: String, errno: Int32)
  case certificates(String)
  case server(String)
  /// Another sandbox holds the directory's lock (its pid and command, as its lock file says).
  case directoryInUse(directory: String, pid: String, command: String)

  var description: String {
    switch self {
    case .corruptConfiguration(let reason):
      return "The saved sandbox configuration cannot be read (\(reason)). "
        + "Remove current_configuration.json to start empty."
    case .io(let path, let code):
      return "\(path): \(String(cString: strerror(code)))"
    case .certificates(let reason):
      return reason
    case .server(let reason):
      return reason
    case .directoryInUse(let directory, let pid, let command):
      return "sandbox directory '\(directory)' is in use by the sandbox with pid \(pid) "
        + "(\(command)); stop it or use another --dir"
    }
  }
}

/// The sandbox's state files, through the one atomic writer (`FshFiles.AtomicFile`).
func writeAtomically(path: String, bytes: [UInt8], mode: mode_t = 0o600) throws {
  do {
    try AtomicFile.write(bytes, to: path, mode: mode)
  } catch let e as FileWriteError {
    throw SandboxError.io(path: e.path, errno: e.code)
  }
}
