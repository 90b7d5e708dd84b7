import Foundation

/// The three lists a `ClusterView` merges, read from the control service.
struct ClusterLists {
  var configuration: [DatasetConfiguration]
  var tag: String?
  var state: [DatasetState]
  var nodes: [Node]

  /// Reads the configuration, the state and the nodes. When the transport can open a second
  /// connection, the state is read on it while the configuration arrives on the first: each
  /// list is decoded as its bytes come, so the two decodings run side by side on two cores
  /// (over 100 000 datasets they, not the wire, are most of a listing's time). Errors are those
  /// of reading the lists one after the other: the configuration's first, then the state's.
  static func read(
    _ client: FlockerClient, timing: ((String, Double) -> Void)?,
    timed: (String, () throws -> Void) throws -> Void
  ) throws -> ClusterLists {
    var lists = ClusterLists(configuration: [], tag: nil, state: [], nodes: [])
    try client.transport.withCompanion { companion in
      guard let companion else {
        try timed("GET /v1/configuration/datasets") {
          (lists.configuration, lists.tag) = try client.configurationDatasets()
        }
        try timed("GET /v1/state/datasets") { lists.state = try client.stateDatasets() }
        try timed("GET /v1/state/nodes") { lists.nodes = try client.nodes() }
        return
      }
      let side = SideRead()
      let other = FlockerClient(transport: companion)
      DispatchQueue.global(qos: .userInitiated).async {
        let start = DispatchTime.now().uptimeNanoseconds
        side.result = Result { try other.stateDatasets() }
        side.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        side.done.signal()
      }
      let start = DispatchTime.now().uptimeNanoseconds
      let configuration = Result { try client.configurationDatasets() }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      if case .failure = configuration { companion.cancel() }
      side.done.wait()
      (lists.configuration, lists.tag) = try configuration.get()
      lists.state = try side.result!.get()
      timing?("GET /v1/configuration/datasets (transfer and decoding)", seconds)
      timing?("GET /v1/state/datasets (second connection, at the same time)", side.seconds)
      try timed("GET /v1/state/nodes") { lists.nodes = try client.nodes() }
    }
    return lists
  }
}

/// The state list read on the second connection, handed back to the reading thread.
private final class SideRead: @unchecked Sendable {
  let done = DispatchSemaphore(value: 0)
  var result: Result<[DatasetState], Error>?
  var seconds = 0.0
}
