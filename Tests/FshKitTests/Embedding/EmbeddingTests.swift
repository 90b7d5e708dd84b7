import Foundation
import FshClient
import FshKit
import FshModel
import FshRuntime
import FshSandbox
import FshTestSupport
import Testing

/// The library as another program uses it: only public API (no @testable import here).
@Suite(.blocking) struct EmbeddingTests {
  /// A command of the embedding program.
  struct Greet: Command {
    static let who = Parameter.positional(
      "NAME", "who to greet", completion: .values(["world", "flocker"]))
    static let loudFlag = Parameter.flag(["--loud"], "shout")
    static let help = CommandHelp(
      ["greet"], summary: "say hello to someone", parameters: [who, loudFlag])
    var name: String
    var loud: Bool
    init(arguments: inout Arguments) throws {
      loud = arguments.flag(Self.loudFlag)
      name = arguments.value(Self.who).text
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let text = "hello, \(name)"
      return CommandResult(
        .record(Record([("greeting", .string(loud ? text.uppercased() : text))])), .record)
    }
  }

  func session(_ host: CollectingHost) -> Session {
    let env = SessionEnvironment(
      variables: ["HOME": TestSandbox.freshHome()], workingDirectory: "/")
    let s = Session(environment: env, host: host)
    s.register(Greet.self)
    return s
  }

  @Test func customCommandBehavesLikeABuiltIn() throws {
    let host = CollectingHost()
    let s = session(host)
    var o = s.run("let g = greet flocker --loud\necho $g.greeting", name: "embed")
    #expect(o.status == 0)
    #expect(host.results.last?.value == .string("HELLO, FLOCKER"))
    // Help lists it and shows its own help.
    o = s.run("help", name: "embed")
    #expect(host.results.last?.value.text.contains("say hello to someone") == true)
    o = s.run("help greet", name: "embed")
    #expect(host.results.last?.value.text.contains("USAGE: greet NAME [--loud]") == true)
    // Completion knows it, its options and its argument values.
    let c = Completion(session: s)
    #expect(c.complete("gre").candidates == ["greet"])
    #expect(c.complete("greet fl").candidates == ["flocker"])
    #expect(c.complete("greet x --l").candidates == ["--loud"])
    // Argument errors are worded and placed like the built-ins'.
    o = s.run("greet", name: "embed")
    #expect(o.status == 1)
    #expect(o.stoppedBy?.message == "'greet' needs NAME")
    o = s.run("greet bob --quiet", name: "embed")
    #expect(o.stoppedBy?.message == "unknown option '--quiet' for 'greet'")
    #expect(o.stoppedBy?.range?.start.column == 11)
    // Output formats apply.
    o = s.run("greet ann -o json", name: "embed")
    #expect(host.results.last?.format == .json)
    #expect(o.values.last == .record(Record([("greeting", .string("hello, ann"))])))
  }

  @Test func outcomeCarriesDiagnosticsNotText() {
    let host = CollectingHost()
    let s = session(host)
    let o = s.run("echo a\nnosuch thing", name: "job.fsh")
    #expect(o.status == 1)
    #expect(o.values == [.string("a")])
    #expect(o.stoppedBy?.sourceName == "job.fsh")
    #expect(o.stoppedBy?.range?.start.line == 2)
    #expect(o.stoppedBy?.code == .unknownCommand)
    #expect(!o.exited)
  }

  @Test func outcomeValuesAreTheTopLevelCommandsOnly() {
    // As docs/embedding.md says: commands inside `if` and `for` are shown, not collected.
    let host = CollectingHost()
    let s = session(host)
    let o = s.run(
      "echo first\nif true { echo inside }\nfor x in a b { echo $x }\ntry echo last",
      name: "job.fsh")
    #expect(o.status == 0)
    #expect(o.values == [.string("first"), .string("last")])
    #expect(host.results.count == 5)
  }

  @Test func inProcessTransportToTheSandbox() throws {
    let sandbox = try TestSandbox.shared
    let host = CollectingHost()
    let s = session(host)
    s.transportFactory = { _, _ in
      InProcessTransport { request in
        let r = sandbox.handle(
          method: request.method, path: request.path, headers: request.headers,
          body: request.body ?? [])
        return HTTPResponse(status: r.status, headers: r.headers, body: r.body)
      }
    }
    s.set(.host, to: "in-process")
    let o = s.run("version", name: "embed")
    #expect(o.status == 0, "\(o.stoppedBy.map { "\($0)" } ?? "")")
    #expect(o.values.first?["flocker"] == .string("1.15.0"))
  }

  @Test func cancelStopsASleepingScriptFromAnotherThread() {
    let host = CollectingHost()
    let s = session(host)
    // Hang guard (not a speed goal; scripts/bench measures that): 25 times the 0.2 s the
    // cancel takes, and the sleep is ten times longer than the guard.
    let hangGuard = 5.0
    let start = Date()
    // A thread of its own: under a loaded test run, Dispatch's pool sent the cancel seconds late.
    Thread.detachNewThread {
      Thread.sleep(forTimeInterval: 0.2)
      s.cancel()
    }
    let o = s.run("sleep \(Int(hangGuard * 10))s\necho never", name: "embed")
    #expect(
      Date().timeIntervalSince(start) < hangGuard, "hang guard: the cancel did not stop sleep")
    #expect(o.status == 130)
    #expect(o.stoppedBy?.code == .cancelled)
    #expect(o.values.isEmpty)
  }
}
