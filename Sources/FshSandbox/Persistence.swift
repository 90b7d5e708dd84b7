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
      if !record.deleted, huge == nil, nodeUUIDs.contains(primary) {
        record.state = StateRecord(stage: .mounted(primary), size: actualSize(size))
        record.stateJSON = Self.stateJSON(id: id, state: record.state!)
      }
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
    if convergenceDelay > 0 { reconnectAt = now + convergenceDelay }
  }
}

enum SandboxError: Error, CustomStringConvertible {
  case corruptConfiguration(String)
  case io(path: String, errno: Int32)
  case certificates(String)
  case server(String)

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
