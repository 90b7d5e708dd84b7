import Foundation
import FshLanguage
import FshRuntime

/// One read of a watched list: its rows in order and the header's counts.
struct WatchRead {
  struct Row {
    /// What identifies the row from one read to the next.
    var key: String
    /// What counts as a change of the row (its status and node, a lease's holder).
    var state: String
    /// The row's record, made only for the rows shown.
    var record: () -> Value
  }
  var rows: [Row]
  /// `12 attached, 2 moving`, `3 nodes`.
  var counts: String
}

/// A line a watch prints when its output is not a terminal.
struct WatchLine {
  var json: Value
  var text: String
  init(_ json: Value, _ text: String) {
    self.json = json
    self.text = text
  }
}

/// The loop of every `--watch`: a read every `every` seconds, shown on a terminal as a frame
/// redrawn in place (the counts and the time of the last good read, the rows that fit, those
/// that changed since the previous read marked) or elsewhere as the lines `report` gives (the
/// opening state, then the changes). A read that fails after the first is tried again, its error
/// on the header and the last table kept; Ctrl-C ends it.
struct Watch {
  var every: Double
  var timeout: Double?
  var columns: [Column]
  /// The lines of a read for a pipe: each as a JSON object (`-o json`) and as text; `previous`
  /// is nil for the first read.
  var report: (_ read: WatchRead, _ previous: WatchRead?, _ time: Double) -> [WatchLine]
  /// The result that ends the watch, or nil to go on.
  var finished: (WatchRead) -> CommandResult? = { _ in nil }
  /// The error when `timeout` has passed.
  var timedOut: (WatchRead) throws -> Diagnostic = { _ in
    Diagnostic("the watch timed out", code: .timeout)
  }

  func run(_ context: CommandContext, read: () throws -> WatchRead) throws -> CommandResult {
    let live = context.session.host?.liveView(options: context.options)
    defer { live?.end() }
    let start = Date()
    var last: WatchRead?
    var changed: Set<String> = []
    var lastRead = 0.0
    var failure: String?
    func draw() {
      guard let live, let last else { return }
      live.draw(
        frame(
          last, changed: changed, lastRead: lastRead, failure: failure, context: context,
          size: live.size, color: live.color))
    }
    while true {
      try context.checkCancelled()
      do {
        let now = try read()
        lastRead = Date().timeIntervalSince1970
        failure = nil
        changed = []
        if let last {
          var before: [String: String] = [:]
          for r in last.rows { before[r.key] = r.state }
          for r in now.rows where before[r.key] != r.state { changed.insert(r.key) }
        }
        if live == nil {
          for line in report(now, last, lastRead) { emit(line, context) }
          context.session.host?.flush()
        }
        last = now
      } catch let d as Diagnostic where last != nil && [.connection, .server].contains(d.code) {
        failure = d.message
        if live == nil { context.warn("last read failed: \(d.message) (retrying)") }
      }
      draw()
      if failure == nil, let last, let result = finished(last) {
        live?.end()
        return result
      }
      if let timeout, -start.timeIntervalSinceNow >= timeout, let last {
        throw try timedOut(last)
      }
      let left = timeout.map { $0 + start.timeIntervalSinceNow } ?? every
      try sleep(min(every, max(0.05, left)), context, live: live, redraw: draw)
    }
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

  /// One line on standard output: compact JSON with `-o json`, else the line's text.
  private func emit(_ line: WatchLine, _ context: CommandContext) {
    var options = context.options
    let text = options.output == .json ? JSON.encode(line.json, pretty: false) : line.text
    // Shown as text: one line each, which `-o json` would otherwise lay out over several.
    options.output = .table
    context.session.host?.show(CommandResult(.string(text), .text), options: options)
  }

  /// The header and the rows that fit, each line narrower than the terminal.
  func frame(
    _ read: WatchRead, changed: Set<String>, lastRead: Double, failure: String?,
    context: CommandContext, size: (columns: Int, rows: Int), color: Bool
  ) -> [String] {
    let c = context.session.configuration
    let cluster = c.cluster?.value ?? c.host.map { "\($0):\(c.port)" } ?? "no cluster"
    // What matters first: a narrow terminal cuts the end.
    var header =
      read.counts + " · read \(Sightings.clock(lastRead)) every \(Durations.format(every)) · "
      + cluster
    if let failure {
      // The failure cut in its middle, so that "(retrying)" stays in view.
      let head = read.counts + " · last read failed: "
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
    let visible = read.rows.count > capacity ? Array(read.rows.prefix(capacity - 1)) : read.rows
    let table = ResultFormatter(width: max(20, size.columns - 3), color: false)
      .table(columns, visible.map { $0.record() })
    var body = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if body.last == "" { body.removeLast() }
    for (i, row) in body.enumerated() {
      // The table gives way down to its narrowest columns; the frame never wraps.
      let text = DisplayWidth.prefix(row, columns: size.columns - 3)
      guard i > 0, changed.contains(visible[i - 1].key) else {
        lines.append("  " + text)
        continue
      }
      lines.append(color ? "\u{1B}[1;33m* " + text + "\u{1B}[0m" : "* " + text)
    }
    if visible.count < read.rows.count {
      lines.append(
        DisplayWidth.prefix(
          "  … \(read.rows.count - visible.count) more (narrow it: on NODE, status STATUS, "
            + "name GLOB)", columns: size.columns - 1))
    }
    return lines
  }

  /// `nodes --watch`, `leases --watch`: a list that keeps no transitions, its rows compared
  /// read by read (`rowChanges`), counted as "3 nodes".
  static func list(
    every: Seconds?, columns: [Column], noun: String, _ context: CommandContext,
    read: () throws -> [(key: String, state: String, record: Value)]
  ) throws -> CommandResult {
    try Watch(every: every?.seconds ?? 2, timeout: nil, columns: columns, report: rowChanges)
      .run(context) {
        let rows = try read()
        return WatchRead(
          rows: rows.map { r in WatchRead.Row(key: r.key, state: r.state, record: { r.record }) },
          counts: "\(rows.count) \(noun)\(rows.count == 1 ? "" : "s")")
      }
  }

  /// For lists that keep no transitions (nodes, leases): a line per row at the first read, then
  /// one per row added, removed or changed, each the row's record after `time` and `change`
  /// (as text: the time, the change and the row's `state`).
  static func rowChanges(_ read: WatchRead, _ previous: WatchRead?, _ time: Double)
    -> [WatchLine]
  {
    func line(_ change: String, _ row: WatchRead.Row) -> WatchLine {
      let text = "\(Sightings.clock(time)) \(change) \(row.state)"
      guard case .record(let r) = row.record() else { return WatchLine(row.record(), text) }
      return WatchLine(
        .record(
          Record(
            [("time", .string(Timestamps.iso(time))), ("change", .string(change))]
              + r.fields.map { ($0.key, $0.value) })), text)
    }
    guard let previous else { return read.rows.map { line("listed", $0) } }
    var before: [String: WatchRead.Row] = [:]
    for r in previous.rows { before[r.key] = r }
    var out: [WatchLine] = []
    for r in read.rows {
      if let was = before.removeValue(forKey: r.key) {
        if was.state != r.state { out.append(line("changed", r)) }
      } else {
        out.append(line("added", r))
      }
    }
    for r in previous.rows where before[r.key] != nil { out.append(line("removed", r)) }
    return out
  }
}

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

extension Watch {
  /// `--every`, `--until` and `--timeout` need `--watch`; `--timeout` needs `--until`.
  static func check(
    watch: Bool, every: Seconds?, until: WatchGoal? = nil, timeout: Seconds? = nil,
    _ arguments: Arguments
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
}
