// The sandbox cluster: desired configuration (datasets + leases, persisted), simulated agent state
// (in memory, converging step by step, see Agents.swift) and the serialized forms the API serves.
//
// Not thread-safe: `Sandbox` serialises all access with one lock.

import Foundation

/// Where a dataset's volume is, as its agents know it (reference flocker-convergence.md).
enum VolumeStage: Equatable {
  /// The volume exists and is attached nowhere.
  case created
  /// Attached to a node's block device, not (yet, or no longer) mounted.
  case attached(String)
  /// Attached and mounted on a node: the only stage reported with `primary` and `path`.
  case mounted(String)

  /// The node the volume is attached to, if any.
  var node: String? {
    switch self {
    case .created: return nil
    case .attached(let node), .mounted(let node): return node
    }
  }
}

struct StateRecord: Equatable {
  var stage: VolumeStage
  /// Actual size (configured size, or 75 GiB for null, rounded up to the allocation unit).
  var size: Int64
}

struct DatasetRecord {
  var id: String
  var primary: String
  var maximumSize: Int64?
  /// A `maximum_size` beyond 64 bits (decimal digits): the API accepts it, no backend creates it.
  var hugeSize: String?
  var metadata: [(String, String)]
  var deleted: Bool
  /// The dataset object as served by the API (and persisted), json.dumps style.
  var configJSON: [UInt8] = []
  var state: StateRecord?
  var stateJSON: [UInt8] = []
  /// Time of the scheduled agent step, if any.
  var nextStep: Double?
  /// Steps taken since the agents last started converging it (the index into the back-off).
  var attempt = 0
  /// When the agents last started converging it (a move's target polls from then on).
  var since: Double = 0
  /// Dropped from the configuration by `/v1/configuration/_compose`: the API no longer knows
  /// it; its volume is unmounted and detached, and then left alone.
  var orphan = false
  /// `stableHash(id)`, computed once (0 = not yet), for the configuration's order.
  var idHash: UInt64 = 0
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
  let nodeUUIDs: Set<String>
  let convergenceDelay: Double
  let allocationUnit: Int64
  let pace: SandboxPace
  let stateExpiry: Double
  let maxVolumeSize: Int64?
  let kindReports: Bool
  let log: @Sendable (String) -> Void
  /// Where the configuration is saved; nil = not persisted.
  let configurationPath: String?
  /// Where the agents' side (volume stages, stopped agents) is saved; nil = not persisted.
  var agentStatePath: String?
  /// Whether the agents' side changed since it was last saved.
  var agentStateDirty = false

  var records: [DatasetRecord] = []
  var index: [String: Int] = [:]
  /// Leases in acquisition order.
  var leases: [LeaseRecord] = []

  // Agents (Agents.swift).
  var heap = StepHeap()
  /// Datasets whose next step waits on something other than time (a lease, a stopped agent).
  var stalled: Set<Int> = []
  /// Nodes whose agent was stopped (`/sandbox/agents/<uuid>/stop`).
  var stoppedAgents: Set<String> = []
  /// Agents to stop just before they take a step of this kind.
  var stopBefore: [String: SandboxAgentStep] = [:]
  /// When each stopped agent stopped (its last message to the control service).
  var stoppedAt: [String: Double] = [:]
  /// Stopped agents whose node state expired (`stateExpiry` after their last message).
  var expiredNodes: Set<String> = []
  /// Nodes that reported since the control service started: their era is known (never wiped).
  var knownNodes: Set<String> = []
  /// The agent whose report last replaced the non-manifest list.
  var lastReporter: String?
  /// Bumped whenever the set of unattached volumes changes (every agent sees those).
  var unattachedVersion = 0
  /// The `unattachedVersion` each agent last reported.
  var reportedVersion: [String: Int] = [:]
  /// When each agent whose view changed through another node will notice it and report.
  var pendingReports: [String: Double] = [:]
  /// The seeded jitter of idle agents' sleeps (`.upstream` pace).
  var idleRandom = SplitMix64(29)
  /// Datasets whose refusal by the backend was logged.
  var refusalLogged: Set<String> = []
  /// After a restart no agent reports until this time (they reconnect).
  var reconnectAt: Double?
  /// Seeded state churn, nil = off.
  var churn: SplitMix64?
  /// What `GET /v1/version` answers.
  var version = sandboxFlockerVersion
  /// The requests answered, oldest first (at most `requestLogLimit`).
  var requestLog: [SandboxRequestRecord] = []

  // Caches, rebuilt on demand after a change.
  var configurationBody: [UInt8]?
  var stateBody: [UInt8]?
  var serialized: [UInt8]?
  var cachedTag: String?

  init(
    nodes: [SandboxNode], convergenceDelay: Double, allocationUnit: Int64,
    configurationPath: String?, churnSeed: UInt64? = nil, pace: SandboxPace = .fixed,
    stateExpiry: Double = 120, maxVolumeSize: Int64? = nil, kindReports: Bool = false,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.nodes = nodes
    self.nodeUUIDs = Set(nodes.map(\.uuid))
    self.convergenceDelay = max(0, convergenceDelay)
    self.allocationUnit = max(1, allocationUnit)
    self.configurationPath = configurationPath
    self.churn = churnSeed.map(SplitMix64.init)
    self.pace = pace
    self.stateExpiry = max(0, stateExpiry)
    self.maxVolumeSize = maxVolumeSize
    self.kindReports = kindReports
    self.log = log
    // A fresh control service: every agent has reported once.
    for node in nodes { report(node.uuid) }
  }

  // MARK: Lookup

  func rebuildIndex() {
    index = [:]
    for (position, record) in records.enumerated() { index[record.id] = position }
  }

  /// A dataset of the configuration (not one `_compose` dropped).
  func record(_ id: String) -> DatasetRecord? {
    guard let position = index[id], !records[position].orphan else { return nil }
    return records[position]
  }

  func lease(_ datasetID: String) -> LeaseRecord? {
    leases.first { $0.datasetID == datasetID }
  }

  // MARK: Mutations (each followed by `save()` by the caller)

  func addDataset(
    id: String, primary: String, maximumSize: Int64?, hugeSize: String? = nil,
    metadata: [(String, String)], now: Double
  ) {
    var record = DatasetRecord(
      id: id, primary: primary, maximumSize: maximumSize, hugeSize: hugeSize, metadata: metadata,
      deleted: false)
    record.configJSON = Self.configJSON(record)
    record.stateJSON = []
    index[id] = records.count
    records.append(record)
    schedule(records.count - 1, now: now)
    invalidateConfiguration()
  }

  /// Adds a dataset whose volume already exists mounted on its primary (seeding).
  func addConvergedDataset(id: String, primary: String, maximumSize: Int64?, name: String) {
    var record = DatasetRecord(
      id: id, primary: primary, maximumSize: maximumSize, metadata: [("name", name)],
      deleted: false)
    record.configJSON = Self.configJSON(record)
    if nodeUUIDs.contains(primary), let size = actualSize(maximumSize) {
      record.state = StateRecord(stage: .mounted(primary), size: size)
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
    stalled.remove(position)
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

  /// Replaces the leases; agents stalled on a lease look again at `now`.
  func setLeases(_ newLeases: [LeaseRecord], now: Double) {
    leases = newLeases
    invalidateConfiguration()
    wake(now: now)
  }

  /// Removes leases whose expiry is before `now` (Flocker's `LeaseService`, every second).
  /// Returns whether any expired.
  @discardableResult
  func expireLeases(now: Double) -> Bool {
    let kept = leases.filter { lease in lease.expiration.map { $0 >= now } ?? true }
    guard kept.count != leases.count else { return false }
    setLeases(kept, now: now)
    return true
  }

  func invalidateConfiguration() {
    configurationBody = nil
    serialized = nil
    cachedTag = nil
  }

  /// The size of the volume made for a requested size (rounded up to the allocation unit), or
  /// nil when that does not fit in 64 bits (no backend makes it).
  func actualSize(_ requested: Int64?) -> Int64? {
    let size = requested ?? defaultDatasetSize
    let (units, remainder) = size.quotientAndRemainder(dividingBy: allocationUnit)
    if remainder == 0 { return size }
    let (more, overflowAdding) = units.addingReportingOverflow(1)
    let (rounded, overflowMultiplying) = more.multipliedReportingOverflow(by: allocationUnit)
    return overflowAdding || overflowMultiplying ? nil : rounded
  }
}

/// A stable 64-bit hash of a string (FNV-1a with a SplitMix64 finish), for the configuration's
/// hash order: the same on every run and machine.
func stableHash(_ text: String) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash &*= 0x100_0000_01b3
  }
  hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
  hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
  return hash ^ (hash >> 31)
}
