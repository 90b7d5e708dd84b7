import Foundation
// What fsh has seen of a cluster, so that it can say where a dataset was when the API no longer
// shows it (Flocker's state drops attached-but-unmounted entries and, 120 s after its agent's last
// message, a silent node with its volumes: reference flocker-convergence.md).
import FshClient
import FshFiles
import FshModel
import FshRuntime

/// What this process saw of the cluster it talks to: when and where the state last listed each
/// dataset, when fsh first read each one, each node's last-known host, and every change of a
/// dataset's status, node or path between two reads (`events`, the watch's lines, "since" in
/// `dataset`). The hosts are kept across processes (`names/<cluster>.hosts` beside the completion
/// names), so a node that has left the state is still named by its host.
final class Sightings {
  /// The state's last listing of a dataset seen by this process.
  struct Listed: Equatable {
    var time: Double
    /// The node it was mounted on; nil when listed without one.
    var node: String?
  }

  private let directory: String
  private var cluster: String?
  private var listed: [String: Listed] = [:]
  private var firstRead: [String: Double] = [:]
  private var hosts: [String: String] = [:]
  private var savedHosts: [String: String] = [:]
  /// Each dataset as the last read showed it, and since when its status holds.
  private var current: [String: Seen] = [:]
  /// The changes seen, oldest first; the oldest are dropped beyond `eventLimit`.
  private(set) var events: [Transition] = []
  /// How many transitions were ever kept: the number of the next one.
  private(set) var sequence = 0
  static let eventLimit = 10_000

  /// A dataset as one read showed it.
  struct Seen: Equatable {
    var status: DatasetStatus
    /// The node it is attached to, else its configured node.
    var node: String?
    var path: String?
    /// When its status last changed, as far as this process saw.
    var since: Double
    /// Whether `since` is only the first read (the status may hold from earlier).
    var sinceFirstRead: Bool
  }

  init(stateDirectory: String) { directory = stateDirectory + "/names" }

  /// Records one read of the cluster named `key` (host and port; nil: keep nothing across
  /// processes). A different cluster starts afresh.
  func observe(_ view: ClusterView, cluster key: String?, at time: Double) {
    if key != cluster {
      cluster = key
      listed = [:]
      firstRead = [:]
      hosts = [:]
      current = [:]
      events = []
      savedHosts = key.map(loadHosts) ?? [:]
      hosts = savedHosts
    }
    for n in view.nodes where !n.host.isEmpty { hosts[n.uuid] = n.host }
    let before = events.count
    for v in view.datasets {
      let id = v.configuration.datasetID
      if firstRead[id] == nil { firstRead[id] = time }
      if let s = v.state { listed[id] = Listed(time: time, node: s.primary) }
      note(v, at: time)
    }
    if events.count > Self.eventLimit, events.count > before {
      events.removeFirst(events.count - Self.eventLimit)
    }
    if hosts != savedHosts, let key {
      saveHosts(key)
      savedHosts = hosts
    }
  }

  /// Compares one dataset with the previous read, keeping a transition per field that changed.
  private func note(_ v: DatasetView, at time: Double) {
    let id = v.configuration.datasetID
    let node = v.attachedNode?.uuid ?? v.configuration.primary
    let path = v.state?.path
    guard let was = current[id] else {
      current[id] = Seen(
        status: v.status, node: node, path: path, since: time, sinceFirstRead: true)
      return
    }
    if was.status == v.status && was.node == node && was.path == path { return }
    func add(_ change: Transition.Change, _ from: String?, _ to: String?) {
      sequence += 1
      events.append(
        Transition(
          time: time, datasetID: id, name: v.configuration.name, change: change, from: from,
          to: to, node: node, host: node.flatMap { hosts[$0] }))
    }
    var seen = was
    if was.status != v.status {
      add(.status, was.status.rawValue, v.status.rawValue)
      seen.status = v.status
      seen.since = time
      seen.sinceFirstRead = false
    }
    if was.node != node { add(.node, was.node, node) }
    if was.path != path { add(.path, was.path, path) }
    seen.node = node
    seen.path = path
    current[id] = seen
  }

  /// The transitions kept from number `sequence` on (those already dropped are skipped).
  func events(since sequence: Int) -> ArraySlice<Transition> {
    let first = self.sequence - events.count
    return events[max(0, min(events.count, sequence - first))...]
  }

  /// The dataset as the last read showed it, with since when its status holds.
  func seen(_ datasetID: String) -> Seen? { current[datasetID] }

  /// The last change of the dataset's node that this process saw.
  func lastMove(_ datasetID: String) -> Transition? {
    events.last { $0.datasetID == datasetID && $0.change == .node }
  }

  /// When and where the state last listed the dataset, in this process.
  func lastListed(_ datasetID: String) -> Listed? { listed[datasetID] }

  /// When this process first read the dataset in the configuration.
  func firstSeen(_ datasetID: String) -> Double? { firstRead[datasetID] }

  /// The node's host as last reported (in this process or an earlier one).
  func host(_ uuid: String) -> String? { hosts[uuid] }

  /// The file key of a cluster: its host and port (as the completion names' store spells it).
  static func key(host: String?, port: Int) -> String? {
    guard let host, !host.isEmpty else { return nil }
    let safe = host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
    return String(safe) + "_\(port)"
  }

  private func path(_ key: String) -> String { directory + "/" + key + ".hosts" }

  /// `uuid host` lines; anything else is skipped (the file is only a hint).
  private func loadHosts(_ key: String) -> [String: String] {
    guard let text = TextFile.read(path(key)) else { return [:] }
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
    }
    return out
  }

  /// Best effort: a read-only state directory costs only the names of nodes that later leave.
  private func saveHosts(_ key: String) {
    let text = hosts.keys.sorted().map { "\($0) \(hosts[$0]!)\n" }.joined()
    try? FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try? AtomicFile.write(Array(text.utf8), to: path(key), mode: 0o600)
  }

  /// `14:03:12` in local time.
  static func clock(_ time: Double) -> String { Timestamps.clock(time) }
}
