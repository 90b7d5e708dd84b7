// The `certs` commands in a session: generation round trip, never overwriting, `certs show`,
// and `certs check --live` against the sandbox.
import Foundation
import FshPKI
import FshSandbox
import FshTestSupport
import Testing

@testable import FshKit
@testable import FshRuntime

@Suite("certs commands", .blocking)
struct CertsCommandTests {
  /// A session whose working directory is a fresh directory.
  static func session(in dir: String, flags: [ConfigKey: String] = [:]) -> (Session, TextHost) {
    var env = SessionEnvironment(variables: ["HOME": dir], workingDirectory: dir)
    env.flags = flags
    let host = TextHost()
    return (Session(environment: env, host: host), host)
  }

  static func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
  }

  /// `certs init`, `control 127.0.0.1`, `user alice`, `node`: flocker-ca's names, 0600.
  static func generate(in dir: String) -> (Session, TextHost, Outcome) {
    let (s, host) = session(in: dir)
    let outcome = s.run(
      """
      certs init demo --key-bits 2048
      certs control 127.0.0.1 --key-bits 2048
      certs user alice --key-bits 2048
      let n = certs node --key-bits 2048 --out nodes
      """, name: "gen")
    return (s, host, outcome)
  }

  @Test func generatedSetHasFlockerCANamesAndModes() throws {
    let dir = try CertFixtures.directory("gen")
    let (s, host, outcome) = Self.generate(in: dir)
    #expect(outcome.status == 0, "\(outcome.diagnostics)")
    let uuid = try #require(s.variable("n")?["node_uuid"]?.text)
    for name in [
      "cluster.crt", "cluster.key", "control-127.0.0.1.crt", "control-127.0.0.1.key", "alice.crt",
      "alice.key", "nodes/\(uuid).crt", "nodes/\(uuid).key",
    ] {
      #expect(Self.mode(dir + "/" + name) == 0o600, "\(name)")
    }
    let steps = s.variable("n")?["next_steps"]?.elements.map(\.text) ?? []
    #expect(steps.contains("install -m 0600 \(uuid).crt /etc/flocker/node.crt"))
    #expect(steps.contains("install -m 0600 \(uuid).key /etc/flocker/node.key"))
    #expect(
      host.output.contains("install -m 0600 control-127.0.0.1.key /etc/flocker/control-service.key")
    )
    #expect(host.warnings.contains { $0.message.contains("keep cluster.key secret") })
    #expect(host.warnings.contains { $0.message.contains("each node needs its own certificate") })
    // No key material in what was shown or returned.
    let key = try String(contentsOfFile: dir + "/alice.key", encoding: .utf8)
    let line = String(key.split(separator: "\n")[1])
    #expect(!host.output.contains(line))
    #expect(!host.output.contains("PRIVATE KEY"))
    #expect(!JSON.encode(s.variable("n")!).contains("PRIVATE KEY"))

    // Subjects and extensions as flocker-ca's, written as v3.
    let control = try #require(
      try CertificateInfo.parseAll(
        pem: String(contentsOfFile: dir + "/control-127.0.0.1.crt", encoding: .utf8)
      ).first)
    #expect(control.commonName == "control-service" && control.versionNumber == 3)
    #expect(control.subjectAlternativeNames == ["DNS:control-service", "IP:127.0.0.1"])
    let user = try #require(
      try CertificateInfo.parseAll(pem: String(contentsOfFile: dir + "/alice.crt", encoding: .utf8))
        .first)
    #expect(user.commonName == "user-alice" && user.extendedKeyUsage == ["clientAuth"])
    let ca = try #require(
      try CertificateInfo.parseAll(
        pem: String(contentsOfFile: dir + "/cluster.crt", encoding: .utf8)
      )
      .first)
    #expect(user.organizationalUnit == ca.organizationalUnit && ca.commonName == "demo")
    #expect(user.chainProblem(to: ca) == nil && control.chainProblem(to: ca) == nil)
  }

  @Test func neverOverwrites() throws {
    let dir = try CertFixtures.directory("gen")
    _ = Self.generate(in: dir)
    let before = try String(contentsOfFile: dir + "/alice.key", encoding: .utf8)
    let (s, _) = Self.session(in: dir)
    for command in ["certs user alice --key-bits 2048", "certs init again --key-bits 2048"] {
      let o = s.run(command, name: "again")
      #expect(o.status == 1)
      let message = o.stoppedBy?.message ?? ""
      #expect(message.contains("already exists; certificates and keys are never overwritten"))
      #expect(message.contains(dir + "/"))
    }
    #expect(try String(contentsOfFile: dir + "/alice.key", encoding: .utf8) == before)
    let missing = s.run("certs user bob --ca-dir /nonexistent --key-bits 2048", name: "x")
    #expect(missing.stoppedBy?.message.contains("cannot load the cluster CA") == true)
    #expect(missing.stoppedBy?.notes.first?.contains("certs init") == true)
  }

  @Test func generatedSetPassesCheckAndOpenSSL() throws {
    let dir = try CertFixtures.directory("gen")
    _ = Self.generate(in: dir)
    let (s, host) = Self.session(
      in: dir,
      flags: [.host: "127.0.0.1", .certs: dir, .user: "alice"])
    let o = s.run("certs check --control control-127.0.0.1.crt", name: "check")
    #expect(o.status == 0, "\(host.output)")
    #expect(!host.output.contains("fail "), "\(host.output)")
    #expect(host.output.contains("C8     pass"))
    // openssl verify: the chain and the purposes OpenSSL checks (a missing openssl fails).
    let openssl = try RequiredTool.openssl()
    for (purpose, file) in [("sslclient", "alice.crt"), ("sslserver", "control-127.0.0.1.crt")] {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: openssl)
      p.arguments = [
        "verify", "-purpose", purpose, "-CAfile", dir + "/cluster.crt", dir + "/" + file,
      ]
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      p.waitUntilExit()
      #expect(p.terminationStatus == 0, "openssl verify \(file)")
    }
  }

  @Test func checkFailsTheScriptAndGivesJSON() throws {
    let set = try CertFixtures.clientSet(port: "4524")
    let (s, host) = Self.session(
      in: set.dir,
      flags: [.host: "10.0.0.5", .port: "4524", .certs: set.dir, .user: "alice"])
    let o = s.run("certs check -o json\necho after", name: "check")
    #expect(o.status == 1)
    #expect(o.stoppedBy?.message == "1 certificate check failed (C7)")
    #expect(!host.output.contains("after"))
    #expect(host.output.contains("\"check\": \"C7\""))
    #expect(host.output.contains("\"status\": \"fail\""))
    let ok = s.run("try certs check\necho \"status $?\"", name: "try")
    #expect(ok.status == 0)
    #expect(host.output.contains("status 1"))
  }

  @Test func showDescribesWithoutKeyMaterial() throws {
    let set = try CertFixtures.clientSet()
    let (s, host) = Self.session(in: set.dir)
    #expect(s.run("certs show control-service.crt", name: "show").status == 0)
    #expect(host.output.contains("role:       control service"))
    #expect(host.output.contains("san:        DNS:control-service,IP:10.0.0.5"))
    #expect(host.output.contains("key:        RSA 2048"))
    host.output = ""
    #expect(s.run("certs show alice.key", name: "show").status == 0)
    #expect(host.output.contains("format:    PKCS#1 RSA"))
    #expect(host.output.contains("encrypted: false"))
    #expect(!host.output.contains("MII"))
    try CertFixtures.write("not a certificate\n", set.dir + "/junk.crt")
    let junk = s.run("certs show junk.crt", name: "show")
    #expect(junk.stoppedBy?.message == "'junk.crt' holds no PEM certificate or key")
    let v1 = try CertFixtures.v1CA.issueControl(hostname: "10.0.0.5", keyBits: 2048)
    try CertFixtures.write(v1.certificatePEM, set.dir + "/v1.crt")
    host.output = ""
    #expect(s.run("certs show v1.crt", name: "show").status == 0)
    #expect(host.output.contains("version:    1 (with extensions"))
  }

  // MARK: - Live, against the sandbox

  @Test func liveCheckPassesAgainstTheSandbox() throws {
    let sandbox = try TestSandbox.shared
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let node = sandbox.nodes[0]
    let o = s.run("certs check --live --node-ip \(node.host)", name: "live")
    #expect(o.status == 0, "\(host.output)")
    for line in [
      "L1     pass    TLS handshake", "L1     pass    control certificate",
      "L2     pass    API call", "L3     pass    node list",
    ] {
      #expect(host.output.contains(line), "\(line)\n\(host.output)")
    }
    // Other tests share this sandbox and may leave two datasets with one name: L4 only warns.
    #expect(host.output.contains("L4     pass") || host.output.contains("L4     warn"))
    // A node IP the control service does not know fails L3.
    let missing = s.run("certs check --live --node-ip 10.9.9.9", name: "live")
    #expect(missing.stoppedBy?.message.contains("(L3)") == true, "\(host.output)")
  }

  @Test func liveCheckWithANodeCertificateFailsTheHandshake() throws {
    let sandbox = try TestSandbox.shared
    let dir = try CertFixtures.directory("live")
    let ca = try FlockerCA.load(
      certificatePEM: String(contentsOfFile: sandbox.caCertificatePath, encoding: .utf8),
      keyPEM: String(
        contentsOfFile: sandbox.certificatesDirectory + "/cluster.key", encoding: .utf8),
      version: .v3)
    let node = try ca.issueNode(keyBits: 2048)
    try writeCredentialFiles(node, directory: dir, name: "agent")
    var env = TestSandbox.environment(sandbox)
    env.flags[.ca] = sandbox.caCertificatePath
    env.flags[.cert] = dir + "/agent.crt"
    env.flags[.key] = dir + "/agent.key"
    let host = TextHost()
    let s = Session(environment: env, host: host)
    let o = s.run("certs check --live", name: "live")
    #expect(o.status == 1)
    #expect(host.output.contains("C5     fail"))
    #expect(host.output.contains("L1     fail"), "\(host.output)")
    #expect(host.output.contains("node (agent) certificate"))
  }

  /// Done-when: `certs init`, `certs control 127.0.0.1`, `certs user alice` and `certs node`
  /// produce a set that the sandbox accepts, and `certs check --live` passes on it.
  @Test func generatedSetServesASandboxAndPassesLive() throws {
    let dir = try CertFixtures.directory("gen")
    let (_, _, outcome) = Self.generate(in: dir)
    #expect(outcome.status == 0)
    let fm = FileManager.default
    try fm.moveItem(atPath: dir + "/control-127.0.0.1.crt", toPath: dir + "/control-service.crt")
    try fm.moveItem(atPath: dir + "/control-127.0.0.1.key", toPath: dir + "/control-service.key")
    var options = SandboxOptions(directory: dir)
    options.userName = "alice"
    options.keyBits = 2048
    options.nodeCount = 2
    let sandbox = try Sandbox(options: options)
    try sandbox.start()
    defer { sandbox.stop() }
    let (s, host) = Self.session(
      in: dir,
      flags: [.host: "127.0.0.1", .port: String(sandbox.port), .certs: dir, .user: "alice"])
    let o = s.run("certs check --live --node-ip \(sandbox.nodes[1].host)", name: "live")
    #expect(o.status == 0, "\(host.output)")
    #expect(host.output.contains("C8     pass"))
    #expect(host.output.contains("L1     pass    TLS handshake"))
    #expect(host.output.contains("0 failed"))
  }
}
