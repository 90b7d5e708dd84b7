import Foundation
import FshClient
import FshKit
import FshModel
import FshRuntime
import Testing

/// A read-only session sends reads and nothing else, whatever its commands try.
@Suite struct ReadOnlyTransportTests {
  final class Recorder: @unchecked Sendable {
    let lock = NSLock()
    var methods: [String] = []
    func answer(_ request: HTTPRequest) -> HTTPResponse {
      lock.lock()
      methods.append(request.method)
      lock.unlock()
      let body: String
      switch request.path {
      case "/v1/state/nodes":
        body = #"[{"uuid": "11111111-1111-4111-8111-111111111111", "host": "10.0.0.1"}]"#
      default: body = "[]"
      }
      return HTTPResponse(
        status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }
  }

  @Test func onlyReadsReachTheControlService() {
    let recorder = Recorder()
    let s = Session(
      environment: SessionEnvironment(
        variables: ["HOME": TestSandbox.freshHome()], workingDirectory: "/"))
    s.transportFactory = { _, _ in InProcessTransport(recorder.answer) }
    s.set(.host, to: "recorded")
    s.readOnly = true
    let o = s.run("datasets\ncreate x 1G on 10.0.0.1", name: "test")
    #expect(o.status == 1)
    #expect(
      o.stoppedBy?.message.contains("this connection is read-only") == true,
      "\(o.stoppedBy.map { "\($0)" } ?? "")")
    #expect(!recorder.methods.isEmpty)
    #expect(recorder.methods.allSatisfy { $0 == "GET" }, "\(recorder.methods)")
    // Writable again: the same create is sent.
    s.readOnly = false
    _ = s.run("create x 1G on 10.0.0.1", name: "test")
    #expect(recorder.methods.contains("POST"))
  }
}
