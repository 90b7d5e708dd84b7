import Foundation
import FshTestSupport
import Testing

@testable import FshSandbox

@Suite("State, nodes and leases", .blocking)
struct StateAndLeaseTests {
  @Test func datasetConvergesStageByStage() throws {
    let (sandbox, clock) = try makeSandbox()
    let node = sandbox.nodes[0].uuid
    let id = try sandbox.createDataset(primary: node, extra: #", "maximum_size": 1610612736"#)
    let unsized = try sandbox.createDataset(primary: node)
    #expect(sandbox.get("/v1/state/datasets").text == "[]")
    clock.advance(0.4)
    #expect(sandbox.get("/v1/state/datasets").text == "[]")
    // Created, then attached: both reported without primary and path.
    let bare =
      #"[{"dataset_id": "\#(id)", "maximum_size": 2147483648}, {"dataset_id": "\#(unsized)", "maximum_size": 80530636800}]"#
    clock.advance(0.2)
    #expect(sandbox.get("/v1/state/datasets").text == bare)
    clock.advance(0.5)
    #expect(sandbox.get("/v1/state/datasets").text == bare)
    clock.advance(0.5)
    let state = sandbox.get("/v1/state/datasets")
    #expect(state.status == 200)
    #expect(
      state.text
        == #"[{"dataset_id": "\#(id)", "primary": "\#(node)", "maximum_size": 2147483648, "path": "/flocker/\#(id)"}, {"dataset_id": "\#(unsized)", "primary": "\#(node)", "maximum_size": 80530636800, "path": "/flocker/\#(unsized)"}]"#
    )
  }

  @Test func moveUnmountsDetachesAttachesMounts() throws {
    let (sandbox, clock) = try makeSandbox()
    let (a, b) = (sandbox.nodes[0].uuid, sandbox.nodes[1].uuid)
    let id = try sandbox.createDataset(primary: a, extra: #", "maximum_size": 1073741824"#)
    clock.advance(1.6)
    #expect(sandbox.get("/v1/state/datasets").array.first?["primary"] as? String == a)
    #expect(
      sandbox.post("/v1/configuration/datasets/\(id)", #"{"primary": "\#(b)"}"#).status == 200)
    #expect(sandbox.get("/v1/state/datasets").array.first?["primary"] as? String == a)
    let bare = #"[{"dataset_id": "\#(id)", "maximum_size": 1073741824}]"#
    for stage in ["unmounted on A", "detached from A", "attached on B"] {
      clock.advance(0.5)
      #expect(sandbox.get("/v1/state/datasets").text == bare, "\(stage)")
    }
    clock.advance(0.5)
    let attached = sandbox.get("/v1/state/datasets").array.first
    #expect(attached?["primary"] as? String == b)
    #expect(attached?["path"] as? String == "/flocker/\(id)")
  }

  @Test func deleteDisappearsAndUnknownPrimaryStaysPending() throws {
    let (sandbox, clock) = try makeSandbox()
    let id = try sandbox.createDataset(primary: sandbox.nodes[2].uuid)
    let orphan = try sandbox.createDataset(primary: UUID().uuidString.lowercased())
    clock.advance(1.6)
    #expect(sandbox.get("/v1/state/datasets").array.map { $0["dataset_id"] as? String } == [id])
    #expect(sandbox.delete("/v1/configuration/datasets/\(id)").status == 200)
    clock.advance(0.3)
    #expect(sandbox.get("/v1/state/datasets").array.first?["path"] != nil)
    // Unmounted, then detached: still there without primary; then destroyed.
    clock.advance(0.3)
    #expect(sandbox.get("/v1/state/datasets").array.first?["primary"] == nil)
    clock.advance(0.5)
    #expect(sandbox.get("/v1/state/datasets").array.count == 1)
    clock.advance(0.5)
    #expect(sandbox.get("/v1/state/datasets").text == "[]")
    clock.advance(60)
    #expect(sandbox.get("/v1/state/datasets").text == "[]")
    // Moving the pending one to a real node creates it there.
    #expect(
      sandbox.post(
        "/v1/configuration/datasets/\(orphan)", #"{"primary": "\#(sandbox.nodes[0].uuid)"}"#
      ).status == 200)
    clock.advance(1.6)
    #expect(sandbox.get("/v1/state/datasets").array.first?["dataset_id"] as? String == orphan)
    #expect(sandbox.get("/v1/state/datasets").array.first?["path"] != nil)
  }

  @Test func convergesInRealTime() async throws {
    let sandbox = try Sandbox(options: testOptions(delay: 0.1))
    // "Not yet" is read on a held clock (a loaded machine can let 0.1 s pass between two
    // requests); then the clock is the real one again and the steps run in real time.
    let held = Date().timeIntervalSince1970
    sandbox.clock = { held }
    let id = try sandbox.createDataset(primary: sandbox.nodes[0].uuid)
    #expect(sandbox.get("/v1/state/datasets").array.isEmpty)
    sandbox.clock = { Date().timeIntervalSince1970 }
    // Three steps of 0.1 s; polled with a generous hang guard, not timed.
    var path: Any?
    for _ in 0..<200 where path == nil {
      try await Task.sleep(nanoseconds: 50_000_000)
      path =
        sandbox.get("/v1/state/datasets").array.first { $0["dataset_id"] as? String == id }?[
          "path"]
    }
    #expect(path as? String == "/flocker/\(id)")
  }

  @Test func nodesAndEras() throws {
    let (sandbox, _) = try makeSandbox()
    #expect(sandbox.nodes.count == 3)
    let nodes = sandbox.get("/v1/state/nodes")
    #expect(nodes.status == 200)
    #expect(nodes.array.map { $0["uuid"] as? String } == sandbox.nodes.map(\.uuid))
    #expect(nodes.array.map { $0["host"] as? String } == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
    for node in sandbox.nodes {
      #expect(matchesUUIDv4Pattern(node.uuid) && matchesUUIDv4Pattern(node.era))
      let found = sandbox.get("/v1/state/nodes/by_era/\(node.era.uppercased())")
      #expect(found.status == 200)
      #expect(found.text == #"{"uuid": "\#(node.uuid)"}"#)
    }
    let missing = sandbox.get("/v1/state/nodes/by_era/56780f44-0499-4153-9352-92344b180021")
    #expect(missing.status == 404)
    #expect(missing.text == #"{"description": "No node found with given era."}"#)
    let bad = sandbox.get("/v1/state/nodes/by_era/not-a-uuid")
    #expect(bad.status == 500 && bad.jsonValue is String)
  }

  @Test func leaseLifecycle() throws {
    let (sandbox, clock) = try makeSandbox()
    let (a, b) = (sandbox.nodes[0].uuid, sandbox.nodes[1].uuid)
    let dataset = "886ed03a-5606-453a-94a9-a1cbaf35164c"
    func acquire(_ node: String, _ expires: String) -> SandboxResponse {
      sandbox.post(
        "/v1/configuration/leases",
        #"{"dataset_id": "\#(dataset)", "node_uuid": "\#(node)", "expires": \#(expires)}"#)
    }
    let tag0 = sandbox.get("/v1/configuration/datasets").header("X-Configuration-Tag")
    let created = acquire(a, "30")
    #expect(created.status == 201)
    #expect(
      created.text == #"{"dataset_id": "\#(dataset)", "node_uuid": "\#(a)", "expires": 30.0}"#)
    let tag1 = sandbox.get("/v1/configuration/datasets").header("X-Configuration-Tag")
    #expect(tag1 != tag0)
    clock.advance(10)
    #expect(sandbox.get("/v1/configuration/leases").array.first?["expires"] as? Double == 20.0)
    let renewed = acquire(a, "60.5")
    #expect(renewed.status == 200 && renewed.object["expires"] as? Double == 60.5)
    #expect(sandbox.get("/v1/configuration/datasets").header("X-Configuration-Tag") != tag1)
    let held = acquire(b, "null")
    #expect(held.status == 409)
    #expect(held.text == #"{"description": "Lease already held."}"#)
    // Expiry: gone once the time has passed.
    clock.advance(60)
    #expect(sandbox.get("/v1/configuration/leases").array.count == 1)
    clock.advance(1)
    #expect(sandbox.get("/v1/configuration/leases").text == "[]")
    // Now another node may take it, without expiry.
    let forever = acquire(b, "null")
    #expect(forever.status == 201 && forever.text.hasSuffix(#""expires": null}"#))
    clock.advance(1e6)
    #expect(sandbox.get("/v1/configuration/leases").array.count == 1)
    // Release whoever holds it; then 404.
    let released = sandbox.delete("/v1/configuration/leases/\(dataset)")
    #expect(released.status == 200)
    #expect(
      released.text == #"{"dataset_id": "\#(dataset)", "node_uuid": "\#(b)", "expires": null}"#)
    let again = sandbox.delete("/v1/configuration/leases/\(dataset)")
    #expect(again.status == 404 && again.text == #"{"description": "Lease not found."}"#)
    let bad = sandbox.delete("/v1/configuration/leases/not-a-uuid")
    #expect(bad.status == 500 && bad.jsonValue is String)
  }

  @Test func leaseValidation() throws {
    let (sandbox, _) = try makeSandbox()
    let node = sandbox.nodes[0].uuid
    let missing = sandbox.post(
      "/v1/configuration/leases",
      #"{"dataset_id": "886ed03a-5606-453a-94a9-a1cbaf35164c", "node_uuid": "\#(node)"}"#)
    #expect(missing.status == 400 && missing.errors == ["'expires' is a required property"])
    let short = sandbox.post(
      "/v1/configuration/leases", #"{"dataset_id": "x", "node_uuid": "\#(node)", "expires": true}"#)
    #expect(short.errors == ["u'x' is too short", "True is not of type 'number', 'null'"])
    // 36 characters but not a UUID: passes the schema, then Python's UUID() raises → 500.
    let notUUID = sandbox.post(
      "/v1/configuration/leases",
      #"{"dataset_id": "\#(String(repeating: "z", count: 36))", "node_uuid": "\#(node)", "expires": 1}"#
    )
    #expect(notUUID.status == 500 && notUUID.jsonValue is String)
    let overflow = sandbox.post(
      "/v1/configuration/leases",
      #"{"dataset_id": "886ed03a-5606-453a-94a9-a1cbaf35164c", "node_uuid": "\#(node)", "expires": 1e300}"#
    )
    #expect(overflow.status == 500)
    #expect(sandbox.post("/v1/configuration/leases", "").status == 400)
  }

  @Test func faultsFailAndDropRequests() throws {
    let (sandbox, _) = try makeSandbox()
    sandbox.faults = SandboxFaults(failEvery: 2)
    #expect(sandbox.get("/v1/version").status == 200)
    let failed = sandbox.get("/v1/version")
    #expect(failed.status == 500 && failed.jsonValue is String)
    #expect(sandbox.get("/v1/version").status == 200)
    sandbox.faults = SandboxFaults(dropEvery: 1)
    #expect(sandbox.get("/v1/version").dropConnection)
    // The injected latency is what the server waits before answering (not timed here).
    sandbox.faults = SandboxFaults(latency: 0.2)
    let (slow, latency) = sandbox.process(
      method: "GET", path: "/v1/version", headers: [], body: [])
    #expect(slow.status == 200 && latency == 0.2)
    // A failed request is not executed.
    sandbox.faults = SandboxFaults(failEvery: 1)
    _ = sandbox.post("/v1/configuration/datasets", #"{"primary": "\#(sandbox.nodes[0].uuid)"}"#)
    sandbox.faults = SandboxFaults()
    #expect(sandbox.get("/v1/configuration/datasets").text == "[]")
  }
}
