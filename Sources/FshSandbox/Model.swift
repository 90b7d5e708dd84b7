// The sandbox cluster: desired configuration (datasets + leases, persisted), simulated agent state
// (in memory, converging step by step) and the serialized forms the API serves.
//
// Not thread-safe: `Sandbox` serialises all access with one lock.
//
// Convergence is evaluated lazily against the clock: every change schedules the dataset's next
// agent step at `now + convergenceDelay` in a min-heap, and `advance(to:)` (called before every
// request and by a 1 s timer on the event loop) applies all steps that are due. This gives the
// same observable timing as timers per dataset, also without an event loop (`Sandbox.handle`).

import Foundation

struct StateRecord: Equatable {
  /// Node the dataset is attached to, nil when the volume exists but is detached.
  var primary: String?
  /// Actual size (configured size, or 75 GiB for null, rounded up to the allocation unit).
  var size: Int64
}

struct DatasetRecord {
  var id: String
  var primary: String
  var maximumSize: Int64?
  var metadata: [(String, String)]
  var deleted: Bool
  /// The dataset object as served by the API (and persisted), json.dumps style.
  var configJSON: [UInt8] = []
  var state: StateRecord?
  var stateJSON: [UInt8] = []
  /// Time of the scheduled agent step, if any.
  var nextStep: Double?
}

struct LeaseRecord: Equatable {
  var datasetID: String
  var nodeUUID: String
  /// Absolute expiry (seconds since 1970), nil = never.
  var expiration: Double?
}

/// 75 GiB: `DEFAULT_DATASET_SIZE` of the block-device agent (reference §1.8).
let defaultDatasetSize: Int64 = 75 << 30

final class ClusterModel {
  let nodes: [SandboxNode]
  private let nodeUUIDs: Set<String>
  let convergenceDelay: Double
  let allocationUnit: Int64
  /// Where the configuration is saved; nil = not persisted.
  let configurationPath: String?

  private(set) var records: [DatasetRecord] = []
  private(set) var index: [String: Int] = [:]
  /// Leases in acquisition order.
  private(set) var leases: [LeaseRecord] = []

  private var heap = StepHeap()

  // Caches, rebuilt on demand after a change.
  private var configurationBody: [UInt8]?
  private var stateBody: [UInt8]?
  private var serialized: [UInt8]?
  private var cachedTag: String?

  init(
    nodes: [SandboxNode], convergenceDelay: Double, allocationUnit: Int64,
    configurationPath: String?
  ) {
    self.nodes = nodes
    self.nodeUUIDs = Set(nodes.map(\.uuid))
    self.convergenceDelay = max(0, convergenceDelay)
    self.allocationUnit = max(1, allocationUnit)
    self.configurationPath = configurationPath
  }

  // MARK: Lookup

  func record(_ id: String) -> DatasetRecord? {
    index[id].map { records[$0] }
  }

  func lease(_ datasetID: String) -> LeaseRecord? {
    leases.first { $0.datasetID == datasetID }
  }

  // MARK: Mutations (each followed by `save()` by the caller)

  func addDataset(
    id: String, primary: String, maximumSize: Int64?, metadata: [(String, String)], now: Double
  ) {
    var record = DatasetRecord(
      id: id, primary: primary, maximumSize: maximumSize, metadata: metadata, deleted: false)
    record.configJSON = Self.configJSON(record)
    record.stateJSON = []
    index[id] = records.count
    records.append(record)
    schedule(records.count - 1, now: now)
    invalidateConfiguration()
  }

  /// Adds a dataset whose volume already exists attached on its primary (seeding).
  func addConvergedDataset(id: String, primary: String, maximumSize: Int64?, name: String) {
    var record = DatasetRecord(
      id: id, primary: primary, maximumSize: maximumSize, metadata: [("name", name)],
      deleted: false)
    record.configJSON = Self.configJSON(record)
    if nodeUUIDs.contains(primary) {
      record.state = StateRecord(primary: primary, size: actualSize(maximumSize))
      record.stateJSON = Self.stateJSON(id: id, state: record.state!)
    }
    index[id] = records.count
    records.append(record)
    invalidateConfiguration()
    stateBody = nil
  }

  func setPrimary(_ id: String, to primary: String, now: Double) {
    guard let position = index[id] else { return }
    records[position].primary = primary
    records[position].configJSON = Self.configJSON(records[position])
    schedule(position, now: now)
    invalidateConfiguration()
  }

  func markDeleted(_ id: String, now: Double) {
    guard let position = index[id] else { return }
    records[position].deleted = true
    records[position].configJSON = Self.configJSON(records[position])
    schedule(position, now: now)
    invalidateConfiguration()
  }

  /// Undoes `addDataset` for the last record (when saving failed).
  func removeLastDataset(_ id: String) {
    guard let position = index[id], position == records.count - 1 else { return }
    records.removeLast()
    index[id] = nil
    invalidateConfiguration()
  }

  /// Restores a record's configuration fields (when saving failed).
  func restore(_ record: DatasetRecord) {
    guard let position = index[record.id] else { return }
    records[position].primary = record.primary
    records[position].deleted = record.deleted
    records[position].configJSON = record.configJSON
    invalidateConfiguration()
  }

  func setLeases(_ newLeases: [LeaseRecord]) {
    leases = newLeases
    invalidateConfiguration()
  }

  /// Removes leases whose expiry is before `now` (Flocker's `LeaseService`, every second).
  /// Returns whether any expired.
  @discardableResult
  func expireLeases(now: Double) -> Bool {
    let kept = leases.filter { lease in lease.expiration.map { $0 >= now } ?? true }
    guard kept.count != leases.count else { return false }
    setLeases(kept)
    return true
  }

  private func invalidateConfiguration() {
    configurationBody = nil
    serialized = nil
    cachedTag = nil
  }

  // MARK: Convergence

  private func schedule(_ position: Int, now: Double) {
    guard records[position].nextStep == nil else { return }
    let time = now + convergenceDelay
    records[position].nextStep = time
    heap.push(StepHeap.Entry(time: time, position: position))
  }

  /// Schedules every live dataset to converge from an empty state (after a restart).
  func scheduleAll(now: Double) {
    for position in records.indices where !records[position].deleted {
      schedule(position, now: now)
    }
  }

  /// Applies every agent step due at or before `now`.
  func advance(to now: Double) {
    while let top = heap.peek(), top.time <= now {
      _ = heap.pop()
      guard records[top.position].nextStep == top.time else { continue }
      records[top.position].nextStep = nil
      if step(top.position) {
        // More to do (e.g. attach after detach): the agent's next step.
        let time = top.time + convergenceDelay
        records[top.position].nextStep = time
        heap.push(StepHeap.Entry(time: time, position: top.position))
      }
    }
  }

  /// One agent action for a dataset. Returns whether another step will follow.
  private func step(_ position: Int) -> Bool {
    let record = records[position]
    var newState = record.state
    var more = false
    if record.deleted {
      newState = nil  // unmount, detach and destroy
    } else if let state = record.state {
      if let attached = state.primary, attached != record.primary {
        newState = StateRecord(primary: nil, size: state.size)  // detach from the old node
        more = nodeUUIDs.contains(record.primary)
      } else if state.primary == nil, nodeUUIDs.contains(record.primary) {
        newState = StateRecord(primary: record.primary, size: state.size)  // attach
      }
    } else if nodeUUIDs.contains(record.primary) {
      // Create the volume and attach it. A primary that is not a node stays pending.
      newState = StateRecord(primary: record.primary, size: actualSize(record.maximumSize))
    }
    if newState != record.state {
      records[position].state = newState
      records[position].stateJSON = newState.map { Self.stateJSON(id: record.id, state: $0) } ?? []
      stateBody = nil
    }
    return more
  }

  func actualSize(_ requested: Int64?) -> Int64 {
    let size = requested ?? defaultDatasetSize
    let (units, remainder) = size.quotientAndRemainder(dividingBy: allocationUnit)
    return remainder == 0 ? size : (units + 1) * allocationUnit
  }

  // MARK: Serialized forms

  /// `GET /v1/configuration/datasets` body (cached until the next change).
  func configurationDatasetsBody() -> [UInt8] {
    if let configurationBody { return configurationBody }
    var total = 2
    for record in records { total += record.configJSON.count + 2 }
    var out: [UInt8] = []
    out.reserveCapacity(total)
    out.append(UInt8(ascii: "["))
    var first = true
    for record in records {
      if !first { appendASCII(", ", to: &out) }
      first = false
      out.append(contentsOf: record.configJSON)
    }
    out.append(UInt8(ascii: "]"))
    configurationBody = out
    return out
  }

  /// `GET /v1/state/datasets` body (cached until the state changes).
  func stateDatasetsBody() -> [UInt8] {
    if let stateBody { return stateBody }
    var out: [UInt8] = [UInt8(ascii: "[")]
    var first = true
    for record in records where record.state != nil {
      if !first { appendASCII(", ", to: &out) }
      first = false
      out.append(contentsOf: record.stateJSON)
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

  /// `X-Configuration-Tag`: MurmurHash3 x64 128 of the serialized configuration, 32 hex chars
  /// (Flocker: `b16encode(mmh3_hash_bytes(data)).lower()`).
  func tag() -> String {
    if let cachedTag { return cachedTag }
    let tag = murmur3Hex(serializedConfiguration())
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
    if let size = record.maximumSize {
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
    if let primary = state.primary {
      appendASCII(", \"primary\": ", to: &out)
      appendJSONString(primary, to: &out)
    }
    appendASCII(", \"maximum_size\": ", to: &out)
    appendInteger(state.size, to: &out)
    if state.primary != nil {
      appendASCII(", \"path\": ", to: &out)
      appendJSONString("/flocker/" + id, to: &out)
    }
    out.append(UInt8(ascii: "}"))
    return out
  }

  // MARK: Persistence

  /// Saves the configuration atomically (temp file, fsync, rename, fsync directory).
  func save() throws {
    guard let path = configurationPath else { return }
    try writeAtomically(path: path, bytes: serializedConfiguration())
  }

  /// Loads a configuration saved by `save()`. Datasets come back without state.
  func load(from bytes: [UInt8]) throws {
    guard case .object(let document) = try parseJSON(bytes),
      case .array(let datasets)? = document["datasets"]
    else { throw SandboxError.corruptConfiguration("not a sandbox configuration document") }
    for item in datasets {
      guard case .object(let object) = item, let id = object["dataset_id"]?.stringValue,
        let primary = object["primary"]?.stringValue
      else { throw SandboxError.corruptConfiguration("a dataset lacks dataset_id or primary") }
      var size: Int64?
      if case .int(let value)? = object["maximum_size"] { size = value }
      var metadata: [(String, String)] = []
      if case .object(let pairs)? = object["metadata"] {
        for (key, value) in pairs.pairs {
          if let text = value.stringValue { metadata.append((key, text)) }
        }
      }
      var record = DatasetRecord(
        id: id, primary: primary, maximumSize: size, metadata: metadata,
        deleted: object["deleted"] == .bool(true))
      record.configJSON = Self.configJSON(record)
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

func writeAtomically(path: String, bytes: [UInt8], mode: mode_t = 0o600) throws {
  let temporary = path + ".tmp"
  let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
  guard fd >= 0 else { throw SandboxError.io(path: temporary, errno: errno) }
  var written = 0
  while written < bytes.count {
    let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    if result < 0 {
      if errno == EINTR { continue }
      let code = errno
      close(fd)
      throw SandboxError.io(path: temporary, errno: code)
    }
    written += result
  }
  if fsync(fd) != 0 {
    let code = errno
    close(fd)
    throw SandboxError.io(path: temporary, errno: code)
  }
  close(fd)
  guard rename(temporary, path) == 0 else { throw SandboxError.io(path: path, errno: errno) }
  let directory = (path as NSString).deletingLastPathComponent
  let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
  if directoryFD >= 0 {
    fsync(directoryFD)
    close(directoryFD)
  }
}

/// A binary min-heap of scheduled agent steps.
struct StepHeap {
  struct Entry {
    var time: Double
    var position: Int
  }

  private var items: [Entry] = []

  func peek() -> Entry? { items.first }

  mutating func push(_ entry: Entry) {
    items.append(entry)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard items[child].time < items[parent].time else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Entry? {
    guard !items.isEmpty else { return nil }
    let top = items[0]
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var parent = 0
      while true {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < items.count, items[left].time < items[smallest].time { smallest = left }
        if right < items.count, items[right].time < items[smallest].time { smallest = right }
        if smallest == parent { break }
        items.swapAt(parent, smallest)
        parent = smallest
      }
    }
    return top
  }
}

// MARK: - MurmurHash3 x64 128 (as Python's mmh3.hash_bytes, seed 0)

func murmur3Hex(_ bytes: [UInt8]) -> String {
  let (h1, h2) = murmur3x64_128(bytes)
  // mmh3.hash_bytes returns h1 then h2, each little-endian.
  var digest: [UInt8] = []
  for word in [h1, h2] {
    for shift in stride(from: 0, to: 64, by: 8) {
      digest.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
    }
  }
  let hexDigits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  for byte in digest {
    out.append(hexDigits[Int(byte >> 4)])
    out.append(hexDigits[Int(byte & 0xF)])
  }
  return String(decoding: out, as: UTF8.self)
}

@inline(__always) private func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 {
  (x << r) | (x >> (64 &- r))
}

@inline(__always) private func fmix(_ value: UInt64) -> UInt64 {
  var k = value
  k ^= k >> 33
  k = k &* 0xff51_afd7_ed55_8ccd
  k ^= k >> 33
  k = k &* 0xc4ce_b9fe_1a85_ec53
  k ^= k >> 33
  return k
}

func murmur3x64_128(_ bytes: [UInt8], seed: UInt64 = 0) -> (UInt64, UInt64) {
  let c1: UInt64 = 0x87c3_7b91_1142_53d5
  let c2: UInt64 = 0x4cf5_ad43_2745_937f
  var h1 = seed
  var h2 = seed
  let length = bytes.count
  bytes.withUnsafeBytes { raw in
    let blocks = length / 16
    var offset = 0
    for _ in 0..<blocks {
      var k1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      var k2 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
      offset += 16
      k1 = k1 &* c1
      k1 = rotl(k1, 31)
      k1 = k1 &* c2
      h1 ^= k1
      h1 = rotl(h1, 27)
      h1 = h1 &+ h2
      h1 = h1 &* 5 &+ 0x52dc_e729
      k2 = k2 &* c2
      k2 = rotl(k2, 33)
      k2 = k2 &* c1
      h2 ^= k2
      h2 = rotl(h2, 31)
      h2 = h2 &+ h1
      h2 = h2 &* 5 &+ 0x3849_5ab5
    }
    var k1: UInt64 = 0
    var k2: UInt64 = 0
    let tail = blocks * 16
    let remaining = length & 15
    if remaining > 8 {
      for i in stride(from: remaining - 1, through: 8, by: -1) {
        k2 ^= UInt64(raw[tail + i]) << UInt64((i - 8) * 8)
      }
      k2 = k2 &* c2
      k2 = rotl(k2, 33)
      k2 = k2 &* c1
      h2 ^= k2
    }
    if remaining > 0 {
      for i in stride(from: min(remaining, 8) - 1, through: 0, by: -1) {
        k1 ^= UInt64(raw[tail + i]) << UInt64(i * 8)
      }
      k1 = k1 &* c1
      k1 = rotl(k1, 31)
      k1 = k1 &* c2
      h1 ^= k1
    }
  }
  h1 ^= UInt64(length)
  h2 ^= UInt64(length)
  h1 = h1 &+ h2
  h2 = h2 &+ h1
  h1 = fmix(h1)
  h2 = fmix(h2)
  h1 = h1 &+ h2
  h2 = h2 &+ h1
  return (h1, h2)
}
