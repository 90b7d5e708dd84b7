// Why a dataset has not converged, as data: the library names the cause, the commands word it
// and name the fix (reference flocker-convergence.md).

/// Something that keeps a dataset's state from matching its configuration.
public enum Blocker: Equatable, Sendable {
  /// A lease held by `node`: its agent will not unmount, detach or destroy the volume.
  /// `expires` is the remaining seconds when the lease was read, nil for a lease that never
  /// expires.
  case lease(node: Node, expires: Double?)
  /// The configured node's agent is not reporting: it stopped, or the cluster never knew the
  /// node. Only that agent creates, attaches and destroys the dataset.
  case nodeNotReporting(uuid: String)
  /// The agent on `node` still reports a volume whose dataset was deleted: it is unmounting,
  /// detaching or destroying it.
  case deletedStillReported(node: Node?)

  /// The node the blocker is about.
  public var nodeID: String? {
    switch self {
    case .lease(let node, _): return node.uuid
    case .nodeNotReporting(let uuid): return uuid
    case .deletedStillReported(let node): return node?.uuid
    }
  }
}

extension DatasetView {
  /// The lease on this dataset, if any.
  public func lease(in leases: [Lease]) -> Lease? {
    leases.first { $0.datasetID == configuration.datasetID }
  }

  /// What keeps this dataset from converging, most decisive first; empty when it is converged
  /// or simply on its way.
  public func blockers(leases: [Lease], nodes: [Node]) -> [Blocker] {
    func named(_ uuid: String) -> Node {
      nodes.first { $0.uuid == uuid } ?? Node(uuid: uuid, host: "")
    }
    var found: [Blocker] = []
    // The volume has to leave the node it is on (moving away, or deleted): a lease held there
    // stops that.
    let leaving: String? =
      switch status {
      case .moving: attachedNode?.uuid
      case .deleting: attachedNode?.uuid ?? configuration.primary
      default: nil
      }
    if let leaving, let lease = lease(in: leases), lease.nodeUUID == leaving {
      found.append(.lease(node: named(lease.nodeUUID), expires: lease.expires))
    }
    if let primary = configuration.primary, node == nil,
      status != .attached && status != .deleted
    {
      found.append(.nodeNotReporting(uuid: primary))
    }
    if status == .deleting, state != nil, found.isEmpty {
      found.append(.deletedStillReported(node: attachedNode))
    }
    return found
  }
}
