import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// `datasets --watch` and `dataset NAME --watch` on `Watch`: the rows are the datasets the
/// command's filters keep, a change is one of status or node, SINCE says for how long, and the
/// lines for a pipe are the transitions the session's `Sightings` keeps, opening with the
/// current state.
struct DatasetWatch {
  var every: Double
  var until: WatchGoal?
  var timeout: Double?
  var columns: [Column]
  /// The watched datasets of one read (the command's filters).
  var select: (ClusterView) throws -> [DatasetView]

  func run(_ context: CommandContext) throws -> CommandResult {
    let seen = context.session.sightings
    let start = Date()
    var datasets: [DatasetView] = []
    var printed = seen.sequence
    var watched: Set<String> = []
    // SINCE beside STATUS, before the node and path that a narrow terminal cuts.
    var shown = columns
    let at = (shown.firstIndex { $0.key == DatasetField.status.key } ?? shown.count - 1) + 1
    shown.insert(Column("since", "SINCE"), at: at)
    let watch = Watch(
      every: every, timeout: until == nil ? nil : timeout, columns: shown,
      report: { read, previous, time in
        var out: [Transition] = []
        if previous == nil {
          out = datasets.map { Transition.opening($0, at: time, seen: seen) }
        } else {
          let ids = Set(read.rows.map(\.key))
          out = seen.events(since: printed).filter {
            watched.contains($0.datasetID) || ids.contains($0.datasetID)
          }
        }
        printed = seen.sequence
        watched.formUnion(read.rows.map(\.key))
        return out.map { WatchLine($0.value, $0.line(seen: seen)) }
      },
      finished: { _ in
        guard until == .converged, datasets.allSatisfy(Self.isConverged) else { return nil }
        return context.inform(
          "converged: \(datasets.count) dataset\(datasets.count == 1 ? "" : "s") in their "
            + "desired place after \(Durations.format(-start.timeIntervalSinceNow))")
      },
      timedOut: { _ in
        try timedOut(datasets.filter { !Self.isConverged($0) }, context: context, seen: seen)
      })
    return try watch.run(context) {
      datasets = try select(Datasets.loadView(context))
      let now = Date().timeIntervalSince1970
      var byStatus: [DatasetStatus: Int] = [:]
      for v in datasets { byStatus[v.status, default: 0] += 1 }
      let counts = DatasetStatus.allCases.compactMap { s in
        byStatus[s].map { "\($0) \(s.rawValue)" }
      }.joined(separator: ", ")
      return WatchRead(
        rows: datasets.map { v in
          let id = v.configuration.datasetID
          return WatchRead.Row(
            key: id,
            state: v.status.rawValue + " "
              + (v.attachedNode?.uuid ?? v.configuration.primary ?? ""),
            record: {
              guard case .record(var r) = v.value else { return v.value }
              r["since"] = .string(Self.since(seen.seen(id), now: now))
              return .record(r)
            })
        }, counts: counts.isEmpty ? "no datasets" : counts)
    }
  }

  /// How long the dataset has been in its status, in steps that change rarely (a refresh where
  /// nothing changed rewrites no row): seconds in the first minute, then minutes, then hours.
  /// Blank when this session never saw its status change (it may hold from long before).
  static func since(_ s: Sightings.Seen?, now: Double) -> String {
    guard let s, !s.sinceFirstRead else { return "" }
    let t = max(0, now - s.since)
    if t < 60 { return "\(Int(t))s" }
    if t < 3600 { return "\(Int(t / 60))m" }
    return "\(Int(t / 3600))h"
  }

  /// Attached on its configured node, or deleted and no longer listed.
  static func isConverged(_ v: DatasetView) -> Bool {
    v.configuration.deleted ? v.status == .deleted : v.status == .attached
  }

  /// The error of `--timeout`: how many did not converge, and for each where it is and why.
  private func timedOut(_ blocked: [DatasetView], context: CommandContext, seen: Sightings) throws
    -> Diagnostic
  {
    let leases = (try? context.cluster { try $0.leases() }) ?? []
    let view = try? Datasets.loadView(context)
    let notes = Whereabouts.notConverged(
      blocked, leases: leases, nodes: view?.nodes ?? [], seen: seen)
    return Diagnostic(
      "\(blocked.count) dataset\(blocked.count == 1 ? " is" : "s are") not converged after "
        + Durations.format(timeout ?? 0),
      code: .timeout, notes: notes)
  }
}
