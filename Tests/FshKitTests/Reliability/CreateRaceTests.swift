// Two sessions creating the same name at the same moment leave exactly one dataset: `create`
// reads the configuration, checks the name, and posts with `X-If-Configuration-Matches`; the
// loser gets a 412, reads again, sees the twin and fails.
import Foundation
import FshClient
import FshModel
import FshSandbox
import FshTestSupport
import Testing

@testable import FshKit
@testable import FshRuntime

@Suite("Reliability: create race", .blocking)
struct ReliabilityCreateRaceTests {
  /// The sessions overlap for certain: each one's first POST waits at a barrier until every
  /// session has read the configuration and is about to post, so all of them post against the
  /// same configuration. Exactly one wins; every other one gets a 412 (retried by `create`,
  /// which then sees the twin). Run one after another, no 412 happens and the test fails.
  @Test func sessionsCreatingTheSameNameAtOnceLeaveExactlyOne() throws {
    let sandbox = try TestSandbox.shared
    let sessions = 4
    for round in 0..<5 {
      let name = "race-\(round)-\(UInt32.random(in: 0...UInt32.max))"
      let barrier = PostBarrier(parties: sessions)
      let outcomes = SharedOutcomes()
      let group = DispatchGroup()
      for _ in 0..<sessions {
        group.enter()
        Thread {
          defer { group.leave() }
          let s = Session(environment: TestSandbox.environment(sandbox), host: CollectingHost())
          s.transportFactory = { c, options in
            let settings = try #require(Connection.settings(c, options: options))
            return BarrierTransport(try CurlTransport(settings: settings), barrier: barrier)
          }
          outcomes.add(s.run("create \(name) 1G on \(sandbox.nodes[0].uuid)", name: "race"))
        }.start()
      }
      group.wait()
      #expect(!barrier.timedOut, "round \(round): a session never reached its POST")
      let all = outcomes.all
      #expect(all.filter { $0.status == 0 }.count == 1, "round \(round): \(all.map(\.status))")
      for o in all where o.status != 0 {
        #expect(o.stoppedBy?.message == "a dataset named '\(name)' already exists", "\(o)")
      }
      // The overlap happened: every session but the winner had its POST refused with a 412
      // (more when another test's change on the shared sandbox came in between and every
      // session had to try again).
      let refused = sandbox.requestLog.filter {
        $0.method == "POST" && $0.path == "/v1/configuration/datasets" && $0.status == 412
          && String(decoding: $0.body, as: UTF8.self).contains("\"\(name)\"")
      }
      #expect(refused.count >= sessions - 1, "round \(round): \(refused.count) 412s")
      // The service holds exactly one live dataset with that name.
      let r = sandbox.handle(method: "GET", path: "/v1/configuration/datasets")
      let list = try JSON.decode(r.body)
      let live = list.elements.filter {
        $0["metadata"]?["name"] == .string(name) && $0["deleted"] != .bool(true)
      }
      #expect(live.count == 1, "round \(round): \(live.count) datasets named \(name)")
    }
  }
}

/// Holds each session's first POST until `parties` sessions have reached theirs (or 30 s
/// passed, then `timedOut`), so the conditional creates all carry the same configuration tag.
final class PostBarrier: @unchecked Sendable {
  private let parties: Int
  private var arrived = 0
  private let lock = NSCondition()
  private(set) var timedOut = false
  init(parties: Int) { self.parties = parties }
  func arrive() {
    lock.lock()
    defer { lock.unlock() }
    arrived += 1
    lock.broadcast()
    let deadline = Date().addingTimeInterval(30)
    while arrived < parties {
      if !lock.wait(until: deadline) {
        timedOut = true
        return
      }
    }
  }
}

/// A transport that stops at `barrier` before its first POST, then passes everything on.
final class BarrierTransport: ControlTransport, @unchecked Sendable {
  private let inner: ControlTransport
  private let barrier: PostBarrier
  private var posted = false
  init(_ inner: ControlTransport, barrier: PostBarrier) {
    self.inner = inner
    self.barrier = barrier
  }
  func perform(_ request: HTTPRequest) throws -> HTTPResponse {
    if request.method == "POST" && !posted {
      posted = true
      barrier.arrive()
    }
    return try inner.perform(request)
  }
  func perform(
    _ request: HTTPRequest, streamingBody consume: (UnsafeBufferPointer<UInt8>, Int) -> Void
  ) throws -> HTTPResponse {
    try inner.perform(request, streamingBody: consume)
  }
  func cancel() { inner.cancel() }
  func url(for path: String) -> String { inner.url(for: path) }
}

final class SharedOutcomes: @unchecked Sendable {
  private var items: [Outcome] = []
  private let lock = NSLock()
  func add(_ o: Outcome) {
    lock.lock()
    items.append(o)
    lock.unlock()
  }
  var all: [Outcome] {
    lock.lock()
    defer { lock.unlock() }
    return items
  }
}
