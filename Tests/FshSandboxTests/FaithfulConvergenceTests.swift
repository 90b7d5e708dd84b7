import Foundation
import FshTestSupport
import Testing

@testable import FshSandbox

/// Issue 29: the sandbox converges as Flocker 1.15 does (reference flocker-convergence.md):
/// leases, per-agent reports, stopped agents, upstream pace, refused sizes, hash order,
/// restarts, huge sizes, copies, one writer per directory, and the endpoints upstream answers.
@Suite("Faithful convergence", .blocking)
struct FaithfulConvergenceTests {
  func entry(_ sandbox: Sandbox, _ id: String) -> [String: Any]? {
    sandbox.get("/v1/state/datasets").array.first { $0["dataset_id"] as? String == id }
  }

  func lease(_ sandbox: Sandbox, _ id: String, on node: String) -> SandboxResponse {
    sandbox.post(
      "/v1/configuration/leases",
      #"{"dataset_id": "\#(id)", "node_uuid": "\#(node)", "expires": null}"#)
  }

  /// A dataset created on `node` whose agent stops just before mounting it: attached, not
  /// mounted (0.5 s steps: created at 0.5, attached at 1.0, the agent stops at 1.5).
  func attachedNotMounted(_ sandbox: Sandbox, _ clock: ManualClock, on node: String) throws
    -> String
  {
    #expect(sandbox.stopAgent(node, before: .mount))
    let id = try sandbox.createDataset(primary: node, extra: #", "maximum_size": 1073741824"#)
    clock.advance(1.6)
    try #require(sandbox.agents.first { $0.node.uuid == node }?.running == false)
    return id
  }

  // MARK: Leases

  @Test func aLeaseOnANodeWhereTheVolumeIsOnlyAttachedDoesNotStopItsDetach() throws {
    let (sandbox, clock) = try makeSandbox()
    let (a, b) = (sandbox.nodes[0].uuid, sandbox.nodes[1].uuid)
    let id = try attachedNotMounted(sandbox, clock, on: a)
    #expect(lease(sandbox, id, on: a).status == 201)
    #expect(
      sandbox.post("/v1/configuration/datasets/\(id)", #"{"primary": "\#(b)"}"#).status == 200)
    #expect(sandbox.startAgent(a))
    // A detaches (the lease protects only a mounted volume), B attaches and mounts.
    clock.advance(1.6)
    #expect(entry(sandbox, id)?["primary"] as? String == b)
  }

  @Test func aDeletedVolumeThatIsNotMountedIsDestroyedLeaseOrNot() throws {
    let (sandbox, clock) = try makeSandbox()
    let a = sandbox.nodes[0].uuid
    let id = try attachedNotMounted(sandbox, clock, on: a)
    #expect(lease(sandbox, id, on: a).status == 201)
    #expect(sandbox.delete("/v1/configuration/datasets/\(id)").status == 200)
    #expect(sandbox.startAgent(a))
    clock.advance(1.1)  // detach, destroy
    #expect(entry(sandbox, id) == nil)
    clock.advance(30)
    #expect(entry(sandbox, id) == nil)
    #expect(sandbox.get("/v1/configuration/leases").array.count == 1)
  }

  // MARK: Reports

  @Test func eachReportReplacesTheNonManifestListWhole() throws {
    let (sandbox, clock) = try makeSandbox()
    let b = sandbox.nodes[1].uuid
    #expect(sandbox.stopAgent(b, before: .mount))
    let id = try sandbox.createDataset(primary: b)
    clock.advance(1.2)  // attached to B at 1.0; B reported it
    let attached = try #require(entry(sandbox, id))
    #expect(attached["primary"] == nil && attached["path"] == nil)
    // The other agents saw the unattached volumes change and report at their next iteration:
    // their report replaces the list, and B's attached volume is not in their view.
    clock.advance(0.4)
    #expect(entry(sandbox, id) == nil)
    #expect(sandbox.get("/v1/configuration/datasets").text.contains(id))
    clock.advance(60)
    #expect(entry(sandbox, id) == nil)
    // Back when B next reports (its agent starts again), then mounted.
    #expect(sandbox.startAgent(b))
    #expect(entry(sandbox, id) != nil && entry(sandbox, id)?["primary"] == nil)
    clock.advance(0.6)
    #expect(entry(sandbox, id)?["primary"] as? String == b)
  }

  @Test func kindReportsListEveryUnmountedVolume() throws {
    var options = testOptions()
    options.kindReports = true
    let (sandbox, clock) = try makeSandbox(options)
    let b = sandbox.nodes[1].uuid
    #expect(sandbox.stopAgent(b, before: .mount))
    let id = try sandbox.createDataset(primary: b)
    clock.advance(1.6)
    clock.advance(60)
    #expect(entry(sandbox, id) != nil && entry(sandbox, id)?["primary"] == nil)
  }

  // MARK: Stopped agents

  @Test func aStoppedAgentsNodeStaysUntilItsStateExpires() throws {
    var options = testOptions()
    options.stateExpiry = 2
    let (sandbox, clock) = try makeSandbox(options)
    let a = sandbox.nodes[0]
    let id = try sandbox.createDataset(primary: a.uuid)
    clock.advance(1.6)
    try #require(entry(sandbox, id)?["primary"] as? String == a.uuid)
    #expect(sandbox.stopAgent(a.uuid))
    func nodes() -> [String] {
      sandbox.get("/v1/state/nodes").array.compactMap { $0["uuid"] as? String }
    }
    clock.advance(1.9)
    #expect(nodes().contains(a.uuid))
    #expect(entry(sandbox, id)?["primary"] as? String == a.uuid)
    #expect(sandbox.get("/sandbox/agents").array.first?["reporting"] as? Bool == true)
    clock.advance(0.2)
    #expect(!nodes().contains(a.uuid) && nodes().count == 2)
    #expect(entry(sandbox, id) == nil)
    #expect(sandbox.get("/sandbox/agents").array.first?["reporting"] as? Bool == false)
    // The era mapping is never wiped.
    let era = sandbox.get("/v1/state/nodes/by_era/\(a.era)")
    #expect(era.status == 200 && era.object["uuid"] as? String == a.uuid)
    #expect(sandbox.startAgent(a.uuid))
    #expect(nodes().contains(a.uuid) && entry(sandbox, id)?["primary"] as? String == a.uuid)
  }

  @Test func stopBeforeAStepThroughTheControlEndpoint() throws {
    let (sandbox, clock) = try makeSandbox()
    let b = sandbox.nodes[1].uuid
    let stop = sandbox.post("/sandbox/agents/\(b)/stop?before=mount", "")
    #expect(stop.status == 200)
    #expect(
      stop.object["running"] as? Bool == true && stop.object["stop_before"] as? String == "mount")
    #expect(sandbox.pendingAgentStops[b] == .mount)
    let id = try sandbox.createDataset(primary: b)
    clock.advance(1.2)
    #expect(entry(sandbox, id) != nil && entry(sandbox, id)?["primary"] == nil)
    clock.advance(30)
    let agent = sandbox.get("/sandbox/agents").array.first { $0["uuid"] as? String == b }
    #expect(agent?["running"] as? Bool == false && agent?["stop_before"] is NSNull)
    #expect(sandbox.post("/sandbox/agents/\(b)/stop?before=dance", "").status == 400)
    #expect(sandbox.post("/sandbox/agents/\(b)/start?before=mount", "").status == 400)
  }

  @Test func stopBeforeUnmountLeavesAMoveMountedAndBeforeDetachUnmounted() throws {
    let (sandbox, clock) = try makeSandbox()
    let (a, b) = (sandbox.nodes[0].uuid, sandbox.nodes[1].uuid)
    let id = try sandbox.createDataset(primary: a)
    clock.advance(1.6)
    #expect(sandbox.stopAgent(a, before: .detach))
    #expect(
      sandbox.post("/v1/configuration/datasets/\(id)", #"{"primary": "\#(b)"}"#).status == 200)
    clock.advance(10)
    // Unmounted on A, not detached: A reported it last before stopping.
    #expect(entry(sandbox, id) != nil && entry(sandbox, id)?["primary"] == nil)
    #expect(sandbox.agents[0].running == false)
  }

  // MARK: Pace

  @Test func upstreamBackoffSequence() {
    let sequence = (0..<7).map { ClusterModel.upstreamBackoff(afterIteration: $0) }
    #expect(sequence == [0.1, 0.4, 1.6, 6.4, 10, 10, 10])
  }

  @Test func upstreamPaceTakesFlockersStepsBackOffAndPoll() throws {
    var options = testOptions()
    options.pace = .upstream(scale: 1)
    let (sandbox, clock) = try makeSandbox(options)
    let (a, b) = (sandbox.nodes[0].uuid, sandbox.nodes[1].uuid)
    let id = try sandbox.createDataset(primary: a)
    // create 3 s; back-off 0.1, attach 5 s; back-off 0.4, mount 1 s: mounted at 9.5 s.
    clock.advance(2.9)
    #expect(entry(sandbox, id) == nil)
    clock.advance(0.2)
    #expect(entry(sandbox, id) != nil)
    clock.advance(6.3)  // 9.4
    #expect(entry(sandbox, id)?["primary"] == nil)
    clock.advance(0.2)  // 9.6
    #expect(entry(sandbox, id)?["primary"] as? String == a)
    // A move: unmount 1 s; back-off 0.1, detach 5 s (6.1); B polls every 3 s from the move
    // (9.0), attach 5 s (14.0); back-off 0.1, mount 1 s: 15.1.
    #expect(
      sandbox.post("/v1/configuration/datasets/\(id)", #"{"primary": "\#(b)"}"#).status == 200)
    clock.advance(15.0)
    #expect(entry(sandbox, id)?["primary"] == nil)
    clock.advance(0.2)
    #expect(entry(sandbox, id)?["primary"] as? String == b)
  }

  @Test func upstreamPaceOtherNodesNoticeAtTheirIdleWakeUp() throws {
    var options = testOptions()
    options.pace = .upstream(scale: 1)
    let (sandbox, clock) = try makeSandbox(options)
    let b = sandbox.nodes[1].uuid
    #expect(sandbox.stopAgent(b, before: .mount))
    let id = try sandbox.createDataset(primary: b)
    // Created at 3 s (the others will look again after 60 s ± 20 %: 51–75 s), attached to B at
    // 8.1 s and reported by B; B stops before mounting.
    clock.advance(8.2)
    #expect(entry(sandbox, id) != nil)
    clock.advance(50.7 - 8.2)
    #expect(entry(sandbox, id) != nil)
    clock.advance(75.1 - 50.7)
    #expect(entry(sandbox, id) == nil)
  }

  @Test func upstreamPaceScales() throws {
    var options = testOptions()
    options.pace = .upstream(scale: 0.02)
    let (sandbox, clock) = try makeSandbox(options)
    let id = try sandbox.createDataset(primary: sandbox.nodes[0].uuid)
    clock.advance(9.5 * 0.02 - 0.005)
    #expect(entry(sandbox, id)?["primary"] == nil)
    clock.advance(0.01)
    #expect(entry(sandbox, id)?["primary"] as? String == sandbox.nodes[0].uuid)
  }

  // MARK: Sizes

  @Test func theBackendRefusesALargerVolumeAndSaysSo() throws {
    final class Lines: @unchecked Sendable {
      let lock = NSLock()
      var all: [String] = []
    }
    let lines = Lines()
    var options = testOptions()
    options.maxVolumeSize = 1 << 30
    options.log = { line in lines.lock.withLock { lines.all.append(line) } }
    let (sandbox, clock) = try makeSandbox(options)
    let a = sandbox.nodes[0].uuid
    let big = try sandbox.createDataset(primary: a, extra: #", "maximum_size": 2147483648"#)
    let small = try sandbox.createDataset(primary: a, extra: #", "maximum_size": 1073741824"#)
    clock.advance(60)
    #expect(entry(sandbox, big) == nil)
    #expect(entry(sandbox, small)?["primary"] as? String == a)
    let logged = lines.lock.withLock { lines.all }
    #expect(logged.count == 1)
    #expect(logged.first?.contains(big) == true && logged.first?.contains("2147483648") == true)
  }

  @Test func aSizeJustBelow2To63NeitherCrashesNorIsCreated() throws {
    let directory = temporaryDirectory("near63")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var options = testOptions(directory: directory, persist: true)
    options.log = { _ in }
    let (first, clock) = try makeSandbox(options)
    let size = "9223372036854774784"  // 2^63 - 1024: a multiple of 1024, not of 1 GiB
    let created = first.post(
      "/v1/configuration/datasets",
      #"{"primary": "\#(first.nodes[0].uuid)", "maximum_size": \#(size)}"#)
    #expect(created.status == 201)
    let id = try #require(created.object["dataset_id"] as? String)
    clock.advance(30)
    #expect(entry(first, id) == nil)
    #expect(first.get("/v1/version").status == 200)
    first.close()
    // And at the next start, which loads it.
    let (second, clock2) = try makeSandbox(options)
    clock2.advance(Date().timeIntervalSince1970)
    #expect(second.get("/v1/configuration/datasets").text.contains(size))
    #expect(entry(second, id) == nil)
  }

  // MARK: Configuration order

  @Test func theConfigurationComesInHashOrderAndChangesOnAMove() throws {
    let (sandbox, _) = try makeSandbox()
    let (a, b) = (sandbox.nodes[0].uuid, sandbox.nodes[1].uuid)
    var ids: [String] = []
    for n in 0..<8 { ids.append(try sandbox.createDataset(primary: n % 2 == 0 ? a : b)) }
    func listed() -> [(id: String, primary: String)] {
      sandbox.get("/v1/configuration/datasets").array.map {
        ($0["dataset_id"] as! String, $0["primary"] as! String)
      }
    }
    func expected(_ items: [(id: String, primary: String)]) -> [String] {
      items.sorted {
        (stableHash($0.primary), stableHash($0.id)) < (stableHash($1.primary), stableHash($1.id))
      }.map(\.id)
    }
    let before = listed()
    #expect(before.map(\.id) == expected(before))
    #expect(before.map(\.id) != ids)  // not creation order (8! orders; this one is fixed)
    // A dataset whose move changes the order (moving the one that sorts last in its new node's
    // group would leave it where it was).
    let moved = try #require(
      before.first { item in
        item.primary == a
          && expected(before.map { $0.id == item.id ? ($0.id, b) : $0 }) != before.map(\.id)
      }
    ).id
    #expect(
      sandbox.post("/v1/configuration/datasets/\(moved)", #"{"primary": "\#(b)"}"#).status == 200)
    let after = listed()
    #expect(after.map(\.id) == expected(after))
    #expect(after.map(\.id) != before.map(\.id))
  }

  // MARK: Restarts

  @Test func aRestartKeepsStalledMovesDeletesAndStoppedAgents() throws {
    let directory = temporaryDirectory("restart")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let options = testOptions(directory: directory, persist: true)
    let (first, clock) = try makeSandbox(options)
    let (a, b, c) = (first.nodes[0].uuid, first.nodes[1].uuid, first.nodes[2].uuid)
    let moving = try first.createDataset(primary: a)
    let deleting = try first.createDataset(primary: a)
    clock.advance(1.6)
    #expect(lease(first, moving, on: a).status == 201)
    #expect(lease(first, deleting, on: a).status == 201)
    #expect(
      first.post("/v1/configuration/datasets/\(moving)", #"{"primary": "\#(b)"}"#).status == 200)
    #expect(first.delete("/v1/configuration/datasets/\(deleting)").status == 200)
    #expect(first.stopAgent(c))
    #expect(first.stopAgent(b, before: .mount))
    clock.advance(30)
    first.close()

    let (second, clock2) = try makeSandbox(options)
    clock2.advance(Date().timeIntervalSince1970 + 30)
    // The stalled move has not teleported; the stalled delete is not destroyed.
    #expect(entry(second, moving)?["primary"] as? String == a)
    #expect(entry(second, deleting)?["primary"] as? String == a)
    // The stopped agent stays stopped (and, never having reported, is not in the state); the
    // pending stop is still pending.
    #expect(second.agents.first { $0.node.uuid == c }?.running == false)
    let nodes = second.get("/v1/state/nodes").array.compactMap { $0["uuid"] as? String }
    #expect(Set(nodes) == [a, b])
    #expect(second.pendingAgentStops[b] == .mount)
    // Released, the move goes on until B stops before mounting.
    #expect(second.delete("/v1/configuration/leases/\(moving)").status == 200)
    clock2.advance(5)
    #expect(entry(second, moving)?["primary"] == nil)
    #expect(second.agents.first { $0.node.uuid == b }?.running == false)
  }

  // MARK: Copies

  @Test func aCopyKeepsHugeSizesErasAndNonManifestEntries() throws {
    let (a, b) = ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222")
    let era = "33333333-3333-4333-8333-333333333333"
    let (huge, loose, mounted) = (
      "44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555",
      "66666666-6666-4666-8666-666666666666"
    )
    var seed = SandboxSeed(
      version: "1.15.0", nodes: [(a, "10.1.0.1"), (b, "10.1.0.2")],
      datasets: [
        .init(
          id: huge, primary: a, maximumSize: nil, metadata: [], deleted: false,
          hugeSize: "1180591620717411303424"),
        .init(id: loose, primary: b, maximumSize: 1 << 30, metadata: [], deleted: false),
        .init(id: mounted, primary: a, maximumSize: 1 << 30, metadata: [], deleted: false),
      ],
      state: [
        .init(id: loose, primary: nil, size: 1 << 30),
        .init(id: mounted, primary: a, size: 1 << 30),
      ],
      leases: [])
    seed.eras = [a: era]
    var options = testOptions()
    options.seed = seed
    options.log = { _ in }
    let (sandbox, _) = try makeSandbox(options)
    #expect(sandbox.get("/v1/configuration/datasets").text.contains("1180591620717411303424"))
    let byEra = sandbox.get("/v1/state/nodes/by_era/\(era)")
    #expect(byEra.status == 200 && byEra.object["uuid"] as? String == a)
    let state = sandbox.get("/v1/state/datasets").array
    #expect(state.map { $0["dataset_id"] as? String } == [mounted, loose])
    #expect(state.last?["primary"] == nil)
  }

  // MARK: One writer

  @Test func aSecondSandboxOnTheSameDirectoryIsRefusedByName() throws {
    let directory = temporaryDirectory("lock")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var options = testOptions(directory: directory, persist: true)
    options.ownerPID = getppid()  // a live process: refused at once
    options.ownerCommand = "fsh sandbox serve --dir \(directory)"
    let (first, _) = try makeSandbox(options)
    let id = try first.createDataset(primary: first.nodes[0].uuid)
    var other = testOptions(directory: directory, persist: true)
    other.ownerCommand = "fsh --sandbox"
    do {
      _ = try Sandbox(options: other)
      Issue.record("a second sandbox opened the directory")
    } catch {
      let text = "\(error)"
      #expect(text.contains("pid \(getppid())") && text.contains(directory), "\(text)")
      #expect(text.contains("fsh sandbox serve --dir"), "\(text)")
    }
    #expect(first.get("/v1/configuration/datasets").text.contains(id))
    first.close()
    let (second, _) = try makeSandbox(other)
    #expect(second.get("/v1/configuration/datasets").text.contains(id))
  }

  /// A holder whose owner is gone (its `fsh sandbox serve` was killed; the fsh-sandbox child is
  /// saving and exiting) is waited for, up to 5 s, instead of refused.
  @Test func aSandboxWhoseOwnerIsGoneIsWaitedFor() throws {
    let directory = temporaryDirectory("orphan")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let gone = Process()
    gone.executableURL = URL(fileURLWithPath: "/bin/true")
    try gone.run()
    gone.waitUntilExit()
    var options = testOptions(directory: directory, persist: true)
    options.ownerPID = gone.processIdentifier
    let (first, _) = try makeSandbox(options)
    let id = try first.createDataset(primary: first.nodes[0].uuid)
    // A thread of its own: under a loaded test run, Dispatch's pool ran the close seconds late.
    Thread.detachNewThread {
      Thread.sleep(forTimeInterval: 0.3)
      first.close()
    }
    let (second, _) = try makeSandbox(testOptions(directory: directory, persist: true))
    #expect(second.get("/v1/configuration/datasets").text.contains(id))
  }

  // MARK: Endpoints

  @Test func containerEndpointsComposeAndHeadAnswerAsUpstream() throws {
    let (sandbox, clock) = try makeSandbox()
    #expect(sandbox.get("/v1/configuration/containers").text == "[]")
    #expect(sandbox.get("/v1/state/containers").text == "[]")
    let missing = sandbox.delete("/v1/configuration/containers/web")
    #expect(missing.status == 404 && missing.description == "Container not found.")
    #expect(missing.header("Content-Type") == "application/json")
    let moved = sandbox.post(
      "/v1/configuration/containers/web", #"{"node_uuid": "\#(sandbox.nodes[0].uuid)"}"#)
    #expect(moved.status == 404 && moved.description == "Container not found.")
    #expect(sandbox.post("/v1/configuration/containers/web", "{}").status == 400)
    let head = sandbox.handle(method: "HEAD", path: "/v1/configuration/datasets")
    #expect(head.status == 400 && head.body.isEmpty)
    #expect(sandbox.handle(method: "HEAD", path: "/v1/version").status == 400)

    let id = try sandbox.createDataset(primary: sandbox.nodes[0].uuid)
    clock.advance(1.6)
    #expect(entry(sandbox, id)?["path"] != nil)
    let badVersion = sandbox.post(
      "/v1/configuration/_compose",
      #"{"applications": {}, "deployment": {"version": 2, "nodes": {}}}"#)
    #expect(badVersion.status == 400)
    #expect(
      badVersion.description
        == "Deployment configuration has an error. Incorrect version specified.")
    let unknownHost = sandbox.post(
      "/v1/configuration/_compose",
      #"{"applications": {}, "deployment": {"version": 1, "nodes": {"10.9.9.9": []}}}"#)
    #expect(unknownHost.description == "No known node with address 10.9.9.9.")
    let replaced = sandbox.post(
      "/v1/configuration/_compose",
      #"{"applications": {}, "deployment": {"version": 1, "nodes": {"10.0.0.1": []}}}"#)
    #expect(replaced.status == 200 && replaced.text == "null")
    #expect(sandbox.get("/v1/configuration/datasets").text == "[]")
    #expect(sandbox.post("/v1/configuration/datasets/\(id)", "{}").status == 404)
    // The agents unmount and detach what the new deployment omits.
    clock.advance(1.1)
    let left = entry(sandbox, id)
    #expect(left != nil && left?["primary"] == nil)
  }
}
