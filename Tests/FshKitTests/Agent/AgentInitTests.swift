import Foundation
import FshLanguage
import Testing
import Yams

@testable import FshKit
@testable import FshRuntime

/// A host that answers `ask` from a script of answers and records the questions.
final class AskingHost: SessionHost {
  var answers: [String]?
  var questions: [(String, Bool)] = []
  var results: [CommandResult] = []
  var reports: [Diagnostic] = []
  var history: [String] = []
  init(answers: [String]?) { self.answers = answers }
  func show(_ result: CommandResult, options: SessionOptions) { results.append(result) }
  func report(_ diagnostic: Diagnostic) { reports.append(diagnostic) }
  func confirm(_ question: String) -> Bool? { nil }
  func ask(_ question: String, secret: Bool) -> String? {
    guard answers != nil else { return nil }
    questions.append((question, secret))
    return answers!.isEmpty ? nil : answers!.removeFirst()
  }
}

enum AgentTestSupport {
  static func temporaryDirectory() -> String {
    let d = FileManager.default.temporaryDirectory
      .appendingPathComponent("fsh-agent-\(UInt32.random(in: 0...UInt32.max))").path
    do {
      try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    } catch {
      Issue.record("cannot make the test's directory \(d): \(error)")
    }
    return d
  }

  /// A session in `dir` whose control service is `host`.
  static func session(in dir: String, host: String, _ h: SessionHost) -> Session {
    var env = SessionEnvironment(variables: ["HOME": dir], workingDirectory: dir)
    env.flags = [.host: host, .certs: dir]
    return Session(environment: env, host: h)
  }

  static func mode(_ path: String) -> Int {
    var st = stat()
    guard stat(path, &st) == 0 else { return -1 }
    return Int(st.st_mode & 0o7777)
  }
}

/// `agent init`: writes what `agent check` passes, 0600, never overwriting, asking on a terminal.
struct AgentInitTests {
  @Test(arguments: [
    [
      "--backend", "openstack", "region", "RegionOne", "auth_url", "https://keystone:5000/v3",
      "username", "u", "password", "p",
    ],
    [
      "--backend", "openstack", "region", "IAD", "auth_plugin", "rackspace", "username", "u",
      "api_key", "k", "auth_url", "https://identity.api.rackspacecloud.com/v2.0",
    ],
    [
      "--backend", "aws", "region", "us-east-1", "zone", "us-east-1a", "access_key_id", "AKIA",
      "secret_access_key", "yes", "validate_region", "false",
    ],
    ["--backend", "gce", "project", "p-1", "zone", "europe-west1-b"],
    [
      "--backend", "loopback", "root_path", "/var/lib/flocker/loopback", "allocation_unit",
      "1048576",
    ],
    ["--backend", "zfs", "pool", "flocker"],
  ])
  func initOutputPassesCheck(_ args: [String]) throws {
    let dir = AgentTestSupport.temporaryDirectory()
    let host = AskingHost(answers: nil)
    let session = AgentTestSupport.session(in: dir, host: "control.example.com", host)
    let line =
      "agent init " + args.map { $0.hasPrefix("-") ? $0 : "'\($0)'" }.joined(separator: " ")
    let outcome = session.run(line, name: "<test>")
    #expect(outcome.stoppedBy == nil, "\(String(describing: outcome.stoppedBy))")
    let path = dir + "/agent.yml"
    #expect(AgentTestSupport.mode(path) == 0o600)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let check = AgentCheck(text: text, path: path, mode: 0o600)
    #expect(check.errors.isEmpty, "\(check.errors)")
    #expect(check.backend == args[1] && check.hostname == "control.example.com")
    // Values keep their type: a secret of "yes" stays a string, validate_region a boolean.
    let node = try Yams.compose(yaml: text)!
    if args[1] == "aws" {
      #expect(node["dataset"]?["secret_access_key"]?.tag.rawValue == Tag.Name.str.rawValue)
      #expect(node["dataset"]?["validate_region"]?.bool == false)
    }
    #expect(node["control-service"]?["port"]?.int == 4524)
  }

  @Test func neverOverwrites() throws {
    let dir = AgentTestSupport.temporaryDirectory()
    try "keep me".write(toFile: dir + "/agent.yml", atomically: false, encoding: .utf8)
    let session = AgentTestSupport.session(in: dir, host: "h.example", AskingHost(answers: nil))
    let outcome = session.run("agent init --backend zfs", name: "<test>")
    #expect(outcome.stoppedBy?.message.contains("already exists") == true)
    #expect(try String(contentsOfFile: dir + "/agent.yml", encoding: .utf8) == "keep me")
  }

  @Test(arguments: ["localhost", "127.0.0.1", "fd00::1"])
  func refusesHostsTheAgentCannotUse(_ hostName: String) {
    let dir = AgentTestSupport.temporaryDirectory()
    let session = AgentTestSupport.session(in: dir, host: hostName, AskingHost(answers: nil))
    let outcome = session.run("agent init --backend zfs", name: "<test>")
    #expect(
      outcome.stoppedBy?.message.hasPrefix("cannot write agent.yml: control-service hostname")
        == true)
    #expect(!FileManager.default.fileExists(atPath: dir + "/agent.yml"))
  }

  @Test func withoutATerminalMissingKeysAreNamed() {
    let dir = AgentTestSupport.temporaryDirectory()
    let session = AgentTestSupport.session(in: dir, host: "h.example", AskingHost(answers: nil))
    let outcome = session.run("agent init --backend aws region us-east-1", name: "<test>")
    let d = outcome.stoppedBy
    #expect(d?.message == "the aws backend needs 'zone', 'access_key_id', 'secret_access_key'")
    #expect(
      d?.notes.first
        == "give them as KEY VALUE pairs: zone VALUE access_key_id VALUE secret_access_key VALUE")
  }

  @Test func onATerminalMissingKeysAreAskedSecretsWithoutEcho() throws {
    let dir = AgentTestSupport.temporaryDirectory()
    let host = AskingHost(answers: ["us-east-1a", "AKIA", "sekrit"])
    let session = AgentTestSupport.session(in: dir, host: "h.example", host)
    let outcome = session.run("agent init --backend aws region us-east-1", name: "<test>")
    #expect(outcome.stoppedBy == nil)
    #expect(
      host.questions.map(\.0) == ["aws zone:", "aws access_key_id:", "aws secret_access_key:"])
    #expect(host.questions.map(\.1) == [false, false, true])
    let text = try String(contentsOfFile: dir + "/agent.yml", encoding: .utf8)
    #expect(AgentCheck(text: text, path: "", mode: 0o600).errors.isEmpty)
  }

  @Test func unknownKeysAreRefusedWithASuggestion() {
    let dir = AgentTestSupport.temporaryDirectory()
    let session = AgentTestSupport.session(in: dir, host: "h.example", AskingHost(answers: nil))
    let outcome = session.run("agent init --backend gce projet p", name: "<test>")
    #expect(
      outcome.stoppedBy?.message
        == "'projet' is not a key of the gce backend (the agent would not start)")
    #expect(outcome.stoppedBy?.notes.first == "did you mean 'project'?")
    let odd = session.run("agent init --backend gce project", name: "<test>")
    #expect(odd.stoppedBy?.message.contains("needs a value") == true)
  }

  @Test func quotingKeepsEveryValueAString() throws {
    let tricky = [
      "yes", "1", "null", "a \"quoted\" # not a comment", "~", "- x", "back\\slash", "é",
    ]
    for v in tricky {
      let f = AgentFile(hostname: "h.example", backend: "gce", settings: [("project", v)])
      let node = try Yams.compose(yaml: f.text)!
      #expect(node["dataset"]?["project"]?.string == v)
      #expect(node["dataset"]?["project"]?.tag.rawValue == Tag.Name.str.rawValue, "\(v)")
    }
  }
}
