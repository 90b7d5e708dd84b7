import Foundation
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
