// Two sessions creating the same name at the same moment leave exactly one dataset: `create`
// reads the configuration, checks the name, and posts with `X-If-Configuration-Matches`; the
// loser gets a 412, reads again, sees the twin and fails.
import Foundation
import FshSandbox
import Testing

@testable import FshKit

@Suite("Reliability: create race")
struct ReliabilityCreateRaceTests {
  @Test func sessionsCreatingTheSameNameAtOnceLeaveExactlyOne() throws {
    let sandbox = TestSandbox.shared
    let sessions = 4
    for round in 0..<5 {
      let name = "race-\(round)-\(UInt32.random(in: 0...UInt32.max))"
      let start = DispatchSemaphore(value: 0)
      let outcomes = SharedOutcomes()
      let group = DispatchGroup()
      for _ in 0..<sessions {
        group.enter()
        Thread {
          let s = Session(environment: TestSandbox.environment(sandbox), host: CollectingHost())
          // Warm up (connection, node list) so that the creates really start together.
          _ = s.run("let n = (nodes).0.uuid", name: "race")
          start.wait()
          outcomes.add(s.run("create \(name) 1G on $n", name: "race"))
          group.leave()
        }.start()
      }
      Thread.sleep(forTimeInterval: 0.3)
      for _ in 0..<sessions { start.signal() }
      group.wait()
      let all = outcomes.all
      #expect(all.filter { $0.status == 0 }.count == 1, "round \(round): \(all.map(\.status))")
      for o in all where o.status != 0 {
        #expect(o.stoppedBy?.message == "a dataset named '\(name)' already exists", "\(o)")
      }
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
