import Foundation
import FshClient
import FshKit
import FshModel
import FshRuntime
import FshTestSupport
import Testing

/// The status model and `wait … deleted` against exactly scripted answers: what a churning or
/// stuck cluster can say, one read at a time.
@Suite struct StatusModelTests: ScriptedDataset {
  @Test func desiredAndActualStayApart() {
    let v = view(primary: Self.b, state: [mounted(on: Self.a)])
    #expect(v.value["primary"] == .string(Self.b))
    #expect(v.value["host"] == .string("10.0.0.2"))
    #expect(v.value["attached_node"] == .string(Self.a))
    #expect(v.value["attached_host"] == .string("10.0.0.1"))
    #expect(v.value["path"] == .string("/flocker/\(Self.id)"))
    let nowhere = view(primary: Self.a, state: [bare])
    #expect(nowhere.value["attached_node"] == .null && nowhere.value["path"] == .null)
  }

  /// A control service whose state answers follow a script: `true` lists the dataset, `false`
  /// misses it (the last answer repeats).
  final class Scripted: @unchecked Sendable {
    let lock = NSLock()
    var reads: [Bool]
    var count = 0
    init(_ reads: [Bool]) { self.reads = reads }

    func answer(_ request: HTTPRequest) -> HTTPResponse {
      func json(_ text: String) -> HTTPResponse {
        HTTPResponse(
          status: 200, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
      }
      switch request.path {
      case "/v1/configuration/datasets":
        return json(
          #"[{"dataset_id": "\#(id)", "primary": "\#(a)", "metadata": {"name": "x"}, "deleted": true, "maximum_size": 1073741824}]"#
        )
      case "/v1/state/nodes":
        return json(#"[{"uuid": "\#(a)", "host": "10.0.0.1"}]"#)
      case "/v1/configuration/leases":
        return json("[]")
      case "/v1/state/datasets":
        lock.lock()
        let listed = reads[min(count, reads.count - 1)]
        count += 1
        lock.unlock()
        return json(listed ? #"[{"dataset_id": "\#(id)", "maximum_size": 1073741824}]"# : "[]")
      default:
        return HTTPResponse(status: 404)
      }
    }
  }

  func waitDeleted(_ reads: [Bool], timeout: String, settle: String = "1s") -> Outcome {
    let scripted = Scripted(reads)
    let s = Session(
      environment: SessionEnvironment(
        variables: ["HOME": TestSandbox.freshHome()], workingDirectory: "/"))
    s.transportFactory = { _, _ in InProcessTransport(scripted.answer) }
    s.set(.host, to: "scripted")
    return s.run("wait x deleted timeout \(timeout) settle \(settle)", name: "test")
  }

  @Test func oneMissingReadIsNotADeletion() {
    // Missing on every other read, never for the whole settle window: never deleted.
    let flapping = waitDeleted(
      Array(repeating: [true, false], count: 40).flatMap { $0 }, timeout: "3s")
    #expect(flapping.status == 1)
    #expect(flapping.stoppedBy?.message == "dataset 'x' is not deleted after 3s")
    // Two misses, then listed again, then gone for good: deleted once unlisted for the window.
    let gone = waitDeleted(
      [true, false, false, true] + Array(repeating: false, count: 10), timeout: "30s")
    #expect(gone.status == 0, "\(gone.stoppedBy.map { "\($0)" } ?? "")")
  }

  /// Absent from every read is not a destruction until the settle window (20s by default,
  /// longer than an agent's longest back-off) has passed.
  @Test func deletedNeedsTheSettleWindow() throws {
    let early = waitDeleted([false], timeout: "3s", settle: "20s")
    #expect(early.status == 1)
    let notes = early.stoppedBy?.notes.joined(separator: "\n") ?? ""
    #expect(notes.contains("of the 20s settle window"), "\(notes)")
    let start = Date()
    let settled = waitDeleted([false], timeout: "30s", settle: "2s")
    #expect(settled.status == 0, "\(settled.stoppedBy.map { "\($0)" } ?? "")")
    #expect(Date().timeIntervalSince(start) >= 2, "concluded inside the settle window")
  }
}
