import Foundation
import FshLanguage
import FshRuntime
import FshSandbox
import Testing

@testable import FshKit

/// A terminal for the tests: the frames a watch drew, at a size the test chooses.
final class FrameHost: SessionHost {
  final class View: LiveView {
    var frames: [[String]] = []
    var ended = false
    var size: (columns: Int, rows: Int)
    let color = false
    init(size: (columns: Int, rows: Int)) { self.size = size }
    func draw(_ lines: [String]) { frames.append(lines) }
    func end() { ended = true }
  }
  let view: View
  var output = ""
  var reports: [Diagnostic] = []
  var history: [String] = []
  init(columns: Int = 120, rows: Int = 40) { view = View(size: (columns, rows)) }
  func show(_ result: CommandResult, options: SessionOptions) {
    output += ResultFormatter(width: nil, color: false).render(result, format: options.output)
  }
  func report(_ diagnostic: Diagnostic) { reports.append(diagnostic) }
  func confirm(_ question: String) -> Bool? { nil }
  func liveView(options: SessionOptions) -> (any LiveView)? {
    options.output == .table ? view : nil
  }
}

/// `--watch`, `events`, `wait` on many and `--wait`, against sandboxes whose agents take time.
@Suite(.serialized) struct WatchTests {
  /// Agents that take a second a step: a create is seen pending before it is attached.
  static let slow = Result { try TestSandbox.make(convergenceDelay: 1) }

  @Test func jsonLinesStartWithTheStateAndFollowACreateToAttached() throws {
    let sandbox = try Self.slow.get()
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let o = s.run(
      """
      let made = create watched-1 1G on 10.0.0.2
      datasets name watched-1 --watch --every 0.3s --until converged --timeout 60s -o json
      """, name: "watch")
    #expect(o.status == 0, "\(host.output) \(host.warnings)")
    let lines = host.output.split(separator: "\n").map(String.init)
    let objects = try lines.map { try JSON.decode($0) }
    let keys = ["time", "dataset_id", "name", "change", "from", "to", "node", "host"]
    for object in objects {
      guard case .record(let r) = object else {
        Issue.record("not an object: \(object)")
        continue
      }
      #expect(r.keys == keys)
    }
    let first = try #require(objects.first)
    #expect(first["from"] == .null && first["to"] == .string("pending"), "\(lines)")
    #expect(first["host"] == .string("10.0.0.2"))
    #expect(
      objects.contains { $0["change"] == .string("status") && $0["to"] == .string("attached") },
      "\(lines)")
    // One JSON object a line, nothing else on standard output.
    #expect(lines.allSatisfy { $0.hasPrefix("{\"time\":\"") && $0.hasSuffix("}") })
    #expect(host.informed.contains { $0.hasPrefix("converged: 1 dataset") })

    // `events` keeps the same transitions, as the same objects.
    host.output = ""
    #expect(s.run("events name watched-1 -o json", name: "events").status == 0)
    guard case .list(let events) = try JSON.decode(host.output) else {
      Issue.record("events -o json is not an array: \(host.output)")
      return
    }
    #expect(!events.isEmpty)
    // Changes only: a status always comes from one (a path may come from none).
    #expect(events.allSatisfy { $0["change"] != .string("status") || $0["from"] != .null })
    #expect(
      events.contains { $0["to"] == .string("attached") && $0["change"] == .string("status") })

    // `dataset` says since when, as this session saw it change.
    host.output = ""
    #expect(s.run("dataset watched-1", name: "dataset").status == 0)
    #expect(host.output.contains("where:         attached on "), "\(host.output)")
    #expect(host.output.range(of: #" since \d\d:\d\d:\d\d"#, options: .regularExpression) != nil)
  }

  @Test func aFrameMarksWhatChangedAndFitsTheTerminal() throws {
    let sandbox = try Self.slow.get()
    let host = FrameHost(columns: 50, rows: 12)
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let o = s.run(
      """
      let made = create framed-1 1G on 10.0.0.3
      datasets name framed-1 --watch --every 0.3s --until converged --timeout 60s
      """, name: "frame")
    #expect(o.status == 0, "\(host.reports)")
    let frames = host.view.frames
    #expect(frames.count >= 2)
    #expect(host.view.ended)
    for frame in frames {
      #expect(frame.count <= 12)
      for line in frame { #expect(DisplayWidth.of(line) < 50, "\(line)") }
    }
    let first = try #require(frames.first)
    #expect(first[0].hasPrefix("1 pending · read "), "\(first)")
    #expect(!first.contains { $0.hasPrefix("* ") })
    // The read that saw it attached marks its row (no colour here: a '*').
    let last = try #require(frames.last)
    #expect(last[0].hasPrefix("1 attached · read "), "\(last)")
    #expect(
      frames.contains { f in f.contains { $0.hasPrefix("* ") && $0.contains("attached") } },
      "\(frames)")
    #expect(last[1].contains("STATUS    SINCE"), "\(last)")
  }

  @Test func aShortTerminalShowsTheRowsThatFitAndHowManyMore() throws {
    let sandbox = try TestSandbox.make()
    let host = FrameHost(columns: 80, rows: 6)
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let o = s.run(
      """
      for n in 1 2 3 4 5 { let d = create "short-$n" 1G on 10.0.0.2 }
      datasets --watch --every 0.2s --until converged --timeout 60s
      """, name: "short")
    #expect(o.status == 0, "\(host.reports)")
    let last = try #require(host.view.frames.last)
    #expect(last.count == 5, "\(last)")
    #expect(last[2].contains("short-1") && last[3].contains("short-2"), "\(last)")
    #expect(last[4] == "  … 3 more (narrow it: on NODE, status STATUS, name GLOB)")
  }

  /// `nodes --watch` and `leases --watch` print a line per row added, removed or changed.
  @Test func nodesAndLeasesWatchesPrintTheirChanges() throws {
    let sandbox = try TestSandbox.make(stateExpiry: 0.3)
    let host = LockedTextHost()
    let watcher = Session(environment: TestSandbox.environment(sandbox), host: host)
    let actor = Session(environment: TestSandbox.environment(sandbox), host: TextHost())
    #expect(
      actor.run(
        """
        let a = create leased-1 1G on 10.0.0.2
        let b = create leased-2 1G on 10.0.0.2 --wait
        let l = lease acquire leased-1 on 10.0.0.2
        """, name: "a"
      ).status == 0)
    // Runs `source` on another thread until `cancel()`; its exit status.
    final class Background: @unchecked Sendable {
      let done = DispatchSemaphore(value: 0)
      var status: Int32 = -1
      init(_ session: Session, _ source: String) {
        Thread.detachNewThread { [self] in
          status = session.run(source, name: "watch").status
          done.signal()
        }
      }
    }
    // Hang guards of 30 s: a line per change, not a redraw.
    func until(_ text: String) -> Bool {
      for _ in 0..<300 where !host.text.contains(text) { Thread.sleep(forTimeInterval: 0.1) }
      return host.text.contains(text)
    }
    let leases = Background(watcher, "leases --watch --every 0.1s -o json")
    // The opening line, once the watch has read; then another process's lease appears.
    #expect(until(#""change":"listed","dataset_id":""#), "\(host.text)")
    #expect(actor.run("let l = lease acquire leased-2 on 10.0.0.2", name: "l").status == 0)
    #expect(until(#""change":"added","dataset_id":""#), "\(host.text)")
    #expect(actor.run("let l = lease release leased-2", name: "r").status == 0)
    #expect(until(#""change":"removed","dataset_id":""#), "\(host.text)")
    watcher.cancel()
    #expect(leases.done.wait(timeout: .now() + 30) == .success)
    #expect(leases.status == 130)
    // The nodes' watch: its opening lines, then a node whose agent stopped leaves the list.
    host.clear()
    let second = Session(environment: TestSandbox.environment(sandbox), host: host)
    let nodes = Background(second, "nodes --watch --every 0.1s -o json")
    #expect(until(#""change":"listed","uuid":""#), "\(host.text)")
    let silent = try #require(sandbox.nodes.first { $0.host == "10.0.0.3" })
    #expect(sandbox.stopAgent(silent.uuid))
    #expect(
      until(#""change":"removed","uuid":"\#(silent.uuid)","host":"10.0.0.3""#), "\(host.text)")
    second.cancel()
    #expect(nodes.done.wait(timeout: .now() + 30) == .success)
    for line in host.text.split(separator: "\n") { #expect(line.hasPrefix("{\"time\":\"")) }
  }

  /// Events' times: written in UTC, read back for the local TIME column.
  @Test func timestampsRoundTrip() {
    #expect(Timestamps.iso(0) == "1970-01-01T00:00:00Z")
    #expect(Timestamps.iso(1_796_630_592.7) == "2026-12-07T08:03:12Z")
    #expect(Timestamps.seconds(iso: "2026-12-07T08:03:12Z") == 1_796_630_592)
    #expect(Timestamps.seconds(iso: "2026-12-07 09:23:12") == nil)
    #expect(Timestamps.seconds(iso: "2026-1x-07T09:23:12Z") == nil)
  }

  @Test func sinceChangesInSteps() {
    func seen(_ ago: Double, firstRead: Bool = false) -> String {
      DatasetWatch.since(
        .init(
          status: .attached, node: nil, path: nil, since: 1000 - ago, sinceFirstRead: firstRead),
        now: 1000)
    }
    #expect(DatasetWatch.since(nil, now: 0) == "")
    #expect(seen(500, firstRead: true) == "")
    #expect(seen(0.4) == "0s" && seen(59.9) == "59s")
    #expect(seen(60) == "1m" && seen(3599) == "59m" && seen(7300) == "2h")
  }

  @Test func untilConvergedTimesOutNamingWhatBlocks() throws {
    // A node whose agent stopped leaves the state after `stateExpiry` (120 s in Flocker).
    let sandbox = try TestSandbox.make(stateExpiry: 0.3)
    let silent = try #require(sandbox.nodes.first { $0.host == "10.0.0.3" })
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    #expect(s.run("let made = create stuck-1 1G on 10.0.0.3", name: "create").status == 0)
    #expect(sandbox.stopAgent(silent.uuid))
    let o = s.run(
      "datasets --watch --every 0.2s --until converged --timeout 1s name stuck-1", name: "timeout")
    #expect(o.status == 1)
    let d = try #require(o.stoppedBy)
    #expect(d.code == .timeout)
    #expect(d.message == "1 dataset is not converged after 1s", "\(d.message)")
    #expect(
      d.notes.contains {
        $0.hasPrefix("'stuck-1' (") && $0.contains("blocked: its configured node")
          && $0.contains("start flocker-dataset-agent")
      }, "\(d.notes)")
  }

  @Test func waitTakesSeveralDatasetsANodeOrAll() throws {
    let sandbox = try TestSandbox.make()
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let o = s.run(
      """
      let a = create many-1 1G on 10.0.0.2
      let b = create many-2 1G on 10.0.0.2
      let c = create many-3 1G on 10.0.0.3
      wait many-1 many-2 many-3 attached timeout 60s
      wait on 10.0.0.2 attached timeout 60s
      let d = destroy many-3 --yes
      let w = wait all converged timeout 60s settle 1s
      echo $w.length
      let m = move many-1 to 10.0.0.1 --wait timeout 60s
      echo $m.status $m.attached_host
      let n = create many-4 1G on 10.0.0.1 --wait timeout 60s
      echo $n.status
      """, name: "many")
    #expect(o.status == 0, "\(host.output) \(host.warnings)")
    let lines = host.output.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("3 datasets are attached: 'many-1' (") }, "\(lines)")
    // The sandbox's three seeded datasets are on 10.0.0.1; many-1 and many-2 on 10.0.0.2.
    #expect(lines.contains { $0.hasPrefix("2 datasets are attached: 'many-1' (") }, "\(lines)")
    #expect(lines.contains("attached 10.0.0.1"), "\(lines)")
    #expect(lines.last == "attached")

    // What is not there after the timeout is named, with where it is.
    #expect(sandbox.stopAgent(try #require(sandbox.nodes.first { $0.host == "10.0.0.3" }).uuid))
    let late = s.run(
      "let x = create many-5 1G on 10.0.0.3; wait many-4 many-5 attached timeout 1s", name: "late")
    let d = try #require(late.stoppedBy)
    #expect(d.code == .timeout && d.message == "1 of 2 datasets is not attached after 1s")
    #expect(d.notes.first?.hasPrefix("'many-5' (") == true, "\(d.notes)")
  }

  @Test func waitNamesWhatItNeeds() {
    let s = Session(
      environment: SessionEnvironment(variables: [:], workingDirectory: "/"), host: CollectingHost()
    )
    let none = s.run("wait attached", name: "w")
    #expect(none.stoppedBy?.message == "'wait' needs datasets: NAME|ID…, 'on NODE' or 'all'")
    let both = s.run("wait all a attached", name: "w")
    #expect(both.stoppedBy?.message == "'wait all' takes no dataset names")
    let typo = s.run("wait a b atached", name: "w")
    #expect(typo.stoppedBy?.message == "invalid status 'atached'")
    let flags = s.run("datasets --every 1s", name: "w")
    #expect(flags.stoppedBy?.message == "'--every' works only with '--watch'")
    let timeout = s.run("datasets --watch --timeout 1s", name: "w")
    #expect(timeout.stoppedBy?.message == "'--timeout' works only with '--until'")
  }
}

/// A `TextHost` read from another thread while a watch writes to it.
final class LockedTextHost: SessionHost, @unchecked Sendable {
  private let lock = NSLock()
  private var output = ""
  var history: [String] = []
  var text: String { lock.withLock { output } }
  func clear() { lock.withLock { output = "" } }
  func show(_ result: CommandResult, options: SessionOptions) {
    let t = ResultFormatter(width: nil, color: false).render(result, format: options.output)
    lock.withLock { output += t }
  }
  func report(_ diagnostic: Diagnostic) {}
  func confirm(_ question: String) -> Bool? { nil }
}
