import Foundation
import FshTestSupport
import Testing

/// Issue 17 through the binary: an explicitly chosen cluster beats the environment, results
/// alone on standard output, help where people look, profiles edited safely.
@Suite(.serialized, .blocking) struct ClusterProfileAndHintTests {
  typealias Run = BinaryTests.Run

  static func run(_ args: [String], env: [String: String] = [:]) throws -> Run {
    try BinaryTests.run(args, env: env)
  }

  /// The node ids of the sandbox a `FLOCKER_*` environment points at.
  static func nodeIDs(_ env: [String: String]) throws -> Set<String> {
    let r = try run(["-o", "json", "-c", "nodes"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
    return Set((list ?? []).compactMap { $0["uuid"] as? String })
  }

  /// `cluster add NAME …` for a served sandbox, from its printed environment.
  static func profileWords(_ name: String, _ env: [String: String]) -> String {
    let e = { (k: String) in "'" + (env["FLOCKER_CONTROL_SERVICE_" + k] ?? "") + "'" }
    return "cluster add \(name) host \(e("HOST")) port \(e("PORT")) ca \(e("CA_FILE")) "
      + "cert \(e("CLIENT_CERT_FILE")) key \(e("CLIENT_KEY_FILE"))"
  }

  @Test func useClusterReachesEachClusterWithAnotherClustersVariablesExported() throws {
    let a = try ServedSandbox(flags: [])
    let b = try ServedSandbox(flags: [])
    let c = try ServedSandbox(flags: [])
    let (idsA, idsB, idsC) = try (
      Self.nodeIDs(a.environment), Self.nodeIDs(b.environment), Self.nodeIDs(c.environment)
    )
    #expect(idsA.count == 3 && idsB.count == 3 && idsC.count == 3)
    #expect(idsA.isDisjoint(with: idsB) && idsA.isDisjoint(with: idsC))
    var env = c.environment  // the third cluster's variables, exported
    env["HOME"] = BinaryTests.tempHome()
    let add = try Self.run(
      ["-c", Self.profileWords("a", a.environment) + "; " + Self.profileWords("b", b.environment)],
      env: env)
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stdout.isEmpty, "informational lines belong on standard error: \(add.stdout)")
    #expect(add.stderr.contains("added cluster 'a'"))

    // The loop of the issue: each iteration reaches its own cluster, not the exported one.
    let loop = try Self.run(
      ["-o", "json", "-c", "for c in (clusters) { use cluster $c; nodes }"], env: env)
    #expect(loop.status == 0, "\(loop.stderr)")
    #expect(loop.stderr.contains("using cluster 'a'"))
    let seen = Set(idsA.union(idsB).union(idsC).filter { loop.stdout.contains($0) })
    #expect(seen == idsA.union(idsB), "saw \(seen.count) nodes:\n\(loop.stdout)")

    // Only JSON on standard output, so that it can be piped.
    let pure = try Self.run(["-o", "json", "-c", "use cluster b; datasets"], env: env)
    #expect(pure.status == 0, "\(pure.stderr)")
    #expect((try? JSONSerialization.jsonObject(with: Data(pure.stdout.utf8))) is [Any])
    let quiet = try Self.run(["-q", "-c", "use cluster b; nodes -o json"], env: env)
    #expect(!quiet.stderr.contains("using cluster"))
    #expect(try JSONSerialization.jsonObject(with: Data(quiet.stdout.utf8)) is [Any])

    // `config` says what was ignored, and why.
    let config = try Self.run(["--cluster", "a", "-c", "config"], env: env)
    #expect(
      config.stdout.split(separator: "\n").contains {
        $0.hasPrefix("ignored") && $0.contains("FLOCKER_CONTROL_SERVICE_HOST")
          && $0.contains("cluster 'a' was chosen with --cluster")
      }, "\(config.stdout)")
    // --cluster alone reaches the profile too.
    let flagged = try Self.run(["--cluster", "b", "-o", "json", "-c", "nodes"], env: env)
    #expect(idsB.allSatisfy { flagged.stdout.contains($0) }, "\(flagged.stdout)\(flagged.stderr)")
  }

  @Test func aHostWithoutAPortMeans4523() throws {
    let home = BinaryTests.tempHome()
    let env = ["HOME": home, "FLOCKER_CONTROL_SERVICE_PORT": "4600"]
    _ = try Self.run(["-c", "cluster add lab host 10.0.0.9 port 9999 --default"], env: env)
    func port(_ args: [String]) throws -> String? {
      let r = try Self.run(args + ["-c", "config"], env: env)
      return r.stdout.split(separator: "\n").first { $0.hasPrefix("port ") }.map(String.init)
    }
    #expect(try port(["--host", "10.9.9.9"])?.contains(" 4523 ") == true)
    #expect(try port(["--host", "10.9.9.9:4700"])?.contains(" 4700 ") == true)
    #expect(try port(["--host", "10.9.9.9", "--port", "4800"])?.contains(" 4800 ") == true)
    let set = try Self.run(["-c", "set host 10.9.9.8; config -o json"], env: env)
    #expect(set.stdout.contains("\"4523\""), "\(set.stdout)")
  }

  @Test func profilesChangeOnlyWhatIsGiven() throws {
    let home = BinaryTests.tempHome()
    let env = ["HOME": home]
    let certs = home + "/certs"
    try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
    var r = try Self.run(
      ["-c", "cluster add lab1 host 127.0.0.1 port 4600 certs \(certs) user alice"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    r = try Self.run(["-c", "cluster add lab1 host 10.0.0.5; clusters -o json"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"port\": 4600"), "\(r.stdout)")
    #expect(r.stdout.contains("\"user\": \"alice\""))
    #expect(r.stdout.contains("\"host\": \"10.0.0.5\""))
    #expect(r.stdout.contains("\"current\": false"))
    #expect(r.stdout.contains("\"default\": false"))
    r = try Self.run(
      ["-c", "cluster add lab1 host 10.0.0.6 --replace; clusters -o json"], env: env)
    #expect(!r.stdout.contains("alice"), "--replace starts over: \(r.stdout)")
    r = try Self.run(["-c", "cluster add lab3"], env: env)
    #expect(r.status == 1)
    #expect(r.stderr.contains("cluster profile 'lab3' needs a host"))
    r = try Self.run(["-c", "cluster add lab4 host h certs \(home)/nowhere"], env: env)
    #expect(r.status == 0)
    #expect(r.stderr.contains("warning: certs directory '\(home)/nowhere' does not exist"))
    r = try Self.run(["-c", "use cluster lab4; clusters"], env: env)
    let header = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
    #expect(header.hasSuffix("CURRENT  DEFAULT"), "\(r.stdout)")
  }

  @Test func helpOpensTheLanguagePartsByTheirKeyword() throws {
    let topics = [
      ("if", "CONDITIONALS"), ("let", "VARIABLES"), ("for", "LOOPS"), ("try", "ERRORS"),
      ("$error", "ERRORS"), ("else", "CONDITIONALS"),
    ]
    for (word, title) in topics {
      let r = try Self.run(["-c", "help '\(word)'"])
      #expect(r.status == 0, "help \(word): \(r.stderr)")
      #expect(r.stdout.hasPrefix(title), "help \(word): \(r.stdout)")
    }
    let r = try Self.run(["-c", "help if"])
    #expect(r.stdout.contains("$d.size >= 1G"))
  }

  @Test func aCommandNameGivenAsAScriptSaysHowToRunIt() throws {
    let r = try Self.run(["datasets", "status", "pending"])
    #expect(r.status == 1)
    #expect(
      r.stderr.contains("'datasets' is a command: run it with fsh -c 'datasets status pending'"))
  }

  @Test func unquotedJSONAndElseOnItsOwnLineGetTheirFix() throws {
    var r = try Self.run(["-c", "api POST /v1/configuration/datasets {\"primary\": \"x\"}"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("quote the JSON in single quotes"), "\(r.stderr)")
    r = try Self.run(["-c", "if 1 { echo a }\nelse { echo b }"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("'else' must follow the '}' of its 'if' on the same line"))
    #expect(r.stderr.contains("write: } else { … }"))
  }

  @Test func destroyAndMoveSayTheFullIdAndNameOfWhatTheyActOn() throws {
    let r = try Self.run(
      [
        "--sandbox", "-c",
        "create d17 1G on 10.0.0.1; move d17 to 10.0.0.2; destroy d17 --yes; destroy 1 --yes",
      ], env: ["HOME": try BinaryTests.sandboxHome()])
    let uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    func has(_ pattern: String) -> Bool {
      r.stderr.range(of: pattern, options: .regularExpression) != nil
    }
    #expect(has("moving dataset 'd17' \(uuid) to node \(uuid) \\(10\\.0\\.0\\.2\\)"), "\(r.stderr)")
    #expect(has("destroying dataset 'd17' \(uuid)\n"), "\(r.stderr)")
    #expect(r.status == 1)
    #expect(r.stderr.contains("error: no dataset named '1'"), "\(r.stderr)")
  }

  @Test func theVerboseTraceNamesTheAddressNotNil() throws {
    let r = try Self.run(
      ["--sandbox", "-v", "-c", "version"], env: ["HOME": try BinaryTests.sandboxHome()])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.contains("(nil)"), "\(r.stderr)")
    #expect(r.stderr.contains("* Connected to 127.0.0.1 port "), "\(r.stderr)")
  }

  @Test func sourcePassesArguments() throws {
    let home = BinaryTests.tempHome()
    try "echo \"$1-$2 $#\"\n".write(toFile: home + "/lib.fsh", atomically: true, encoding: .utf8)
    let r = try BinaryTests.run(
      ["-c", "source lib.fsh foo bar; echo $#"], env: ["HOME": home], cwd: home)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "foo-bar 2\n0\n")
  }
}
