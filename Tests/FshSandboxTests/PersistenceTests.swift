import Foundation
import FshTestSupport
import Testing

@testable import FshSandbox

@Suite("Persistence and scale")
struct PersistenceTests {
  @Test func restartLoadsConfigurationAndReusesCertificates() throws {
    let directory = temporaryDirectory("persist")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let options = testOptions(directory: directory, persist: true)
    let (first, clock) = try makeSandbox(options)
    let node = first.nodes[1].uuid
    let id = try first.createDataset(
      primary: node, extra: #", "maximum_size": 1073741824, "metadata": {"name": "db"}"#)
    let gone = try first.createDataset(primary: node)
    #expect(first.delete("/v1/configuration/datasets/\(gone)").status == 200)
    let lease = first.post(
      "/v1/configuration/leases",
      #"{"dataset_id": "\#(id)", "node_uuid": "\#(node)", "expires": null}"#)
    #expect(lease.status == 201)
    clock.advance(1)
    #expect(first.get("/v1/state/datasets").array.count == 1)
    let configuration = first.get("/v1/configuration/datasets")
    let tag = configuration.header("X-Configuration-Tag")
    let caBefore = try String(contentsOfFile: directory + "/cluster.crt", encoding: .utf8)
    let path = directory + "/current_configuration.json"
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))

    first.close()  // one state directory, one sandbox: the second waits for the first to let go
    let (second, clock2) = try makeSandbox(options)
    #expect(second.nodes == first.nodes)
    #expect(second.clusterUUID == first.clusterUUID)
    #expect(try String(contentsOfFile: directory + "/cluster.crt", encoding: .utf8) == caBefore)
    let reloaded = second.get("/v1/configuration/datasets")
    #expect(reloaded.text == configuration.text)
    #expect(reloaded.header("X-Configuration-Tag") == tag)
    #expect(second.get("/v1/configuration/leases").array.first?["dataset_id"] as? String == id)
    // The control service's state is empty until the agents report again.
    #expect(second.get("/v1/state/datasets").text == "[]")
    clock2.advance(Date().timeIntervalSince1970)  // past the real-time schedule made at load
    // It was attached, not mounted, when the first one stopped: the agents go on from there.
    #expect(second.get("/v1/state/datasets").array.allSatisfy { $0["path"] == nil })
    clock2.advance(0.6)
    let state = second.get("/v1/state/datasets").array
    #expect(state.count == 1 && state.first?["primary"] as? String == node)
  }

  @Test func certificateFilesAreComplete() throws {
    let directory = temporaryDirectory("certs")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var options = testOptions(directory: directory, premade: false)  // the sandbox's own files
    options.userName = "alice"
    let sandbox = try Sandbox(options: options)
    #expect(sandbox.certificatesDirectory == directory)
    #expect(sandbox.userCertificatePath == directory + "/alice.crt")
    for name in ["cluster", "control-service", "alice"] {
      for suffix in [".crt", ".key"] {
        let attributes = try FileManager.default.attributesOfItem(
          atPath: "\(directory)/\(name)\(suffix)")
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)\(suffix)")
      }
    }
    let directoryAttributes = try FileManager.default.attributesOfItem(atPath: directory)
    #expect((directoryAttributes[.posixPermissions] as? Int) == 0o700)
    // A half-present CA is refused rather than silently replaced.
    try FileManager.default.removeItem(atPath: directory + "/cluster.key")
    #expect(throws: (any Error).self) { try Sandbox(options: options) }
  }

  /// Correctness of a 100 000-dataset seed; how fast it is belongs to scripts/bench (which
  /// serves one, `serve BIG --datasets 100000`).
  @Test func seedsManyDatasets() throws {
    var options = testOptions()
    options.seedDatasets = 100_000
    let sandbox = try Sandbox(options: options)
    let configuration = sandbox.get("/v1/configuration/datasets")
    let state = sandbox.get("/v1/state/datasets")
    let again = sandbox.get("/v1/configuration/datasets")
    #expect(configuration.status == 200 && again.body.count == configuration.body.count)
    let list = configuration.array
    #expect(list.count == 100_000)
    // Flocker's order: by node, then dataset, in hash order; every seed once.
    let names = Set(list.compactMap { ($0["metadata"] as? [String: String])?["name"] })
    #expect(names.count == 100_000 && names.contains("seed-00001") && names.contains("seed-100000"))
    let primaries = list.compactMap { $0["primary"] as? String }
    #expect(primaries.count == 100_000)
    var runs = 1
    for (previous, next) in zip(primaries, primaries.dropFirst()) where previous != next {
      runs += 1
    }
    #expect(runs == 3)  // grouped by node
    #expect(state.array.count == 100_000)
    #expect(state.array.first?["path"] != nil)
  }
}
