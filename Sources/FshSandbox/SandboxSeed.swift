// A copy of a real cluster to start a sandbox from (`SandboxOptions.seed`): what its control
// service reported, so a script can be rehearsed against the same datasets, nodes, leases and
// half-finished moves without touching it.
import FshModel

/// What a control service reported, to be copied into a sandbox.
public struct SandboxSeed: Sendable {
  /// One entry of `/v1/configuration/datasets`.
  public struct Dataset: Sendable {
    public var id: String
    public var primary: String
    /// Bytes; nil for no size (or one beyond 64 bits: see `hugeSize`).
    public var maximumSize: Int?
    /// A `maximum_size` beyond 64 bits, in its exact decimal digits.
    public var hugeSize: String?
    public var metadata: [(String, String)]
    public var deleted: Bool

    public init(
      id: String, primary: String, maximumSize: Int?, metadata: [(String, String)],
      deleted: Bool, hugeSize: String? = nil
    ) {
      self.id = id
      self.primary = primary
      self.maximumSize = maximumSize
      self.hugeSize = hugeSize
      self.metadata = metadata
      self.deleted = deleted
    }
  }

  /// One entry of `/v1/state/datasets`: mounted on `primary`, or (nil) a non-manifest entry
  /// (a volume not mounted: unattached, or attached to the node that reported it). A copy keeps
  /// it a non-manifest entry: an unattached volume, which its configured node's agent attaches.
  public struct StateEntry: Sendable {
    public var id: String
    public var primary: String?
    public var size: Int?

    public init(id: String, primary: String?, size: Int?) {
      self.id = id
      self.primary = primary
      self.size = size
    }
  }

  /// One lease; `expires` is the remaining seconds when it was read, nil for never.
  public typealias Lease = FshModel.Lease

  /// What `GET /v1/version` answered.
  public var version: String
  /// The reporting nodes (`/v1/state/nodes`): only they get an agent in the copy, so a node
  /// that does not report in the cluster does not report in the copy.
  public var nodes: [(uuid: String, host: String)]
  public var datasets: [Dataset]
  public var state: [StateEntry]
  public var leases: [Lease]
  /// Each node's era (`/v1/state/nodes/by_era`), by node uuid; a node without one gets a
  /// random era.
  public var eras: [String: String] = [:]

  public init(
    version: String, nodes: [(uuid: String, host: String)], datasets: [Dataset],
    state: [StateEntry], leases: [Lease]
  ) {
    self.version = version
    self.nodes = nodes
    self.datasets = datasets
    self.state = state
    self.leases = leases
  }
}

extension ClusterModel {
  /// Replaces everything with a copy of `seed` at time `now`. The agents go on from the copied
  /// state (a move in progress continues, a leased one stays stalled).
  func load(seed: SandboxSeed, now: Double) {
    version = seed.version
    var sizes: [String: Int?] = [:]
    var mounted: [String: String] = [:]
    var reported: Set<String> = []
    for entry in seed.state {
      reported.insert(entry.id)
      if sizes[entry.id] == nil { sizes[entry.id] = entry.size }
      // A dataset listed twice is where its mounted entry says.
      if let primary = entry.primary { mounted[entry.id] = primary }
    }
    for dataset in seed.datasets {
      let id = dataset.id.lowercased()
      var record = DatasetRecord(
        id: id, primary: dataset.primary.lowercased(),
        maximumSize: dataset.maximumSize.map(Int64.init), hugeSize: dataset.hugeSize,
        metadata: dataset.metadata, deleted: dataset.deleted)
      record.configJSON = Self.configJSON(record)
      if reported.contains(dataset.id),
        let size = (sizes[dataset.id] ?? nil).map(Int64.init)
          ?? (record.hugeSize == nil ? actualSize(record.maximumSize) : nil)
      {
        let stage: VolumeStage = mounted[dataset.id].map { .mounted($0.lowercased()) } ?? .created
        record.state = StateRecord(stage: stage, size: size)
        record.stateJSON = Self.stateJSON(id: id, state: record.state!)
      }
      records.append(record)
    }
    rebuildIndex()
    setLeases(
      seed.leases.map {
        LeaseRecord(
          datasetID: $0.datasetID.lowercased(), nodeUUID: $0.nodeUUID.lowercased(),
          expiration: $0.expires.map { now + $0 })
      }, now: now)
    stateBody = nil
    for position in records.indices { schedule(position, now: now) }
  }
}
