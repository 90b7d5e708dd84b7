import Foundation
import FshTestSupport
import Testing

/// fsh against a sandbox whose agents are as unkind as Flocker's, through the binary and over
/// TLS: agents that stop, leases that block, state that churns.
@Suite(.blocking) struct ConvergenceBinaryTests {
  /// Runs `fsh -c script` against the sandbox; returns the run.
  func fsh(_ sandbox: ServedSandbox, _ script: String, json: Bool = false) throws -> BinaryTests.Run
  {
    try BinaryTests.run((json ? ["-o", "json"] : []) + ["-c", script], env: sandbox.environment)
  }

  func object(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
  }

  @Test func stoppedAgentMakesItsDatasetsUnknown() throws {
    // Expiry 0: the stopped agent's node leaves the state at once (Flocker keeps it 120 s;
    // `--state-expiry` is tested in stopBeforeMountAndStateExpiryThroughTheBinary).
    let sandbox = try ServedSandbox(flags: [], stateExpiry: 0)
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
    #expect(
      destroyed.stderr.contains("is not reporting, so the API cannot tell"), "\(destroyed.stderr)")
    let listed = try fsh(sandbox, "datasets -o csv")
    let row = listed.stdout.split(separator: "\n").first { $0.contains(",quiet,") }
    #expect(row?.contains(",deleting,") == true, "\(listed.stdout)")

    let start = try BinaryTests.run(
      ["sandbox", "agent", "start", "10.0.0.3"], env: sandbox.environment)
    #expect(start.status == 0, "\(start.stderr)")
    let gone = try fsh(sandbox, "wait quiet deleted timeout 60s settle 2s")
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
        + "wait gone deleted timeout 60s settle 2s")
    #expect(released.status == 0, "\(released.stderr)")
  }

  @Test func aRestartedSandboxHandsOverOnceItsAgentsReport() throws {
    // The second `--sandbox` loads the saved configuration; its agents reconnect before the
    // session starts, so the first command sees the nodes and the volume still mounted.
    let home = try BinaryTests.sandboxHome()
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
    #expect(!waited.stdout.contains("\"attached_host\": \"10.0.0.1\""))
    // The wait saw it leave 10.0.0.1 (a move takes four 1 s steps): `dataset` says so.
    #expect(waited.stdout.contains("since "), "\(waited.stdout)")
    #expect(waited.stdout.contains(", moved from "), "\(waited.stdout)")
    #expect(waited.stdout.contains("(10.0.0.1)\""), "\(waited.stdout)")
  }

  /// Each stage is held by an agent told to stop before the next step (`sandbox agent stop
  /// NODE --before STEP`), not caught by polling a timed stage: pending while the agent of
  /// 10.0.0.1 holds off creating; detached (created, attached nowhere) while the agent of
  /// 10.0.0.2 holds off attaching; attached once the agents run again.
  @Test func intermediateStatesAreReported() throws {
    // Kind reports: an unattached volume is always listed, as it is on most polls of Flocker.
    let sandbox = try ServedSandbox(flags: [], kindReports: true)
    for (node, step) in [("10.0.0.1", "create"), ("10.0.0.2", "attach")] {
      let stop = try BinaryTests.run(
        ["sandbox", "agent", "stop", node, "--before", step], env: sandbox.environment)
      #expect(stop.status == 0, "\(stop.stderr)")
    }
    let made = try fsh(sandbox, "create early 1G on 10.0.0.1; create staged 1G on 10.0.0.2")
    #expect(made.status == 0, "\(made.stderr)")
    // The event: both agents stopped at their step. Hang guard 30 s for two 0.1 s steps.
    var stopped = 0
    let deadline = Date().addingTimeInterval(30)
    while stopped < 2 && Date() < deadline {
      let agents = try BinaryTests.run(["sandbox", "agent", "list"], env: sandbox.environment)
      stopped = agents.stdout.split(separator: "\n").filter { $0.contains("stopped") }.count
      if stopped < 2 { usleep(50_000) }
    }
    #expect(stopped == 2, "hang guard: the agents did not reach their steps")
    let held = try fsh(sandbox, "echo (dataset early).status; echo (dataset staged).status")
    #expect(held.status == 0, "\(held.stderr)")
    #expect(held.stdout == "pending\ndetached\n", "\(held.stdout)")
    for node in ["10.0.0.1", "10.0.0.2"] {
      let start = try BinaryTests.run(
        ["sandbox", "agent", "start", node], env: sandbox.environment)
      #expect(start.status == 0, "\(start.stderr)")
    }
    let done = try fsh(
      sandbox,
      "wait early attached timeout 60s; wait staged attached timeout 60s; "
        + "echo (dataset early).status; echo (dataset staged).status")
    #expect(done.status == 0, "\(done.stderr)")
    #expect(done.stdout.hasSuffix("attached\nattached\n"), "\(done.stdout)")
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
    let released = try fsh(
      sandbox, "lease release churned; wait churned deleted timeout 60s settle 2s")
    #expect(released.status == 0, "\(released.stderr)")
  }

  /// `fsh sandbox agent stop NODE --before mount` leaves a volume attached, not mounted; the
  /// stopped node stays in the state until `--state-expiry`, then leaves.
  @Test func stopBeforeMountAndStateExpiryThroughTheBinary() throws {
    let sandbox = try ServedSandbox(flags: [], stateExpiry: 3)
    let stop = try BinaryTests.run(
      ["sandbox", "agent", "stop", "10.0.0.2", "--before", "mount"], env: sandbox.environment)
    #expect(stop.status == 0, "\(stop.stderr)")
    #expect(stop.stderr.contains("will stop before its next mount"), "\(stop.stderr)")
    let listed = try BinaryTests.run(["sandbox", "agent", "list"], env: sandbox.environment)
    #expect(listed.stdout.contains("running  (stops before mount)"), "\(listed.stdout)")
    let bad = try BinaryTests.run(
      ["sandbox", "agent", "stop", "10.0.0.2", "--before", "dance"], env: sandbox.environment)
    #expect(bad.status != 0 && bad.stderr.contains("--before takes one of"))
    let made = try fsh(sandbox, "create held 1G on 10.0.0.2")
    #expect(made.status == 0, "\(made.stderr)")
    // Hang guard: 30 s for a stop that comes two 0.1 s steps after the create.
    var stopped = false
    let deadline = Date().addingTimeInterval(30)
    while !stopped && Date() < deadline {
      let agents = try BinaryTests.run(["sandbox", "agent", "list"], env: sandbox.environment)
      stopped = agents.stdout.split(separator: "\n").contains {
        $0.contains("10.0.0.2") && $0.contains("stopped")
      }
      if !stopped { usleep(50_000) }
    }
    #expect(stopped)
    // Attached, not mounted: never reported with a node.
    let nodes = try fsh(sandbox, "nodes -o json")
    #expect(nodes.stdout.contains("10.0.0.2"), "\(nodes.stdout)")
    // Within 30 s the node's state expires (3 s after it stopped).
    var gone = false
    let expiry = Date().addingTimeInterval(30)
    while !gone && Date() < expiry {
      gone = !(try fsh(sandbox, "nodes -o json")).stdout.contains("10.0.0.2")
      if !gone { usleep(200_000) }
    }
    #expect(gone)
  }

  /// Two sandboxes on one directory: `fsh sandbox serve` holds it; a second serve is refused,
  /// naming its pid; `fsh --sandbox` on the same (default) directory joins it; no dataset lost.
  @Test func oneStateDirectoryHasOneWriter() throws {
    let home = BinaryTests.tempHome()
    let directory = home + "/.local/state/fsh/sandbox"
    let served = try ServedSandbox(flags: [], directory: directory, env: ["HOME": home])
    let made = try fsh(served, "create one 1G on 10.0.0.1; wait one attached timeout 60s")
    #expect(made.status == 0, "\(made.stderr)")
    let second = Process()
    second.executableURL = URL(fileURLWithPath: BinaryTests.binary)
    second.arguments = [
      "sandbox", "serve", "--port", "0", "--dir", directory, "--key-bits", "2048",
    ]
    second.environment = ["HOME": home, "PATH": "/usr/bin:/bin"]
    let err = Pipe()
    second.standardError = err
    second.standardOutput = FileHandle.nullDevice
    try second.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    second.waitUntilExit()
    #expect(second.terminationStatus != 0)
    #expect(text.contains("is in use by the sandbox with pid \(served.pid)"), "\(text)")
    #expect(text.contains("fsh sandbox serve --dir \(directory)"), "\(text)")
    let joined = try BinaryTests.run(
      ["--sandbox", "-c", "create two 1G on 10.0.0.2; datasets -o csv"], env: ["HOME": home])
    #expect(joined.status == 0, "\(joined.stderr)")
    #expect(joined.stderr.contains("joined the sandbox already serving"), "\(joined.stderr)")
    #expect(joined.stdout.contains(",one,"), "\(joined.stdout)")
    let after = try fsh(served, "datasets -o csv")
    #expect(after.stdout.contains(",one,") && after.stdout.contains(",two,"), "\(after.stdout)")
  }

  /// `--max-volume-size`: a larger dataset is never reported; a near-2^63 size does not kill
  /// the sandbox.
  @Test func refusedAndNear63SizesLeaveTheSandboxServing() throws {
    let sandbox = try ServedSandbox(flags: [], maxVolumeSize: 1 << 30)
    let made = try fsh(
      sandbox,
      "create small 1G on 10.0.0.1; create big 2G on 10.0.0.1; wait small attached timeout 60s")
    #expect(made.status == 0, "\(made.stderr)")
    // fsh refuses sizes above 64 bits' signed range itself; the API takes this one.
    let near = try curl(
      sandbox, "POST", "/v1/configuration/datasets",
      #"{"primary": "\#(try nodeUUID(sandbox, "10.0.0.1"))", "maximum_size": 9223372036854774784}"#)
    #expect(near.contains("9223372036854774784"), "\(near)")
    let state = try fsh(sandbox, "datasets -o csv")
    #expect(state.status == 0 && state.stdout.contains(",small,"), "\(state.stderr)")
    #expect(try fsh(sandbox, "version").status == 0)
  }

  /// `fsh sandbox serve --from .` copies a size beyond 64 bits digit for digit, a source
  /// sandbox's eras, and an entry listed without a node as one.
  @Test func aCopyKeepsHugeSizesAndEras() throws {
    let source = try ServedSandbox(flags: [])
    let huge = "1180591620717411303424"
    let created = try curl(
      source, "POST", "/v1/configuration/datasets",
      #"{"primary": "\#(try nodeUUID(source, "10.0.0.1"))", "maximum_size": \#(huge)}"#)
    #expect(created.contains(huge), "\(created)")
    let agents =
      (try? JSONSerialization.jsonObject(
        with: Data(try curl(source, "GET", "/sandbox/agents").utf8)))
      as? [[String: Any]] ?? []
    let era = try #require(agents.first?["era"] as? String)
    let copy = try ServedSandbox(flags: ["--from", "."], env: source.environment)
    #expect(try curl(copy, "GET", "/v1/configuration/datasets").contains(huge))
    let byEra = try curl(copy, "GET", "/v1/state/nodes/by_era/\(era)")
    #expect(byEra.contains(agents.first?["uuid"] as? String ?? "-"), "\(byEra)")
  }

  /// The node uuid of a host, from `nodes -o json`.
  func nodeUUID(_ sandbox: ServedSandbox, _ host: String) throws -> String {
    let listed = try fsh(sandbox, "nodes -o json").stdout
    let items = (try? JSONSerialization.jsonObject(with: Data(listed.utf8))) as? [[String: Any]]
    return items?.first { $0["host"] as? String == host }?["uuid"] as? String ?? ""
  }

  /// One request to the sandbox with curl (for what fsh itself refuses to send).
  func curl(_ sandbox: ServedSandbox, _ method: String, _ path: String, _ body: String? = nil)
    throws -> String
  {
    let env = sandbox.environment
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = [
      "-s", "--cacert", env["FLOCKER_CONTROL_SERVICE_CA_FILE"] ?? "",
      "--cert", env["FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE"] ?? "",
      "--key", env["FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"] ?? "",
      "-X", method, "-H", "Content-Type: application/json",
    ]
    if let body { process.arguments! += ["--data", body] }
    process.arguments!.append(
      "https://127.0.0.1:\(env["FLOCKER_CONTROL_SERVICE_PORT"] ?? "")\(path)")
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
