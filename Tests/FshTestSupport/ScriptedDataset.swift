import FshClient
import FshModel

/// One dataset (`id`, named `x`, 1 GiB) on a cluster of two reporting nodes (`a`, `b`; `ghost`
/// never reports), as the status model sees it from scripted answers: the client's and the
/// library's status tests conform and read it as their own (`view(primary:state:)`, `Self.a`).
public protocol ScriptedDataset {}

extension ScriptedDataset {
  public static var a: String { "11111111-1111-4111-8111-111111111111" }
  public static var b: String { "22222222-2222-4222-8222-222222222222" }
  public static var ghost: String { "33333333-3333-4333-8333-333333333333" }
  public static var id: String { "44444444-4444-4444-8444-444444444444" }
  public static var nodes: [Node] {
    [Node(uuid: a, host: "10.0.0.1"), Node(uuid: b, host: "10.0.0.2")]
  }

  /// The dataset as one read shows it: configured on `primary`, with the state `state`.
  public func view(primary: String, deleted: Bool = false, state: [DatasetState]) -> DatasetView {
    let c = DatasetConfiguration(
      datasetID: Self.id, primary: primary, deleted: deleted, metadata: ["name": "x"],
      maximumSize: 1 << 30)
    return ClusterView(configuration: [c], state: state, nodes: Self.nodes, tag: nil).datasets[0]
  }

  /// The state's entry for the dataset mounted on `node`.
  public func mounted(on node: String) -> DatasetState {
    DatasetState(
      datasetID: Self.id, primary: node, path: "/flocker/\(Self.id)", maximumSize: 1 << 30)
  }

  /// The state's entry for the dataset listed without a node.
  public var bare: DatasetState { DatasetState(datasetID: Self.id, maximumSize: 1 << 30) }
}
