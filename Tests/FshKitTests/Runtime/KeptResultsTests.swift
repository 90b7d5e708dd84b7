// What a run's outcome keeps of its results: all top-level ones for a program that embeds the
// library, the last one alone for the executable (which shows each as it comes), so that a
// script of many large listings holds one at a time.
import Foundation
import FshTestSupport
import Testing

@testable import FshKit
@testable import FshRuntime

@Suite struct KeptResultsTests {
  func session(_ host: CollectingHost) -> Session {
    let env = SessionEnvironment(
      variables: ["HOME": TestSandbox.freshHome()], workingDirectory: "/")
    return Session(environment: env, host: host)
  }

  static let script = "echo first\necho second\ntry echo third\nif true { echo inside }"

  @Test func anEmbeddingProgramGetsEveryTopLevelResult() {
    let host = CollectingHost()
    let o = session(host).run(Self.script, name: "job.fsh")
    #expect(o.values == [.string("first"), .string("second"), .string("third")])
    #expect(host.results.count == 4)
  }

  @Test func theExecutablesSessionKeepsTheLastResultAlone() {
    let host = CollectingHost()
    let s = session(host)
    s.keepsOnlyLastResult = true
    let o = s.run(Self.script, name: "job.fsh")
    #expect(o.values == [.string("third")])
    // Every result is still shown.
    #expect(host.results.count == 4)
  }
}
