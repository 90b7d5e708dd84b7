import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// What `--until` waits for.
enum WatchGoal: String, ChoiceValue {
  /// Every watched dataset in its desired place: attached on its configured node, or (deleted)
  /// no longer listed by the state.
  case converged
}

extension Parameter {
  static var watch: Parameter {
    .flag(
      ["--watch", "-w"],
      "keep reading: redraw in place on a terminal, else a line per change (JSON with -o json)")
  }
}

extension Param where Value == Seconds {
  static var every: Param {
    .option(["--every"], "DURATION", "with --watch: read this often (default 2s)")
  }
  static var watchTimeout: Param {
    .option(["--timeout"], "DURATION", "with --until: give up after this long, naming what blocks")
  }
}

extension Param where Value == WatchGoal {
  static var until: Param {
    .option(["--until"], "GOAL", "with --watch: stop once converged (exit 0)")
  }
}

/// `datasets --watch` and `dataset NAME --watch`: the datasets read every `every` seconds,
/// shown as a table redrawn in place on a terminal (header with counts, changed rows marked,
/// how long each has been in its status) or, elsewhere, as one line per change (`Transition`),
/// starting with the current state. The changes are those the session's `Sightings` keeps.
struct DatasetWatch {
  var every: Double
  var until: WatchGoal?
  var timeout: Double?
  var columns: [Column]
  /// The watched datasets of one read (the command's filters).
  var select: (ClusterView) throws -> [DatasetView]

  func run(_ context: CommandContext) throws -> CommandResult {
    let seen = context.session.sightings
    let live = context.session.host?.liveView(options: context.options)
    defer { live?.end() }
    let start = Date()
    var previous: [String: (DatasetStatus, String?)] = [:]
    var rows: [DatasetView] = []
    var changed: Set<String> = []
    var lastRead = 0.0
    var failure: String?
    var printed = seen.sequence
    var watched: Set<String> = []
    var first = true
    while true {
      try context.checkCancelled()
      do {
        let view = try Datasets.loadView(context)
        rows = try select(view)
        lastRead = Date().timeIntervalSince1970
        failure = nil
        changed = []
        for v in rows {
          let id = v.configuration.datasetID
          let now = (v.status, v.attachedNode?.uuid ?? v.configuration.primary)
          if let was = previous[id], was != now { changed.insert(id) }
          if !first, previous[id] == nil { changed.insert(id) }
          previous[id] = now
        }
        if live == nil {
          if first {
            for v in rows {
              emit(Transition.opening(v, at: lastRead, seen: seen), context: context, seen: seen)
            }
          } else {
            for t in seen.events(since: printed)
            where watched.contains(t.datasetID)
              || rows.contains(where: { $0.configuration.datasetID == t.datasetID })
            {
              emit(t, context: context, seen: seen)
            }
          }
          context.session.host?.flush()
        }
        printed = seen.sequence
        watched.formUnion(rows.map(\.configuration.datasetID))
        first = false
      } catch let d as Diagnostic where !first && [.connection, .server].contains(d.code) {
        // The last table stays; the header says why it is old.
        failure = d.message
        if live == nil { context.warn("last read failed: \(d.message) (retrying)") }
      }
      if let live {
        live.draw(
          frame(
            rows, changed: changed, lastRead: lastRead, failure: failure, context: context,
            seen: seen, size: live.size, color: live.color))
      }
      if until == .converged, failure == nil, rows.allSatisfy(Self.isConverged) {
        live?.end()
        return context.inform(
          "converged: \(rows.count) dataset\(rows.count == 1 ? "" : "s") in their desired place "
            + "after \(Durations.format(-start.timeIntervalSinceNow))")
      }
      if let timeout, -start.timeIntervalSinceNow >= timeout {
        throw try timedOut(rows.filter { !Self.isConverged($0) }, context: context, seen: seen)
      }
      let left = timeout.map { $0 + start.timeIntervalSinceNow } ?? every
      try sleep(min(every, max(0.05, left)), context, live: live) {
        live?.draw(
          frame(
            rows, changed: changed, lastRead: lastRead, failure: failure, context: context,
            seen: seen, size: live!.size, color: live!.color))
      }
    }
  }

  /// `--every`, `--until` and `--timeout` need `--watch`; `--timeout` needs `--until`.
  static func check(
    watch: Bool, every: Seconds?, until: WatchGoal?, timeout: Seconds?, _ arguments: Arguments
  ) throws {
    let name = arguments.command
    for (given, flag) in [(every != nil, "--every"), (until != nil, "--until")]
    where given && !watch {
      throw Diagnostic.usage(
        "'\(flag)' works only with '--watch'", notes: ["add --watch: \(name) --watch \(flag) …"])
    }
    if timeout != nil && until == nil {
      throw Diagnostic.usage(
        "'--timeout' works only with '--until'",
        notes: ["say what to wait for: \(name) --watch --until converged --timeout …"])
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

  /// Sleeps, redrawing at once when the terminal is resized meanwhile.
  private func sleep(
    _ seconds: Double, _ context: CommandContext, live: (any LiveView)?, redraw: () -> Void
  ) throws {
    let deadline = Date().addingTimeInterval(seconds)
    var size = live?.size
    while true {
      let left = deadline.timeIntervalSinceNow
      if left <= 0 { return }
      try context.session.sleep(seconds: min(left, live == nil ? left : 0.2))
      if let live, let was = size, live.size != was {
        size = live.size
        redraw()
      }
    }
  }

  private func emit(_ t: Transition, context: CommandContext, seen: Sightings) {
    var options = context.options
    let line: String
    if options.output == .json {
      line = JSON.encode(t.value, pretty: false)
    } else {
      line = t.line(seen: seen)
    }
    // Shown as text: one line each, which `-o json` would otherwise reformat.
    options.output = .table
    context.session.host?.show(CommandResult(.string(line), .text), options: options)
  }

  /// The header and the table, fitted to the terminal.
  func frame(
    _ rows: [DatasetView], changed: Set<String>, lastRead: Double, failure: String?,
    context: CommandContext, seen: Sightings, size: (columns: Int, rows: Int), color: Bool
  ) -> [String] {
    let c = context.session.configuration
    let cluster =
      c.cluster?.value ?? c.host.map { "\($0):\(c.port)" } ?? "no cluster"
    var byStatus: [DatasetStatus: Int] = [:]
    for v in rows { byStatus[v.status, default: 0] += 1 }
    let summary =
      DatasetStatus.allCases.compactMap { s in byStatus[s].map { "\($0) \(s.rawValue)" } }
      .joined(separator: ", ")
    // What matters first: a narrow terminal cuts the end.
    let counts = summary.isEmpty ? "no datasets" : summary
    var header =
      counts + " · read \(Sightings.clock(lastRead)) every \(Durations.format(every)) · \(cluster)"
    if let failure {
      // The failure cut in its middle, so that "(retrying)" stays in view.
      let head = counts + " · last read failed: "
      let room = size.columns - 2 - DisplayWidth.of(head) - DisplayWidth.of(" (retrying)")
      let message = TerminalText.safe(failure)
      header =
        head
        + (DisplayWidth.of(message) <= room
          ? message : DisplayWidth.prefix(message, columns: max(1, room - 1)) + "…")
        + " (retrying)"
    }
    var lines = [DisplayWidth.prefix(TerminalText.safe(header), columns: size.columns - 1)]
    // Only the rows that fit are laid out (a frame of 10 000 rows would be built for 40).
    let capacity = max(1, size.rows - 3)
    let visible = rows.count > capacity ? Array(rows.prefix(capacity - 1)) : rows
    let now = Date().timeIntervalSince1970
    let records: [Value] = visible.map { v in
      guard case .record(var r) = v.value else { return v.value }
      r["since"] = .string(Self.since(seen.seen(v.configuration.datasetID), now: now))
      return .record(r)
    }
    // SINCE beside STATUS, before the node and path that a narrow terminal cuts.
    var shown = columns
    let at = (shown.firstIndex { $0.key == DatasetField.status.key } ?? shown.count - 1) + 1
    shown.insert(Column("since", "SINCE"), at: at)
    let table = ResultFormatter(width: max(20, size.columns - 3), color: false)
      .table(shown, records)
    var body = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if body.last == "" { body.removeLast() }
    for (i, row) in body.enumerated() {
      // The table gives way down to its narrowest columns; the frame never wraps.
      let text = DisplayWidth.prefix(row, columns: size.columns - 3)
      let id = i == 0 ? nil : visible[i - 1].configuration.datasetID
      guard let id, changed.contains(id) else {
        lines.append("  " + text)
        continue
      }
      lines.append(color ? "\u{1B}[1;33m* " + text + "\u{1B}[0m" : "* " + text)
    }
    if visible.count < rows.count {
      lines.append(
        DisplayWidth.prefix(
          "  … \(rows.count - visible.count) more (narrow it: on NODE, status STATUS, name GLOB)",
          columns: size.columns - 1))
    }
    return lines
  }

  /// The error of `--timeout`: how many did not converge, and for each where it is and why.
  private func timedOut(_ blocked: [DatasetView], context: CommandContext, seen: Sightings) throws
    -> Diagnostic
  {
    let leases = (try? context.cluster { try $0.leases() }) ?? []
    let view = try? Datasets.loadView(context)
    var notes: [String] = []
    for v in blocked.prefix(20) {
      let name = Whereabouts.name(v)
      let blockers = v.blockers(
        leases: leases, nodes: view?.nodes ?? [],
        lastMountedOn: seen.lastListed(v.configuration.datasetID)?.node)
      let why =
        blockers.first.map {
          Whereabouts.words($0, ref: v.configuration.name ?? v.configuration.datasetID, seen: seen)
        }
      notes.append(
        "\(name) is \(v.status.rawValue): \(Whereabouts.brief(v))"
          + (why.map { "; blocked: \($0.message); \($0.fix)" } ?? ""))
    }
    if blocked.count > 20 { notes.append("and \(blocked.count - 20) more") }
    return Diagnostic(
      "\(blocked.count) dataset\(blocked.count == 1 ? " is" : "s are") not converged after "
        + Durations.format(timeout ?? 0),
      code: .timeout, notes: notes)
  }
}
