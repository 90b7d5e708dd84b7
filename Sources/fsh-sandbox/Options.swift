import FshSandbox
import FshSandboxProtocol

extension SandboxOptions {
  /// The options a start request asks for; what it leaves out keeps the sandbox's default.
  init(_ start: SandboxStart) {
    self.init(directory: start.directory)
    if let v = start.port { port = v }
    if let v = start.nodeCount { nodeCount = v }
    if let v = start.convergenceDelay { convergenceDelay = v }
    if let v = start.seedDatasets { seedDatasets = v }
    if let v = start.keyBits { keyBits = v }
    faults = SandboxFaults(
      latency: start.latency ?? 0, failEvery: start.failEvery ?? 0,
      dropEvery: start.dropEvery ?? 0, faultRate: start.faultRate ?? 0)
    churnSeed = start.churnSeed
    if let v = start.persist { persist = v }
    if start.pace == "upstream" { pace = .upstream(scale: start.paceScale ?? 1) }
    if let v = start.stateExpiry { stateExpiry = v }
    maxVolumeSize = start.maxVolumeSize
    if let v = start.kindReports { kindReports = v }
    ownerPID = start.ownerPID
    ownerCommand = start.ownerCommand
    if let s = start.seed { seed = SandboxSeed(s) }
  }
}

extension SandboxSeed {
  init(_ s: SandboxCopySeed) {
    self.init(
      version: s.version, nodes: s.nodes.map { ($0.uuid, $0.host) },
      datasets: s.datasets.map {
        SandboxSeed.Dataset(
          id: $0.id, primary: $0.primary, maximumSize: $0.maximumSize,
          metadata: $0.metadata.map { ($0.key, $0.value) }, deleted: $0.deleted,
          hugeSize: $0.hugeSize)
      },
      state: s.state.map { .init(id: $0.id, primary: $0.primary, size: $0.size) },
      leases: s.leases)
    for node in s.nodes { if let era = node.era { eras[node.uuid.lowercased()] = era } }
  }
}
