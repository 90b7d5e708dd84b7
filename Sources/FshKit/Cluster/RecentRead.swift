import Foundation
import FshClient
import FshModel
import FshRuntime

/// The read a `move` made of the cluster, which the next `move` may reuse for a few seconds instead
/// of reading every list again to resolve one name: a drain of 3 000 moves then costs its
/// requests, not 3 000 reads of the whole cluster. Safe because what could be stale is settled
/// before anything is acted on: a dataset id never changes and a name is fixed at creation, a
/// dataset deleted since is refused by the API (405, or 404 when gone), and then the lists are
/// read again and the name resolved anew; what fsh itself changes it writes into the read.
/// Kept per cluster (host and port); any other change fsh makes (create, destroy, leases)
/// drops it.
final class RecentRead {
  /// How long a read may be reused (a person's `move` a minute later reads again).
  static let reuseFor: TimeInterval = 10

  var view: ClusterView
  var leases: [Lease]?
  let time: Date
  let cluster: String?

  init(_ view: ClusterView, cluster: String?) {
    self.view = view
    self.time = Date()
    self.cluster = cluster
  }

  var isFresh: Bool { -time.timeIntervalSinceNow < Self.reuseFor }

  /// Where each live dataset's name and each id is in `view.datasets`, made on first use (a
  /// drain resolves one name per move; names and ids never change, and what removes a dataset
  /// drops the whole read).
  private lazy var byName: [String: [Int]] = {
    var out: [String: [Int]] = [:]
    for (i, v) in view.datasets.enumerated() where !v.configuration.deleted {
      if let name = v.configuration.name { out[name, default: []].append(i) }
    }
    return out
  }()
  private lazy var byID: [String: Int] = {
    var out: [String: Int] = [:]
    for (i, v) in view.datasets.enumerated() { out[v.configuration.datasetID] = i }
    return out
  }()

  /// The live dataset with this exact name when it is the only one, without a scan; nil for
  /// anything else (an id prefix, a name used twice, none), which the view's lookup answers
  /// with its messages.
  func uniquelyNamed(_ name: String) -> DatasetView? {
    guard let hits = byName[name], hits.count == 1 else { return nil }
    return view.datasets[hits[0]]
  }

  /// What fsh changed itself, written into the read so that the next command sees it.
  func moved(_ configuration: DatasetConfiguration, to node: Node) {
    guard let i = byID[configuration.datasetID] else { return }
    // Changed in place: the read holds the only reference to the list.
    view.datasets[i].configuration = configuration
    view.datasets[i].node = node
    view.datasets[i].status = ClusterView.status(
      configuration, state: view.datasets[i].state, configuredNodeReporting: true)
  }
}
