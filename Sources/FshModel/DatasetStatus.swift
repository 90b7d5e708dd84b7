/// Where a dataset stands, from the configuration (what was asked), the state (what the agents
/// report) and the node list (which agents report). `rule` decides it.
public enum DatasetStatus: String, Sendable, CaseIterable {
  /// Configured, not listed by the state while its configured node reports. The API cannot
  /// tell why: being created, or attached but not mounted (an entry Flocker's state drops
  /// whenever another node reports), or between nodes.
  case pending
  /// Reported mounted on its configured node.
  case attached
  /// Reported attached on a node other than the configured one: a move in progress or stuck.
  case moving
  /// Reported without a node: attached but not mounted, or not attached.
  case detached
  /// Not in the state and its configured node not reporting: where the volume is cannot be told.
  case unknown
  /// Deleted in the configuration, still reported (or its configured node not reporting).
  case deleting
  /// Deleted, its configured node reporting, and not listed by the state (which does not prove
  /// the volume destroyed: see `wait … deleted`).
  case deleted
}

extension DatasetStatus {
  /// The status rule, the one place it is written (the cluster view and the fast listing both
  /// call it): deleted or not, listed by the state or not, whether the configured node reports,
  /// and where the state has the dataset mounted.
  @inline(__always)
  public static func rule(
    deleted: Bool, listed: Bool, configuredNodeReporting: Bool, mounted: Bool,
    onConfiguredNode: @autoclosure () -> Bool
  ) -> DatasetStatus {
    if deleted { return !listed && configuredNodeReporting ? .deleted : .deleting }
    guard listed else { return configuredNodeReporting ? .pending : .unknown }
    guard mounted else { return .detached }
    return onConfiguredNode() ? .attached : .moving
  }
}
