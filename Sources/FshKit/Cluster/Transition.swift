import Foundation
import FshClient
import FshRuntime

/// One change fsh saw between two reads of a dataset: its status, its node (the one it is
/// attached to, else the configured one) or its path. `events` lists them; a watch prints them.
struct Transition: Equatable {
  enum Change: String { case status, node, path }
  var time: Double
  var datasetID: String
  var name: String?
  var change: Change
  /// Nil on a watch's opening lines (the state when it started).
  var from: String?
  var to: String?
  /// The dataset's node after the change, and its host.
  var node: String?
  var host: String?

  /// A watch's opening line: the dataset as it is.
  static func opening(_ v: DatasetView, at time: Double, seen: Sightings) -> Transition {
    let node = v.attachedNode?.uuid ?? v.configuration.primary
    return Transition(
      time: time, datasetID: v.configuration.datasetID, name: v.configuration.name,
      change: .status, from: nil, to: v.status.rawValue, node: node,
      host: node.flatMap(seen.host))
  }

  /// The record of `events` and of a watch's JSON lines, always with the same eight fields.
  var value: Value {
    .record(
      Record([
        ("time", .string(Timestamps.iso(time))), ("dataset_id", .string(datasetID)),
        ("name", .from(name)), ("change", .string(change.rawValue)), ("from", .from(from)),
        ("to", .from(to)), ("node", .from(node)), ("host", .from(host)),
      ]))
  }

  /// A short line: `14:03:12 web-1 pending → attached on 10.0.0.2`.
  func line(seen: Sightings) -> String {
    let who = name ?? String(datasetID.prefix(8))
    let at = host ?? node.map { String($0.prefix(8)) }
    func place(_ uuid: String?) -> String {
      uuid.map { seen.host($0) ?? String($0.prefix(8)) } ?? "no node"
    }
    let what: String
    switch change {
    case .status:
      let to = (to ?? "?") + (at.map { " on \($0)" } ?? "")
      what = from.map { "\($0) → \(to)" } ?? to
    case .node: what = "node \(place(from)) → \(place(to))"
    case .path: what = "path \(from ?? "none") → \(to ?? "none")"
    }
    return "\(Sightings.clock(time)) \(who) \(what)"
  }

  /// The table of `events`.
  static let columns = [
    Column("time", "TIME") { v in
      // The local clock, as the other times fsh shows.
      guard case .string(let s)? = v["time"], let t = Timestamps.seconds(iso: s) else { return "" }
      return Timestamps.clock(t)
    },
    Column("name", "NAME") { v in
      if case .string(let n)? = v["name"] { return n }
      if case .string(let id)? = v["dataset_id"] { return String(id.prefix(8)) }
      return ""
    },
    Column("change", "CHANGE"), Column("from", "FROM"), Column("to", "TO"), Column("host", "HOST"),
  ]
}
