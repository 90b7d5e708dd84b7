import Foundation
import Testing

/// fsh against a sandbox whose agents are as unkind as Flocker's, through the binary and over
/// TLS: agents that stop, leases that block, state that churns.
@Suite(.serialized) struct ConvergenceBinaryTests {
  /// Runs `fsh -c script` against the sandbox; returns the run.
  func fsh(_ sandbox: ServedSandbox, _ script: String, json: Bool = false) throws -> BinaryTests.Run
  {
    try BinaryTests.run((json ? ["-o", "json"] : []) + ["-c", script], env: sandbox.environment)
  }

  func object(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
  }

  @Test func stoppedAgentMakesItsDatasetsUnknown() throws {
    let sandbox = try ServedSandbox(flags: [])
    let made = try fsh(sandbox, "create quiet 1G on 10.0.0.3; wait quiet attached timeout 60s")
    #expect(made.status == 0, "\(made.stderr)")

    let stop = try BinaryTests.run(
      ["sandbox", "agent", "stop", "10.0.0.3"], env: sandbox.environment)
    #expect(stop.status == 0, "\(stop.stderr)")
    #expect(stop.stderr.contains("stopped the agent of"))
    let nodes = try fsh(sandbox, "nodes -o json")
    #expect(nodes.status == 0 && !nodes.stdout.contains("10.0.0.3"))

    let shown = try fsh(sandbox, "dataset quiet", json: true)
    let record = object(shown.stdout)
    #expect(record["status"] as? String == "unknown", "\(shown.stdout)")
    #expect(record["attached_node"] is NSNull)
    let blockers = record["blockers"] as? [[String: Any]]
    #expect(blockers?.first?["kind"] as? String == "node_not_reporting")

    let waited = try fsh(sandbox, "wait quiet attached timeout 1s")
    #expect(waited.status == 1)
    #expect(waited.stderr.contains("is not reporting"), "\(waited.stderr)")

    // A silent agent is not a deletion.
    let destroyed = try fsh(sandbox, "destroy quiet --yes; wait quiet deleted timeout 2s")
    #expect(destroyed.status == 1)
    #expect(destroyed.stderr.contains("cannot be told gone"), "\(destroyed.stderr)")
    let listed = try fsh(sandbox, "datasets -o csv")
    let row = listed.stdout.split(separator: "\n").first { $0.contains(",quiet,") }
    #expect(row?.contains(",deleting,") == true, "\(listed.stdout)")

    let start = try BinaryTests.run(
      ["sandbox", "agent", "start", "10.0.0.3"], env: sandbox.environment)
    #expect(start.status == 0, "\(start.stderr)")
    let gone = try fsh(sandbox, "wait quiet deleted timeout 60s")
    #expect(gone.status == 0, "\(gone.stderr)")

    let unknownNode = try BinaryTests.run(
      ["sandbox", "agent", "stop", "10.9.9.9"], env: sandbox.environment)
    #expect(unknownNode.status != 0 && unknownNode.stderr.contains("no simulated node"))
  }

  @Test func leasedMoveAndDestroyNameTheLeaseUntilReleased() throws {
    let sandbox = try ServedSandbox(flags: [])
    let made = try fsh(
      sandbox,
      "create lv 1G on 10.0.0.1; create gone 1G on 10.0.0.1; wait lv attached timeout 60s; "
        + "wait gone attached timeout 60s; lease acquire lv on 10.0.0.1; lease acquire gone on 10.0.0.1"
    )
    #expect(made.status == 0, "\(made.stderr)")
    let moved = try fsh(sandbox, "move lv to 10.0.0.2; destroy gone --yes")
    #expect(moved.status == 0, "\(moved.stderr)")
    #expect(moved.stderr.contains("warning: 'lv' is leased by node"), "\(moved.stderr)")
    #expect(moved.stderr.contains("warning: 'gone' is leased by node"), "\(moved.stderr)")
    #expect(moved.stderr.contains("lease release lv"))
    let shown = object(try fsh(sandbox, "dataset lv", json: true).stdout)
    #expect(shown["status"] as? String == "moving")
    #expect(
      shown["attached_host"] as? String == "10.0.0.1" && shown["host"] as? String == "10.0.0.2")
    let waited = try fsh(sandbox, "wait lv attached on 10.0.0.2 timeout 5s")
    #expect(waited.status == 1)
    #expect(
      waited.stderr.contains("blocked: leased by node") && waited.stderr.contains("(10.0.0.1)"))
    let explained = try fsh(sandbox, "explain lv")
    #expect(explained.status == 0)
    #expect(
      explained.stdout.contains("fix: release the lease: lease release lv"), "\(explained.stdout)")
    let listed = try fsh(sandbox, "datasets -o csv")
    #expect(listed.stdout.contains(",gone,") && listed.stdout.contains(",deleting,"))
    let stillThere = try fsh(sandbox, "wait gone deleted timeout 3s")
    #expect(stillThere.status == 1 && stillThere.stderr.contains("blocked: leased by node"))
    let released = try fsh(
      sandbox,
      "lease release lv; lease release gone; wait lv attached on 10.0.0.2 timeout 60s; "
        + "wait gone deleted timeout 60s")
    #expect(released.status == 0, "\(released.stderr)")
  }

  @Test func aRestartedSandboxHandsOverOnceItsAgentsReport() throws {
    // The second `--sandbox` loads the saved configuration; its agents reconnect before the
    // session starts, so the first command sees the nodes and the volume still mounted.
    let home = BinaryTests.tempHome()
    let first = try BinaryTests.run(
      ["--sandbox", "-c", "create kept 1G on 10.0.0.2; wait kept attached timeout 60s"],
      env: ["HOME": home])
    #expect(first.status == 0, "\(first.stderr)")
    let second = try BinaryTests.run(
      ["--sandbox", "-o", "json", "-c", "nodes; dataset kept"], env: ["HOME": home])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("\"host\": \"10.0.0.3\""))
    #expect(second.stdout.contains("\"status\": \"attached\""), "\(second.stdout)")
  }

  @Test func moveIsSeenMovingUntilTheStateSaysOtherwise() throws {
    // Slow agents: a move takes four steps of 1 s.
    let sandbox = try ServedSandbox(flags: ["--delay", "1"])
    let made = try fsh(sandbox, "create slow 1G on 10.0.0.1; wait slow attached timeout 60s")
    #expect(made.status == 0, "\(made.stderr)")
    let moved = try fsh(sandbox, "move slow to 10.0.0.2; dataset slow", json: true)
    #expect(moved.status == 0, "\(moved.stderr)")
    #expect(moved.stdout.contains("\"status\": \"moving\""), "\(moved.stdout)")
    let waited = try fsh(sandbox, "wait slow attached timeout 60s; dataset slow", json: true)
    #expect(waited.status == 0, "\(waited.stderr)")
    #expect(waited.stdout.contains("\"attached_host\": \"10.0.0.2\""), "\(waited.stdout)")
    #expect(!waited.stdout.contains("10.0.0.1"))
  }

  @Test func intermediateStatesAreReported() throws {
    let sandbox = try ServedSandbox(flags: ["--delay", "1"])
    // Right after create: pending; a step later the volume exists but is mounted nowhere.
    let seen = try fsh(
      sandbox,
      """
      let d = create staged 1G on 10.0.0.2
      for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 {
        let v = dataset staged
        echo $v.status
        if $v.status == attached { exit 0 }
        sleep 0.3
      }
      exit 3
      """)
    #expect(seen.status == 0, "\(seen.stdout)\(seen.stderr)")
    var statuses: [String] = []
    for line in seen.stdout.split(separator: "\n").map(String.init) where statuses.last != line {
      statuses.append(line)
    }
    #expect(statuses == ["pending", "detached", "attached"], "\(seen.stdout)")
  }

  @Test func churnedStateNeitherMisplacesNorFakesADeletion() throws {
    let sandbox = try ServedSandbox(flags: ["--churn", "7"])
    let made = try fsh(
      sandbox,
      "create churned 1G on 10.0.0.1; create steady 1G on 10.0.0.1; "
        + "wait churned attached timeout 60s; wait steady attached timeout 60s; "
        + "lease acquire churned on 10.0.0.1; destroy churned --yes")
    #expect(made.status == 0, "\(made.stderr)")
    // Leased: the volume stays. A read that misses it is not a deletion.
    let waited = try fsh(sandbox, "wait churned deleted timeout 4s")
    #expect(waited.status == 1, "\(waited.stdout)")
    #expect(waited.stderr.contains("is not deleted after 4s"), "\(waited.stderr)")
    // The state lists a stale, unmounted copy of a dataset now and then: fsh reads the mounted
    // entry, so a mounted dataset is never shown detached (a missed read shows it pending).
    let loop = (1...40).map(String.init).joined(separator: " ")
    let reads = try fsh(sandbox, "for i in \(loop) { let d = dataset steady; echo $d.status }")
    let statuses = reads.stdout.split(separator: "\n").map(String.init)
    #expect(statuses.count == 40, "\(reads.stderr)")
    #expect(Set(statuses).isSubset(of: ["attached", "pending"]), "\(reads.stdout)")
    #expect(statuses.filter { $0 == "attached" }.count > 30)
    let released = try fsh(sandbox, "lease release churned; wait churned deleted timeout 60s")
    #expect(released.status == 0, "\(released.stderr)")
  }
}
