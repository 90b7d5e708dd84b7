import Foundation
import FshModel
import FshSandboxProtocol
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What fsh and fsh-sandbox say to each other: one JSON value a line, over a pipe.
struct LinePipeTests {
  /// A pipe's two ends, closed at the end of the test.
  final class Pipes {
    var fds: [Int32] = [-1, -1]
    init() throws {
      guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
    }
    func closeWriter() {
      if fds[1] >= 0 { close(fds[1]) }
      fds[1] = -1
    }
    deinit {
      for fd in fds where fd >= 0 { close(fd) }
    }
  }

  @Test func aStartRequestAndQueriesCrossIntact() throws {
    let p = try Pipes()
    let pipe = LinePipe(readFD: p.fds[0], writeFD: p.fds[1])
    var start = SandboxStart(directory: "/tmp/ünïcode dir\nwith a newline", waitForAgents: true)
    start.port = 0
    start.churnSeed = UInt64.max
    start.faultRate = 0.25
    #expect(pipe.send(start))
    #expect(pipe.send(SandboxQuery.handle(method: "GET", path: "/v1/version")))
    #expect(pipe.send(SandboxQuery.requests(since: 7)))
    let got = try #require(try pipe.receive(SandboxStart.self))
    #expect(got.directory == start.directory)
    #expect(got.port == 0 && got.churnSeed == UInt64.max && got.faultRate == 0.25)
    #expect(got.waitForAgents && got.nodeCount == nil)
    guard case .handle(let method, let path)? = try pipe.receive(SandboxQuery.self) else {
      Issue.record("not the handle query")
      return
    }
    #expect(method == "GET" && path == "/v1/version")
    guard case .requests(let since)? = try pipe.receive(SandboxQuery.self) else {
      Issue.record("not the requests query")
      return
    }
    #expect(since == 7)
  }

  @Test func aCopySeedAndAnAnswerCrossIntact() throws {
    let p = try Pipes()
    let pipe = LinePipe(readFD: p.fds[0], writeFD: p.fds[1])
    var start = SandboxStart(directory: "/d", waitForAgents: false)
    start.seed = SandboxCopySeed(
      version: "1.15.0", nodes: [.init(uuid: "n1", host: "10.0.0.1", era: "e1")],
      datasets: [
        .init(
          id: "d1", primary: "n1", maximumSize: nil, metadata: [.init(key: "name", value: "a\"b")],
          deleted: true, hugeSize: "99999999999999999999999")
      ],
      state: [.init(id: "d1", primary: nil, size: 5)],
      leases: [.init(datasetID: "d1", nodeUUID: "n1", expires: nil)])
    #expect(pipe.send(start))
    var answer = SandboxAnswer()
    answer.count = 3
    answer.body = Data([0, 10, 255])
    answer.requests = [
      .init(method: "POST", path: "/v1/x", body: Data("{}\n".utf8), status: 201, response: Data())
    ]
    #expect(pipe.send(answer))
    let seed = try #require(try pipe.receive(SandboxStart.self)?.seed)
    #expect(seed.version == "1.15.0" && seed.nodes.first?.era == "e1")
    let d = try #require(seed.datasets.first)
    #expect(d.deleted && d.maximumSize == nil && d.hugeSize == "99999999999999999999999")
    #expect(d.metadata.first?.value == "a\"b")
    #expect(seed.state.first?.size == 5 && seed.state.first?.primary == nil)
    #expect(seed.leases == [.init(datasetID: "d1", nodeUUID: "n1", expires: nil)])
    let got = try #require(try pipe.receive(SandboxAnswer.self))
    #expect(got.count == 3 && got.body == Data([0, 10, 255]))
    #expect(got.requests.first?.body == Data("{}\n".utf8) && got.requests.first?.status == 201)
  }

  @Test func endOfFileIsNilAndGarbageIsAnError() throws {
    let p = try Pipes()
    let pipe = LinePipe(readFD: p.fds[0], writeFD: p.fds[1])
    let garbage = Array("{not json\n".utf8)
    #expect(garbage.withUnsafeBytes { write(p.fds[1], $0.baseAddress, $0.count) } == garbage.count)
    #expect(throws: (any Error).self) { try pipe.receive(SandboxStart.self) }
    p.closeWriter()
    #expect(try pipe.receive(SandboxStart.self) == nil)
  }

  @Test func sendingToAGoneReaderIsFalseNotADeadProcess() throws {
    let p = try Pipes()
    close(p.fds[0])
    p.fds[0] = -1
    let pipe = LinePipe(readFD: -1, writeFD: p.fds[1])
    #expect(!pipe.send(SandboxQuery.requests(since: 0)))
  }
}
