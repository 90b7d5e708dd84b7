import Foundation
import FshTestSupport
import Testing

/// fsh's words against a sandbox that converges as Flocker 1.15 does (upstream pacing scaled
/// down, per-agent reports that replace the non-manifest list, leases that hold only a mounted
/// volume, silent nodes kept until their state expires): fsh claims only what the API shows.
@Suite(.blocking) struct TruthfulStatusTests {
  /// Upstream's back-off, polls, idle sleeps and backend delays, fifty times faster.
  static let pace = ["--pace", "upstream", "--pace-scale", "0.02"]

  /// One HOME for every fsh process of a test: what fsh remembers across processes lives there.
  let home = BinaryTests.tempHome()

  func fsh(_ sandbox: ServedSandbox, _ script: String, json: Bool = false) throws -> BinaryTests.Run
  {
    var env = sandbox.environment
    env["HOME"] = home
    return try BinaryTests.run((json ? ["-o", "json"] : []) + ["-c", script], env: env)
  }

  func record(_ run: BinaryTests.Run) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
  }

  func agent(_ sandbox: ServedSandbox, _ args: [String]) throws -> BinaryTests.Run {
    try BinaryTests.run(["sandbox", "agent"] + args, env: sandbox.environment)
  }

  /// Polls `condition` (one fsh run each time) until it holds; fails the test after `guard`
  /// seconds (a hang guard, not a duration the test asserts).
  func eventually(
    _ what: String, hangGuard: Double = 90, _ condition: () throws -> Bool
  ) throws {
    let deadline = Date().addingTimeInterval(hangGuard)
    while Date() < deadline {
      if try condition() { return }
      usleep(100_000)
    }
    Issue.record("hang guard (\(Int(hangGuard))s): never saw \(what)")
    throw CancellationError()
  }

  /// Waits until the agent of `host` has stopped (at the step it was told to stop before).
  func waitStopped(_ sandbox: ServedSandbox, _ host: String) throws {
    try eventually("the agent of \(host) stopped") {
      let list = try agent(sandbox, ["list"])
      return list.stdout.split(separator: "\n").contains {
        $0.contains(" \(host) ") && $0.contains("stopped")
      }
    }
  }

  @Test func aLeaseWhereTheVolumeIsNotMountedDoesNotStopItsDeletion() throws {
    let sandbox = try ServedSandbox(flags: Self.pace)
    // Held by another node than the one the volume is mounted on.
    let made = try fsh(
      sandbox,
      "create elsewhere 1G on 10.0.0.1; wait elsewhere attached timeout 60s; "
        + "lease acquire elsewhere on 10.0.0.2")
    #expect(made.status == 0, "\(made.stderr)")
    let destroyed = try fsh(sandbox, "destroy elsewhere --yes")
    #expect(destroyed.status == 0, "\(destroyed.stderr)")
    #expect(!destroyed.stderr.contains("keeps it mounted"), "\(destroyed.stderr)")
    #expect(destroyed.stderr.contains("does not hold it"), "\(destroyed.stderr)")
    let shown = record(try fsh(sandbox, "dataset elsewhere", json: true))
    let blockers = shown["blockers"] as? [[String: Any]] ?? []
    #expect(!blockers.contains { $0["kind"] as? String == "lease" }, "\(shown)")
    #expect((shown["lease"] as? [String: Any])?["blocking"] as? Bool == false, "\(shown)")
    let explained = try fsh(sandbox, "explain elsewhere")
    #expect(!explained.stdout.contains("E1     fail"), "\(explained.stdout)")
    let gone = try fsh(sandbox, "wait elsewhere deleted timeout 60s settle 2s")
    #expect(gone.status == 0, "\(gone.stderr)")

    // Held by the node where the volume is attached but not mounted: still destroyed.
    let stop = try agent(sandbox, ["stop", "10.0.0.3", "--before", "mount"])
    #expect(stop.status == 0, "\(stop.stderr)")
    let created = try fsh(sandbox, "create attached-only 1G on 10.0.0.3")
    #expect(created.status == 0, "\(created.stderr)")
    try waitStopped(sandbox, "10.0.0.3")
    let leased = try fsh(
      sandbox, "lease acquire attached-only on 10.0.0.3; destroy attached-only --yes")
    #expect(leased.status == 0, "\(leased.stderr)")
    #expect(!leased.stderr.contains("keeps it mounted"), "\(leased.stderr)")
    let explainedToo = try fsh(sandbox, "explain attached-only")
    #expect(!explainedToo.stdout.contains("E1     fail"), "\(explainedToo.stdout)")
    #expect(try agent(sandbox, ["start", "10.0.0.3"]).status == 0)
    let destroyedToo = try fsh(sandbox, "wait attached-only deleted timeout 60s settle 2s")
    #expect(destroyedToo.status == 0, "\(destroyedToo.stderr)")
  }

  @Test func aLeasedMountedMoveStallsAndSaysSo() throws {
    let sandbox = try ServedSandbox(flags: Self.pace)
    let made = try fsh(
      sandbox,
      "create held 1G on 10.0.0.1; wait held attached timeout 60s; lease acquire held on 10.0.0.1")
    #expect(made.status == 0, "\(made.stderr)")
    let moved = try fsh(sandbox, "move held to 10.0.0.2; wait held attached timeout 2s")
    #expect(moved.status == 1)
    #expect(
      moved.stderr.contains("where it is mounted: its agent keeps it mounted"), "\(moved.stderr)")
    #expect(moved.stderr.contains("blocked: leased by node"), "\(moved.stderr)")
    let released = try fsh(
      sandbox, "lease release held; wait held attached on 10.0.0.2 timeout 60s")
    #expect(released.status == 0, "\(released.stderr)")
  }

  @Test func anEntryDroppedByAnotherNodesReportIsNotCalledNotCreated() throws {
    let sandbox = try ServedSandbox(flags: Self.pace)
    // Only 10.0.0.2 reports while it creates and attaches 'half', then it stops before the
    // mount: the state lists 'half' without a node, and nothing else reports to drop it yet.
    #expect(try agent(sandbox, ["stop", "10.0.0.1"]).status == 0)
    #expect(try agent(sandbox, ["stop", "10.0.0.3"]).status == 0)
    #expect(try agent(sandbox, ["stop", "10.0.0.2", "--before", "mount"]).status == 0)
    let created = try fsh(sandbox, "create half 1G on 10.0.0.2")
    #expect(created.status == 0, "\(created.stderr)")
    try waitStopped(sandbox, "10.0.0.2")
    // In one process: seen without a node, then dropped when 10.0.0.3 starts again and reports
    // its own view (the script starts that agent through a system command).
    var env = sandbox.environment
    env["HOME"] = home
    env["FSH_BIN"] = BinaryTests.binary
    let run = try BinaryTests.run(
      [
        "-c",
        """
        wait half detached timeout 60s
        echo go | sh -c '"$FSH_BIN" sandbox agent start 10.0.0.3 >/dev/null 2>&1; cat'
        create other 1G on 10.0.0.3
        wait other attached timeout 60s
        let d = dataset half
        echo "status=$d.status"
        echo "where=$d.where"
        explain half
        """,
      ], env: env)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("status=pending"), "\(run.stdout)")
    #expect(!run.stdout.contains("not created"), "\(run.stdout)")
    #expect(run.stdout.contains("where=not reported by any agent"), "\(run.stdout)")
    #expect(run.stdout.contains("last listed without a node at"), "\(run.stdout)")
    // A new process has not seen it listed, and still does not call it "not created".
    let fresh = try fsh(sandbox, "explain half")
    #expect(!fresh.stdout.contains("not created"), "\(fresh.stdout)")
    #expect(fresh.stdout.contains("not reported by any agent"), "\(fresh.stdout)")
  }

  @Test func waitDeletedDoesNotConcludeWhileADroppedVolumeIsStillAttached() throws {
    let sandbox = try ServedSandbox(flags: Self.pace)
    let made = try fsh(sandbox, "create doomed 1G on 10.0.0.2; wait doomed attached timeout 60s")
    #expect(made.status == 0, "\(made.stderr)")
    #expect(try agent(sandbox, ["stop", "10.0.0.2", "--before", "detach"]).status == 0)
    #expect(try fsh(sandbox, "destroy doomed --yes").status == 0)
    try waitStopped(sandbox, "10.0.0.2")
    // Another node reports: the unmounted, still attached volume leaves the state's list.
    let other = try fsh(
      sandbox, "create bystander 1G on 10.0.0.3; wait bystander attached timeout 60s")
    #expect(other.status == 0, "\(other.stderr)")
    let early = try fsh(sandbox, "wait doomed deleted timeout 4s")
    #expect(early.status == 1, "concluded while the volume was still attached: \(early.stdout)")
    #expect(early.stderr.contains("20s settle window"), "\(early.stderr)")
    #expect(try agent(sandbox, ["start", "10.0.0.2"]).status == 0)
    let start = Date()
    let gone = try fsh(sandbox, "wait doomed deleted timeout 60s settle 2s")
    #expect(gone.status == 0, "\(gone.stderr)")
    #expect(Date().timeIntervalSince(start) >= 2, "concluded inside the settle window")
    #expect(gone.stdout.contains("the API cannot confirm"), "\(gone.stdout)")
  }

  @Test func aStoppedAgentLooksAliveUntilItsStateExpiresThenIsNamedByHost() throws {
    let sandbox = try ServedSandbox(flags: Self.pace + ["--state-expiry", "6"])
    let made = try fsh(sandbox, "create lonely 1G on 10.0.0.1; wait lonely attached timeout 60s")
    #expect(made.status == 0, "\(made.stderr)")
    let stopped = Date()
    #expect(try agent(sandbox, ["stop", "10.0.0.1"]).status == 0)
    let during = record(try fsh(sandbox, "dataset lonely", json: true))
    if Date().timeIntervalSince(stopped) < 5 {
      #expect(during["status"] as? String == "attached", "\(during)")
    }
    // In one process across the expiry: attached, then unknown named by the host it saw.
    let across = try fsh(
      sandbox,
      """
      let d = dataset lonely
      echo "before=$d.status"
      sleep 8s
      let d = dataset lonely
      echo "after=$d.status"
      echo "where=$d.where"
      """)
    #expect(across.status == 0, "\(across.stderr)")
    #expect(across.stdout.contains("after=unknown"), "\(across.stdout)")
    #expect(across.stdout.contains("(10.0.0.1) is not reporting"), "\(across.stdout)")
    #expect(across.stdout.contains("last listed attached on"), "\(across.stdout)")
    // A new process names the node by the host an earlier one saw.
    let fresh = record(try fsh(sandbox, "dataset lonely", json: true))
    #expect(fresh["status"] as? String == "unknown", "\(fresh)")
    #expect((fresh["where"] as? String)?.contains("(10.0.0.1)") == true, "\(fresh)")
    let blockers = fresh["blockers"] as? [[String: Any]] ?? []
    #expect(blockers.first?["host"] as? String == "10.0.0.1", "\(fresh)")
    #expect(blockers.first?["expires"] == nil, "\(fresh)")
  }

  @Test func churnNeverMakesAMountedDatasetPending() throws {
    let sandbox = try ServedSandbox(flags: ["--churn", "42", "--datasets", "30"])
    let reads = try fsh(
      sandbox, Array(repeating: "datasets -o csv", count: 50).joined(separator: "\n"))
    #expect(reads.status == 0, "\(reads.stderr)")
    // CSV rows end in CRLF, which Swift reads as one Character: split on the scalars.
    let rows = reads.stdout.unicodeScalars.split(separator: "\n").map { String($0) }
      .filter { $0.contains(",seed-") }
    #expect(rows.count == 50 * 30, "\(rows.count) rows")
    let notAttached = rows.filter { !$0.contains(",attached,") }
    #expect(notAttached.isEmpty, "\(notAttached.prefix(5))")
  }

  @Test func aRefusedSizeIsNamedWithItsNodesAgent() throws {
    let sandbox = try ServedSandbox(flags: Self.pace + ["--max-volume-size", "10737418240"])
    let waited = try fsh(sandbox, "create huge 20G on 10.0.0.2; wait huge attached timeout 3s")
    #expect(waited.status == 1)
    #expect(waited.stderr.contains("blocked: its configured node"), "\(waited.stderr)")
    #expect(waited.stderr.contains("(10.0.0.2) reports, but its agent has not reported"))
    #expect(waited.stderr.contains("the backend may refuse the size"), "\(waited.stderr)")
  }
}
