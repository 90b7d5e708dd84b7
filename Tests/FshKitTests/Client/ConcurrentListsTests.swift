// The state list read on a second connection while the configuration arrives on the first
// (ClusterLists.read): the same view as reading them in turn, the same errors, and the
// byte-level prefix match completion uses.
import Foundation
import FshClient
import FshModel
import FshTestSupport
import Testing

@testable import FshKit
@testable import FshRuntime

/// An in-process transport that offers a companion (another in-process transport on the same
/// answers), recording which paths each one served.
final class PairedTransport: ControlTransport, @unchecked Sendable {
  let answer: (HTTPRequest) -> HTTPResponse
  private let lock = NSLock()
  private var served: [String] = []
  var companion: PairedTransport?
  init(_ answer: @escaping (HTTPRequest) -> HTTPResponse) { self.answer = answer }
  func perform(_ request: HTTPRequest) throws -> HTTPResponse {
    lock.withLock { served.append(request.path) }
    return answer(request)
  }
  func cancel() { companion?.cancel() }
  var paths: [String] { lock.withLock { served } }
  func withCompanion(_ body: (ControlTransport?) throws -> Void) rethrows {
    if companion == nil { companion = PairedTransport(answer) }
    try body(companion)
  }
}

@Suite("Client: lists read side by side", .blocking)
struct ConcurrentListsTests {
  static func answers(_ count: Int, failing: Set<String> = []) -> (HTTPRequest) -> HTTPResponse {
    FastListingTests.answers(count, failing: failing)
  }

  @Test func theSameViewAsReadingInTurn() throws {
    let paired = PairedTransport(Self.answers(2_000))
    let side = try ClusterView.load(FlockerClient(transport: paired))
    let inTurn = try ClusterView.load(
      FlockerClient(transport: InProcessTransport(Self.answers(2_000))))
    #expect(side.datasets == inTurn.datasets)
    #expect(side.nodes == inTurn.nodes)
    #expect(side.tag == "t1" && inTurn.tag == "t1")
    #expect(paired.paths == ["/v1/configuration/datasets", "/v1/state/nodes"])
    #expect(paired.companion?.paths == ["/v1/state/datasets"])
  }

  @Test func errorsAreThoseOfReadingInTurn() throws {
    for failing in [
      ["/v1/configuration/datasets"], ["/v1/state/datasets"],
      ["/v1/configuration/datasets", "/v1/state/datasets"], ["/v1/state/nodes"],
    ] {
      func message(_ t: ControlTransport) -> String {
        do {
          _ = try ClusterView.load(FlockerClient(transport: t))
          return "no error"
        } catch { return "\(error)" }
      }
      let side = message(PairedTransport(Self.answers(50, failing: Set(failing))))
      let inTurn = message(InProcessTransport(Self.answers(50, failing: Set(failing))))
      #expect(side == inTurn, "\(failing)")
      #expect(side != "no error")
    }
  }

  @Test func againstTheSandboxOverTwoConnections() throws {
    let peer = try SandboxPeer()
    let transport = try peer.settings().transport()
    let client = FlockerClient(transport: transport)
    _ = try client.createDataset(primary: peer.nodeA, metadata: ["name": "side-by-side"])
    let view = try ClusterView.load(client)
    let traced = try ClusterView.load(
      FlockerClient(transport: try peer.settings().transport(trace: { _ in })))
    #expect(view.datasets.contains { $0.configuration.name == "side-by-side" })
    // (Statuses move while the agents converge: the configuration is what must agree.)
    #expect(view.datasets.map(\.configuration) == traced.datasets.map(\.configuration))
    // Read again: the spare connection is reused.
    let again = try ClusterView.load(client)
    #expect(again.datasets.map(\.configuration) == view.datasets.map(\.configuration))
  }

  @Test func prefixMatchIsStringHasPrefix() {
    let words = [
      "seed-0123", "seed-01234", "seed-012", "Seed-0123", "seed-0123\u{301}", "seed-0123é",
      "\u{212A}elvin", "Kelvin", "é", "e\u{301}", "e", "", "\r\n", "\r", "\rx", "数据", "seed",
      "seed-0123\r\n", "a\u{301}b",
    ]
    let prefixes = [
      "seed-0123", "seed-", "", "K", "e", "\r", "é", "e\u{301}", "数", "a", "seed-0123\r",
    ]
    for p in prefixes {
      let ascii = Completion.asciiBytes(p)
      for w in words {
        #expect(
          Completion.hasPrefix(w, ascii, p) == w.hasPrefix(p),
          "\(w.debugDescription) \(p.debugDescription)")
      }
    }
  }
}
