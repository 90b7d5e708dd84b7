import Foundation
import FshLanguage
import Synchronization
import Testing

@testable import FshKit
@testable import FshRuntime

/// A session with its own configuration and state folders.
private func privateSession(_ host: CollectingHost) -> Session {
  let dir = NSTemporaryDirectory() + "fsh-declaration-\(UUID().uuidString)"
  let env = SessionEnvironment(
    variables: ["HOME": dir], workingDirectory: "/", configDirectory: dir + "/config",
    stateDirectory: dir + "/state")
  return Session(environment: env, host: host)
}

/// A command added with one declaration and one table row: its help, usage line, completion,
/// argument errors and docs row all follow from the declaration, with no other line.
struct DeclarationTests {
  enum Size: String, ChoiceValue { case small, large }

  struct Pour: DeclaredCommand {
    @Arg(.word("some", "reads well")) var some: Bool
    @Arg(.positional("DRINK", "what to pour", completion: .values(["tea", "coffee"])))
    var drink: String
    @Arg(.positional("CUP", "more cups")) var cups: [String]
    @Arg(.keyword("into", "VESSEL", "where it goes", completion: .values(["mug", "glass"])))
    var into: String
    @Arg(.keyword("with", "EXTRA", "what goes in too")) var with: [String]
    @Arg(.option(["--size", "-s"], "SIZE", "how much")) var size: Size?
    @Arg(["--hot"], "heat it first") var hot: Bool
    static let help = CommandHelp(
      ["pour"], summary: "pour a drink", parameters: declared, examples: ["pour tea into mug"])

    func run(in context: CommandContext) throws -> CommandResult {
      let record = Record([
        ("drink", .string(drink)), ("cups", .list(cups.map { .string($0) })),
        ("into", .string(into)), ("with", .list(with.map { .string($0) })),
        ("size", .string(size?.rawValue ?? "")), ("hot", .bool(hot)), ("some", .bool(some)),
      ])
      return CommandResult(.record(record), .record)
    }
  }

  /// Typed values: a duration with a default, a number in a range, an optional value.
  struct Steep: DeclaredCommand {
    @Arg(.duration("for", "how long")) var time: Seconds = 180
    @Arg(.number(.keyword("cups", "N", "how many"), in: 1...8)) var count: Int?
    static let help = CommandHelp(["steep"], summary: "steep tea", parameters: declared)
    func run(in context: CommandContext) throws -> CommandResult {
      CommandResult(
        .record(Record([("seconds", .double(time.seconds)), ("cups", .from(count))])), .record)
    }
  }

  let host = CollectingHost()
  let session: Session

  init() {
    session = privateSession(host)
    session.register(Pour.self)  // the one table row
    session.register(Steep.self)
  }

  func error(_ text: String) -> Diagnostic? { session.run(text, name: "t").stoppedBy }

  func candidates(_ line: String) -> [String] {
    Completion(session: session).result(for: line).candidates
  }

  @Test func usageAndHelpFollow() throws {
    let usage = "pour [some] DRINK [CUP …] into VESSEL [with EXTRA …] [--size SIZE] [--hot]"
    #expect(Pour.help.usageLine == usage)
    _ = session.run("help pour", name: "t")
    let help = try #require(host.results.last?.value.text)
    #expect(help.contains("USAGE: " + usage))
    for line in [
      "<drink>", "what to pour", "into <vessel>", "with <extra>", "--size, -s <size>", "--hot",
      "some", "-o, --output <format>",
    ] {
      #expect(help.contains(line), "help lacks \(line)")
    }
    // `--help` and `-h` show the same help instead of running the command.
    for flag in ["--help", "-h"] {
      _ = session.run("pour \(flag)", name: "t")
      #expect(host.results.last?.value.text == help)
    }
  }

  @Test func docsRowFollows() {
    let md = HelpFormatter.markdown(session.commands)
    #expect(md.contains("## pour\n\npour a drink.\n"))
    #expect(md.contains("pour [some] DRINK [CUP …] into VESSEL"))
    #expect(md.contains("| `--size, -s SIZE` | how much |"))
    #expect(md.contains("| `DRINK` | what to pour |"))
  }

  @Test func everyKindCompletes() {
    #expect(candidates("po") == ["pour"])
    #expect(candidates("pour ") == ["coffee", "some", "tea"])  // positional values and a word
    #expect(candidates("pour some ") == ["coffee", "tea"])
    #expect(candidates("pour tea ") == ["into", "with"])  // keywords once DRINK is there
    #expect(candidates("pour tea into ") == ["glass", "mug"])  // a keyword's value
    #expect(candidates("pour tea into mug --s") == ["--size"])
    #expect(candidates("pour tea into mug --size ") == ["large", "small"])  // an option's choices
    #expect(candidates("pour tea into mug --h") == ["--help", "--hot"])
    #expect(candidates("pour tea into mug -o j") == ["json"])  // a global option
  }

  @Test func valuesReachInit() {
    let o = session.run(
      "pour some tea c1 c2 into mug with milk sugar --size=LARGE --hot", name: "t")
    #expect(o.status == 0)
    guard case .record(let r)? = host.results.last?.value else {
      Issue.record("no record")
      return
    }
    #expect(r["drink"] == .string("tea"))
    #expect(r["cups"] == .list([.string("c1"), .string("c2")]))
    #expect(r["with"] == .list([.string("milk"), .string("sugar")]))
    #expect(r["size"] == .string("large"))
    #expect(r["hot"] == .bool(true))
    #expect(r["some"] == .bool(true))
    _ = session.run("pour tea into glass -slarge", name: "t")
    #expect(host.results.last?.value["size"] == .string("large"))
  }

  @Test func argumentErrorsFollow() throws {
    let usage = "usage: " + Pour.help.usageLine
    var d = try #require(error("pour"))
    #expect(d.message == "'pour' needs DRINK")
    #expect(d.notes.last == usage)
    d = try #require(error("pour tea"))
    #expect(d.message == "'pour' needs 'into VESSEL'")
    #expect(d.notes == ["into VESSEL: where it goes", usage])
    d = try #require(error("pour tea into mug --hto"))
    #expect(d.message == "unknown option '--hto' for 'pour'")
    #expect(d.notes.first == "did you mean '--hot'?")
    #expect(d.range?.start.column == 19)
    d = try #require(error("pour tea into mug --size huge"))
    #expect(d.message == "invalid size 'huge'")
    #expect(d.notes == ["expected one of: small, large"])
    d = try #require(error("pour tea into"))
    #expect(d.message == "'into' in 'pour' needs a value after it")
    d = try #require(error("pour tea into mug with"))
    #expect(d.message == "'with' in 'pour' needs a value after it")
    d = try #require(error("pour tea into mug --size"))
    #expect(d.message == "option '--size' of 'pour' needs a value")
    d = try #require(error("pour tea into mug -o yaml"))
    #expect(d.message == "invalid output format 'yaml'")
  }
}

extension DeclarationTests {
  @Test func typedValuesParseThemselves() throws {
    #expect(Steep.help.usageLine == "steep [for DURATION] [cups N]")
    _ = session.run("steep", name: "t")
    #expect(host.results.last?.value["seconds"] == .double(180))
    #expect(host.results.last?.value["cups"] == .null)
    _ = session.run("steep for 1m30s cups 3", name: "t")
    #expect(host.results.last?.value["seconds"] == .double(90))
    #expect(host.results.last?.value["cups"] == .int(3))
    var d = try #require(error("steep for soon"))
    #expect(d.message == "invalid for 'soon'")
    #expect(d.notes == ["give a duration such as 30s, 10m or 1h"])
    #expect(d.range?.start.column == 11)
    d = try #require(error("steep cups 9"))
    #expect(d.message == "invalid n '9': expected a whole number from 1 to 8")
  }

  /// Each thread makes its commands from its own arguments (the binding is per thread).
  @Test func commandsAreMadeOnManyThreadsAtOnce() throws {
    let declaration = Pour.help
    let failures = Mutex(0)
    DispatchQueue.concurrentPerform(iterations: 64) { i in
      for n in 0..<50 {
        do {
          let drink = "d\(i)-\(n)"
          var a = try Arguments(strings: [drink, "into", "v\(i)"], for: declaration)
          let p = try Pour(arguments: &a)
          if p.drink != drink || p.into != "v\(i)" || p.hot { failures.withLock { $0 += 1 } }
        } catch { failures.withLock { $0 += 1 } }
      }
    }
    #expect(failures.withLock { $0 } == 0)
  }
}

/// The fixes the one declaration brought to fsh's own commands.
struct DeclaredCommandTests {
  let host = CollectingHost()
  let session: Session

  init() { session = privateSession(host) }

  func error(_ text: String) -> Diagnostic? { session.run(text, name: "t").stoppedBy }

  @Test func createNamesWhatIsMissing() throws {
    let usage =
      "usage: create NAME SIZE on NODE [meta K=V …] [id UUID] [--force] [--yes] [--wait] "
      + "[timeout DURATION]"
    #expect(error("create")?.message == "'create' needs NAME")
    #expect(error("create a")?.message == "'create' needs SIZE")
    let d = try #require(error("create x 1G"))
    #expect(d.message == "'create' needs 'on NODE'")
    #expect(d.notes.last == usage)
    #expect(error("create a -5G on n")?.message == "invalid size '-5G'")
  }

  @Test func outputSpellings() {
    for spelling in ["-o json", "-o=json", "--output=json", "--output json", "-ojson"] {
      let o = session.run("echo \(spelling) x", name: "t")
      #expect(o.status == 0, "\(spelling)")
      #expect(host.results.last?.format == .json, "\(spelling)")
    }
  }

  @Test func firstWordAfterClusterAddIsTheName() {
    let o = session.run("cluster add ca host h", name: "t")
    #expect(o.status == 0)
    _ = session.run("clusters", name: "t")
    guard case .list(let rows)? = host.results.last?.value else {
      Issue.record("no list")
      return
    }
    #expect(rows.map { $0["name"] } == [.string("ca")])
    #expect(rows.map { $0["host"] } == [.string("h")])
  }

  @Test func commandHelpFlag() {
    _ = session.run("create --help", name: "t")
    #expect(host.results.last?.value.text.hasPrefix("OVERVIEW: create a named dataset") == true)
    _ = session.run("cluster add -h", name: "t")
    #expect(host.results.last?.value.text.contains("USAGE: cluster add NAME") == true)
  }

  @Test func pairedPositionalsAndOptionalValues() throws {
    #expect(SetCommand.help.usage == "[NAME VALUE]")
    #expect(error("set output")?.message == "'set' needs VALUE")
    #expect(session.run("set output json", name: "t").status == 0)
    let check = CertsCheckCommand.help
    #expect(check.usage.contains("[--node [DIR]]"))
    var a = try Arguments(strings: ["--node", "/x", "--live"], for: check)
    var made = try CertsCheckCommand(arguments: &a)
    #expect(made.node && made.nodeDirectory?.text == "/x" && made.live)
    a = try Arguments(strings: ["--node", "--live"], for: check)
    made = try CertsCheckCommand(arguments: &a)
    #expect(made.node && made.nodeDirectory == nil && made.live)
    a = try Arguments(strings: ["--live"], for: check)
    made = try CertsCheckCommand(arguments: &a)
    #expect(!made.node && made.live)
    let c = Completion(session: session)
    #expect(c.result(for: "certs check --node ").kind == .file)
  }

  @Test func tolerantLexerFindsTheWords() throws {
    let w = try #require(Completion.words("move 'my vol"))
    #expect(w.words.map(\.text) == ["move"])
    #expect(w.current == "my vol")
    #expect(w.quote == "'")
    let b = try #require(Completion.words("echo a\\"))
    #expect(b.current == "a")
    #expect(Completion.words("echo # note") == nil)
    // Scripts stay strict.
    #expect(throws: Diagnostic.self) { try Lexer.tokenize("echo 'open") }
  }
}
