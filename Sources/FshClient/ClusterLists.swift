import Foundation
import FshModel

/// The three lists a `ClusterView` or a `DatasetListing` merges, read from the control service:
/// the configuration and the state as models or as columns (`Configuration`, `State`).
struct ClusterLists<Configuration, State> {
  var configuration: Configuration
  var tag: String?
  var state: State
  var nodes: [Node]

  /// Reads the configuration, the state and the nodes. When the transport can open a second
  /// connection, the state is read on it while the configuration arrives on the first: each
  /// list is decoded as its bytes come, so the two decodings run side by side on two cores
  /// (over 100 000 datasets they, not the wire, are most of a listing's time). The thread done
  /// first helps decode the other list (`ListAssist`): the two lists cost the two threads
  /// different amounts (and a server may send one faster), and the core a finished thread
  /// leaves idle decodes the rest while its own thread only receives. Errors are those of
  /// reading the lists one after the other: the configuration's first, then the state's.
  static func read(
    _ client: FlockerClient, timing: ((String, Double) -> Void)?,
    timed: (String, () throws -> Void) throws -> Void,
    configuration readConfiguration:
      @escaping (FlockerClient, ListAssist?) throws -> (Configuration, String?),
    state readState: @escaping (FlockerClient, ListAssist?) throws -> State
  ) throws -> ClusterLists {
    var configuration: (Configuration, String?)?
    var state: State?
    var nodes: [Node] = []
    try client.transport.withCompanion { companion in
      guard let companion else {
        try timed("GET /v1/configuration/datasets") {
          configuration = try readConfiguration(client, nil)
        }
        try timed("GET /v1/state/datasets") { state = try readState(client, nil) }
        try timed("GET /v1/state/nodes") { nodes = try client.nodes() }
        return
      }
      let side = SideRead<State>()
      let other = FlockerClient(transport: companion)
      let configurationAssist = ListAssist()
      let stateAssist = ListAssist()
      // A thread of its own, not the global queue: that runs no more blocking reads at once
      // than there are cores, so eight clusters listed at once would wait on each other.
      let reader = Thread {
        let start = DispatchTime.now().uptimeNanoseconds
        side.result = Result { try readState(other, stateAssist) }
        side.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        stateAssist.close()
        if case .success = side.result { configurationAssist.help() }
        side.done.signal()
      }
      reader.name = "fsh-state-read"
      reader.start()
      let start = DispatchTime.now().uptimeNanoseconds
      let first = Result { try readConfiguration(client, configurationAssist) }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      configurationAssist.close()
      if case .failure = first {
        companion.cancel()
      } else {
        stateAssist.help()
      }
      side.done.wait()
      configuration = try first.get()
      state = try side.result!.get()
      timing?("GET /v1/configuration/datasets (transfer and decoding)", seconds)
      timing?("GET /v1/state/datasets (second connection, at the same time)", side.seconds)
      try timed("GET /v1/state/nodes") { nodes = try client.nodes() }
    }
    return ClusterLists(
      configuration: configuration!.0, tag: configuration!.1, state: state!, nodes: nodes)
  }
}

/// The state list read on the second connection, handed back to the reading thread.
private final class SideRead<T>: @unchecked Sendable {
  let done = DispatchSemaphore(value: 0)
  var result: Result<T, Error>?
  var seconds = 0.0
}
