import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// `nodes` and the lease commands.
enum NodesAndLeases {

  static func leaseRow(_ l: Lease, _ view: ClusterView) -> Value {
    let d = view.datasets.first { $0.configuration.datasetID == l.datasetID }
    let n = view.nodes.first { $0.uuid == l.nodeUUID }
    return .record(
      Record([
        ("dataset_id", .string(l.datasetID)), ("name", .from(d?.configuration.name)),
        ("node_uuid", .string(l.nodeUUID)), ("host", .from(n?.host)),
        ("expires", NodesAndLeases.expiry(l.expires)),
      ]))
  }

  /// A lease's expiry: whole seconds from now as a number (null: never); tables and records
  /// show it as a duration (see `ResultFormatter`).
  static func expiry(_ seconds: Double?) -> Value {
    guard let seconds, seconds.isFinite else { return .null }
    return .int(Int(max(0, seconds).rounded()))
  }

}
