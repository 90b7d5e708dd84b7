import FshModel

/// One dataset as fsh shows it: configuration, state and nodes merged. The configured node
/// (`primary`, `node`, `host`) and the node the state reports it attached to (`attachedNode`)
/// are kept apart: they differ while a move is under way or stuck.
public struct DatasetView: Sendable, Equatable {
  public var configuration: DatasetConfiguration
  /// The state entry (the mounted one when the state lists the dataset twice).
  public var state: DatasetState?
  public var status: DatasetStatus
  /// The configured primary, when that node is reporting.
  public var node: Node?
  /// The node the state reports the dataset attached to (host nil when it is not in the list).
  public var attachedNode: Node?
  /// Position in the configuration list as the API returned it (Kubernetes takes the first
  /// live dataset with a name in this order).
  package var order: Int

  public init(
    configuration: DatasetConfiguration, state: DatasetState?, status: DatasetStatus,
    node: Node?, attachedNode: Node? = nil, order: Int = 0
  ) {
    self.configuration = configuration
    self.state = state
    self.status = status
    self.node = node
    self.attachedNode = attachedNode
    self.order = order
  }
}
