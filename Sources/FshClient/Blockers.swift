import FshModel

// Why a dataset has not converged, as data: the library names the cause, the commands word it
// and name the fix (reference flocker-convergence.md).

/// Something that keeps a dataset's state from matching its configuration.
package enum Blocker: Equatable, Sendable {
  /// A lease held by `node`, where the volume is mounted: its agent keeps a leased, mounted
  /// volume mounted (and nothing else: a lease does not stop a detach or a destroy of a volume
  /// that is not mounted on the holder). `expires` is the remaining seconds when the lease was
  /// read, nil for a lease that never expires.
  case lease(node: Node, expires: Double?)
  /// The configured node's agent is not reporting: it stopped, or the cluster never knew the
  /// node. Only that agent creates, attaches and destroys the dataset.
  case nodeNotReporting(uuid: String)
  /// The node the volume was last seen mounted on (by this process) no longer reports: only its
  /// agent unmounts and detaches the volume, so a move or a delete waits for it.
  case sourceNotReporting(node: Node)
  /// The agent on `node` still reports a volume whose dataset was deleted: it is unmounting,
  /// detaching or destroying it.
  case deletedStillReported(node: Node?)
  /// The configured node reports, but its agent has never reported the volume while it was
  /// watched: the agent may be failing, or the backend refusing the size.
  case notReported(node: Node)

  /// The node the blocker is about.
  package var nodeID: String? {
    switch self {
    case .lease(let node, _): return node.uuid
    case .nodeNotReporting(let uuid): return uuid
    case .sourceNotReporting(let node): return node.uuid
    case .deletedStillReported(let node): return node?.uuid
    case .notReported(let node): return node.uuid
    }
  }
}

extension DatasetView {
  /// The lease on this dataset, if any.
  package func lease(in leases: [Lease]) -> Lease? {
    leases.first { $0.datasetID == configuration.datasetID }
  }

  /// Whether a lease held by `lease.nodeUUID` stops this dataset now: only while the volume is
  /// mounted on the holder and has to leave it (moved away or deleted). Upstream's agent turns
  /// "desired" back into mounted only for a leased volume it has mounted ("a lease doesn't force
  /// a mount", `blockdevice.py` `_calculate_desired_state`).
  package func isBlocked(by lease: Lease) -> Bool {
    guard let mountedOn = state?.primary, mountedOn == lease.nodeUUID else { return false }
    return configuration.deleted || configuration.primary != mountedOn
  }

  /// What keeps this dataset from converging, most decisive first; empty when it is converged
  /// or simply on its way. `lastMountedOn` is the node this process last saw the volume mounted
  /// on, when the state no longer lists it; `neverReported` says the configured node has not
  /// reported the volume in all the reads made while waiting for it.
  package func blockers(
    leases: [Lease], nodes: [Node], lastMountedOn: String? = nil, neverReported: Bool = false
  ) -> [Blocker] {
    func named(_ uuid: String) -> Node {
      nodes.first { $0.uuid == uuid } ?? Node(uuid: uuid, host: "")
    }
    var found: [Blocker] = []
    if let lease = lease(in: leases), isBlocked(by: lease) {
      found.append(.lease(node: named(lease.nodeUUID), expires: lease.expires))
    }
    if let primary = configuration.primary, node == nil,
      status != .attached && status != .deleted
    {
      found.append(.nodeNotReporting(uuid: primary))
    }
    if state == nil, let last = lastMountedOn, last != configuration.primary,
      !nodes.contains(where: { $0.uuid == last })
    {
      found.append(.sourceNotReporting(node: Node(uuid: last, host: "")))
    }
    if status == .deleting, state != nil, found.isEmpty {
      found.append(.deletedStillReported(node: attachedNode))
    }
    if neverReported, status == .pending, found.isEmpty, let node {
      found.append(.notReported(node: node))
    }
    return found
  }
}
