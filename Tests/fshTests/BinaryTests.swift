import Foundation
import FshTestSupport
import Testing

/// Black-box tests of the built `fsh` binary: flags, -c, scripts, stdin, exit statuses.
@Suite(.blocking) struct BinaryTests {
  static let binary: String = {
    var dir = Bundle.main.bundleURL
    for _ in 0..<3 {
      let candidate = dir.appendingPathComponent("fsh").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build/debug/fsh").path
  }()

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func tempHome() -> String {
    let home = FileManager.default.temporaryDirectory
      .appendingPathComponent("fsh-bin-\(UInt32.random(in: 0...UInt32.max))").path
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    return home
  }

  /// Runs fsh with arguments, an environment (HOME is a fresh temporary directory unless
  /// given) and optional standard input.
  static func run(
    _ args: [String], env: [String: String] = [:], stdin: String? = nil, cwd: String? = nil
  ) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = args
    var e = ["HOME": tempHome(), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
    for (k, v) in env { e[k] = v }
    p.environment = e
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let r = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: r, as: UTF8.self))
  }

  @Test func dashCRunsCommands() throws {
    let r = try Self.run(["-c", "echo hi; echo there"])
    #expect(r.status == 0)
    #expect(r.stdout == "hi\nthere\n")
  }

  @Test func unknownCommandFailsWithPositionAndSuggestion() throws {
    let r = try Self.run(["-c", "echo ok; datsets"])
    #expect(r.status == 1)
    #expect(r.stdout == "ok\n")
    #expect(r.stderr.contains("<-c>:1:10: error: unknown command 'datsets'"))
    #expect(r.stderr.contains("did you mean 'datasets'?"))
    #expect(r.stderr.contains("^~~~~~~"))
  }

  @Test func syntaxErrorExitsTwoAndRunsNothing() throws {
    let r = try Self.run(["-c", "echo ran; if x {"])
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains("missing '}'"))
  }

  @Test func badFlagIsAUsageErrorExitingTwo() throws {
    let r = try Self.run(["--frobnicate"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("--frobnicate"))
  }

  /// Issue 30: the usage line does not suggest `--`, which fsh never needs before a script.
  @Test func usageLineDoesNotSuggestADoubleDash() throws {
    let r = try Self.run(["--help"])
    #expect(r.status == 0)
    let usage = r.stdout.split(separator: "\n").first { $0.hasPrefix("USAGE:") }
    #expect(usage == "USAGE: fsh [<options>] [<file> [<argument> ...]]", "\(r.stdout)")
    let bad = try Self.run(["--frobnicate"])
    #expect(!bad.stderr.contains(" -- "), "\(bad.stderr)")
  }

  /// Issue 30: a connection error says which line, with no caret under the command word.
  @Test func connectionErrorHasNoCaret() throws {
    let home = Self.tempHome()
    let r = try Self.run(
      ["--host", "127.0.0.1", "--port", "1", "--certs", home, "-c", "echo a; version"],
      env: ["HOME": home])
    #expect(r.status == 1)
    #expect(r.stderr.contains("<-c>:1:9: error: "), "\(r.stderr)")
    #expect(!r.stderr.contains("^"), "\(r.stderr)")
    #expect(!r.stderr.contains("  echo a; version"), "\(r.stderr)")
  }

  @Test func wordsAfterTheScriptBelongToIt() throws {
    let dir = Self.tempHome()
    try "echo $# $@\n".write(toFile: dir + "/a.fsh", atomically: true, encoding: .utf8)
    let r = try Self.run([dir + "/a.fsh", "-x", "--host", "h"])
    #expect(r.stdout == "3 -x --host h\n")
    let dash = try Self.run(["-", "one"], stdin: "echo from stdin $1\n")
    #expect(dash.stdout == "from stdin one\n")
  }

  /// Issue 5: `echo 'datasets -o json' | fsh` prints JSON with no prompt (here: `set -o json`).
  @Test func pipedStdinPrintsJSONWithoutAPrompt() throws {
    let r = try Self.run([], stdin: "set -o json\n")
    #expect(r.status == 0)
    #expect(r.stdout.hasPrefix("["))
    #expect(!r.stdout.contains("fsh:"))
  }

  @Test func stdinIsAScriptWhenNotATerminal() throws {
    let r = try Self.run([], stdin: "echo a\nlet x = 5\necho \"x=$x\"\nexit 4\necho never\n")
    #expect(r.status == 4)
    #expect(r.stdout == "a\nx=5\n")
    #expect(!r.stdout.contains("fsh>"))
  }

  @Test func scriptFileWithShebangAndArguments() throws {
    let dir = Self.tempHome()
    let path = dir + "/s.fsh"
    try "#!/usr/bin/env fsh\necho $# $1 $2\nsleep nope\necho never\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let r = try Self.run([path, "prod", "265a0498"])
    #expect(r.stdout == "2 prod 265a0498\n")
    #expect(r.status == 1)
    #expect(r.stderr.contains("s.fsh:3:7: error: invalid duration 'nope'"))
  }

  @Test func missingScriptIsAClearError() throws {
    let r = try Self.run(["/nonexistent/x.fsh"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot read script '/nonexistent/x.fsh': no such file"))
  }

  /// Issue 2's first example.
  @Test func envExportForKubernetes() throws {
    let r = try Self.run(
      ["-c", "env export --for kubernetes --format sh"],
      env: ["FLOCKER_CONTROL_SERVICE_HOST": "10.0.0.5", "FLOCKER_USER_CA_DIR": "/srv/flocker"])
    #expect(r.status == 0)
    for line in [
      "export FLOCKER_CONTROL_SERVICE_HOST=10.0.0.5", "export FLOCKER_CONTROL_SERVICE_PORT=4523",
      "export FLOCKER_CONTROL_SERVICE_CA_FILE=/srv/flocker/cluster.crt",
      "export FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=/srv/flocker/kubernetes.crt",
      "export FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=/srv/flocker/kubernetes.key",
    ] {
      #expect(r.stdout.contains(line + "\n"), "missing \(line)")
    }
  }

  /// Issue 2's second example.
  @Test func configShowsSources() throws {
    let r = try Self.run(
      ["-c", "config"],
      env: [
        "FLOCKER_CERTS_PATH": "/srv/x", "FLOCKER_USER": "alice", "FLOCKER_CONTROL_SERVICE": "ctl",
      ])
    #expect(r.status == 0)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.contains {
        $0.hasPrefix("cert ") && $0.contains("/srv/x/alice.crt")
          && $0.contains("FLOCKER_CERTS_PATH")
      })
    #expect(
      lines.contains {
        $0.hasPrefix("host ") && $0.contains("ctl") && $0.contains("env FLOCKER_CONTROL_SERVICE")
      })
    #expect(lines.contains { $0.hasPrefix("user ") && $0.contains("env FLOCKER_USER") })
    #expect(lines.contains { $0.hasPrefix("port ") && $0.contains("default") })
  }

  @Test func badPortNamesTheVariableAndFails() throws {
    let r = try Self.run(["-c", "config"], env: ["FLOCKER_CONTROL_SERVICE_PORT": "abc"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("invalid port 'abc' from env FLOCKER_CONTROL_SERVICE_PORT"))
  }

  @Test func profilesAreWrittenAndMalformedOnesKept() throws {
    let home = Self.tempHome()
    let env = ["HOME": home]
    var r = try Self.run(
      ["-c", "cluster add lab host 10.0.0.9 certs rel/dir user bob --default; clusters"], env: env,
      cwd: home)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("lab "))
    r = try Self.run(["-c", "config -o json"], env: env)
    #expect(r.stdout.contains("\"10.0.0.9\""))
    #expect(r.stdout.contains("\(home)/rel/dir"))
    let file = home + "/.config/fsh/clusters.yml"
    let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    try "clusters: [oops".write(toFile: file, atomically: true, encoding: .utf8)
    r = try Self.run(["-c", "cluster add other host h"], env: env)
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot read profiles file '\(file)'"))
    #expect(try String(contentsOfFile: file, encoding: .utf8) == "clusters: [oops")
  }
}
