import Foundation
import Testing

@testable import FshKit
@testable import FshRuntime

/// `agent check`: every agent.yml mistake from the reference is caught, with its fix.
struct AgentCheckTests {
  static let good = """
    version: 1
    control-service: {hostname: control.example.com, port: 4524}
    dataset:
      backend: aws
      region: us-east-1
      zone: us-east-1a
      access_key_id: AKIA
      secret_access_key: s3cr3t-value
    """

  func check(_ text: String, mode: mode_t? = 0o600) -> AgentCheck {
    AgentCheck(text: text, path: "/etc/flocker/agent.yml", mode: mode)
  }

  /// The finding for `key` at `level`, failing the test when there is none.
  func finding(
    _ text: String, _ key: String, _ level: AgentFinding.Level, mode: mode_t? = 0o600,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> AgentFinding? {
    let c = check(text, mode: mode)
    let f = c.findings.first { $0.key == key && $0.level == level }
    #expect(
      f != nil, "no \(level) for \(key) in \(c.findings.map { "\($0.level) \($0.key)" })",
      sourceLocation: sourceLocation)
    return f
  }

  @Test func aGoodFileOnlyPasses() {
    let c = check(Self.good)
    #expect(c.errors.isEmpty && c.warnings.isEmpty, "\(c.findings)")
    #expect(c.backend == "aws" && c.hostname == "control.example.com")
  }

  @Test func secretValuesAreNeverShown() {
    let texts = [
      Self.good, Self.good.replacingOccurrences(of: "4524", with: "4523"),
      "version: 1\ncontrol-service: {hostname: h.example}\n"
        + "dataset: {backend: gce, credentials: s3cr3t-value}",
      "version: 1\ncontrol-service: {hostname: h.example}\n"
        + "dataset: {backend: aws, secret_access_key: [s3cr3t-value]}",
    ]
    for t in texts {
      for mode: mode_t in [0o600, 0o644] {
        for f in check(t, mode: mode).findings {
          #expect(!f.what.contains("s3cr3t") && !f.fix.contains("s3cr3t"), "\(f)")
        }
      }
    }
  }

  // MARK: - What the agent validates

  @Test func version() {
    let base = "control-service: {hostname: h.example}\ndataset: {backend: zfs}\n"
    #expect(finding(base, "version", .fail)?.fix == "add `version: 1` at the top")
    let quoted = finding("version: \"1\"\n" + base, "version", .fail)
    #expect(quoted?.what.contains("a string") == true)
    #expect(quoted?.fix.contains("not quoted") == true)
    #expect(finding("version: 2\n" + base, "version", .fail)?.what.contains("integer 2") == true)
    _ = finding("version: 1.0\n" + base, "version", .pass)
  }

  @Test func controlServiceAndHostname() {
    let head = "version: 1\ndataset: {backend: zfs}\n"
    #expect(finding(head, "control-service", .fail)?.fix.contains("hostname") == true)
    _ = finding(head + "control-service: {port: 4524}", "control-service.hostname", .fail)
    let notString = finding(
      head + "control-service: {hostname: 10.5}", "control-service.hostname", .fail)
    #expect(notString?.fix.contains("quote") == true)
    let placeholder = finding(
      head + "control-service: {hostname: \"${CONTROL_NODE}\"}", "control-service.hostname", .fail)
    #expect(placeholder?.what.contains("placeholder") == true)
    let v6 = finding(
      head + "control-service: {hostname: \"fd00::1\"}", "control-service.hostname", .fail)
    #expect(v6?.what.contains("IPv6") == true)
    _ = finding(head + "control-service: {hostname: h}", "control-service.hostname", .fail)
    _ = finding(head + "control-service: {hostname: 10.0.0.5}", "control-service.hostname", .pass)
  }

  @Test func loopbackHostnames() {
    for host in [
      "localhost", "127.0.0.1", "127.0.1.1", "LOCALHOST", "localhost.localdomain", "0.0.0.0",
    ] {
      let f = finding(
        "version: 1\ncontrol-service: {hostname: \(host)}\ndataset: {backend: zfs}",
        "control-service.hostname", .fail)
      #expect(f?.what.contains("register as 127.0.0.1") == true, "\(host)")
      #expect(f?.fix.contains("as the nodes reach it") == true)
    }
    #expect(!AgentFacts.isLoopback("localhost-db.example") && !AgentFacts.isLoopback("10.0.0.1"))
  }

  @Test func ports() {
    func text(_ port: String) -> String {
      "version: 1\ncontrol-service: {hostname: h.example, port: \(port)}\ndataset: {backend: zfs}"
    }
    let api = finding(text("4523"), "control-service.port", .fail)
    #expect(api?.what.contains("REST API port") == true)
    #expect(api?.fix == "set `port: 4524` (or leave it out)")
    #expect(
      finding(text("\"4524\""), "control-service.port", .fail)?.fix.contains("without quotes")
        == true)
    #expect(
      finding(text("1234"), "control-service.port", .warn)?.fix.contains("--agent-port") == true)
    _ = finding(text("70000"), "control-service.port", .fail)
    _ = finding(text("4524"), "control-service.port", .pass)
    _ = finding(
      "version: 1\ncontrol-service: {hostname: h.example}\ndataset: {backend: zfs}",
      "control-service.port", .pass)
  }

  @Test func datasetAndBackend() {
    let head = "version: 1\ncontrol-service: {hostname: h.example}\n"
    _ = finding(head, "dataset", .fail)
    _ = finding(head + "dataset: {region: x}", "dataset.backend", .fail)
    let cinder = finding(head + "dataset: {backend: cinder}", "dataset.backend", .fail)
    #expect(cinder?.what.contains("neither a built-in plugin nor a 3rd party module") == true)
    #expect(cinder?.fix.hasPrefix("did you mean 'openstack'?") == true)
    let third = finding(
      head + "dataset: {backend: pure_flocker_driver.backend}", "dataset.backend", .warn)
    #expect(third?.fix.contains("installed on every node") == true)
  }

  @Test func requiredKeysOfEachBackend() {
    let head = "version: 1\ncontrol-service: {hostname: h.example}\n"
    let f = finding(head + "dataset: {backend: openstack}", "dataset.region", .fail)
    #expect(f?.what == "Configuration error: Required key region is missing.")
    for key in ["region", "zone", "access_key_id", "secret_access_key"] {
      let others = [
        "region: us-east-1", "zone: us-east-1a", "access_key_id: A", "secret_access_key: S",
      ]
      .filter { !$0.hasPrefix(key + ":") }.joined(separator: ", ")
      let f = finding(head + "dataset: {backend: aws, \(others)}", "dataset.\(key)", .fail)
      #expect(f?.fix.contains("add `\(key): …`") == true)
    }
    for b in ["gce", "loopback", "zfs"] {
      #expect(check(head + "dataset: {backend: \(b)}").errors.isEmpty)
    }
    _ = finding(head + "dataset: {backend: openstack, region: }", "dataset.region", .fail)
  }

  // MARK: - What the agent silently gets wrong

  @Test func unknownTopLevelAndControlServiceKeysAreIgnored() {
    let text = """
      version: 1
      control_service: {hostname: h.example}
      control-service: {hostname: h.example, prot: 4524}
      dataset: {backend: zfs}
      """
    let top = finding(text, "control_service", .warn)
    #expect(top?.what.contains("ignored by the agent") == true)
    #expect(top?.fix.hasPrefix("did you mean 'control-service'?") == true)
    let port = finding(text, "control-service.prot", .warn)
    #expect(port?.fix.hasPrefix("did you mean 'control-service.port'?") == true)
  }

  @Test func unknownDatasetKeysCrashStrictBackends() {
    let head = "version: 1\ncontrol-service: {hostname: h.example}\n"
    let aws = finding(
      head
        + "dataset: {backend: aws, region: us-east-1, zone: us-east-1a, access_key_id: A, "
        + "secret_access_key: S, secret_key: S}",
      "dataset.secret_key", .fail)
    #expect(aws?.what.contains("TypeError") == true)
    _ = finding(head + "dataset: {backend: gce, projet: p}", "dataset.projet", .fail)
    let loop = finding(head + "dataset: {backend: loopback, path: /x}", "dataset.path", .fail)
    #expect(loop?.fix.contains("root_path") == true)
    _ = finding(head + "dataset: {backend: zfs, pools: flocker}", "dataset.pools", .fail)
    let id = finding(
      head + "dataset: {backend: openstack, region: R, cluster_id: x}", "dataset.cluster_id", .fail)
    #expect(id?.fix == "remove 'cluster_id' from dataset")
  }

  @Test func openstackIgnoresUnknownKeysAndNeedsAuthentication() {
    let text = """
      version: 1
      control-service: {hostname: h.example}
      dataset:
        backend: openstack
        region: RegionOne
        auth_url: "https://k:5000/v3"
        user: u
        password: p
        verify_peer: false
      """
    let user = finding(text, "dataset.user", .warn)
    #expect(user?.what.contains("the agent ignores it") == true)
    #expect(
      user?.fix.contains("did you mean 'username'?") == true
        || user?.fix.contains("did you mean") == true)
    #expect(finding(text, "dataset.username", .warn)?.what.contains("Keystone") == true)
    _ = finding(text, "dataset.verify_peer", .warn)
    #expect(check(text).errors.isEmpty)
    let rackspace =
      "version: 1\ncontrol-service: {hostname: h.example}\n"
      + "dataset: {backend: openstack, region: IAD, auth_plugin: rackspace, username: u, "
      + "api_key: k, auth_url: x}"
    #expect(check(rackspace).errors.isEmpty && check(rackspace).warnings.isEmpty)
  }

  @Test func secretsInAReadableFile() {
    let everyone = finding(Self.good, "file", .fail, mode: 0o644)
    #expect(everyone?.what.contains("'secret_access_key'") == true)
    #expect(everyone?.fix == "chmod 0600 /etc/flocker/agent.yml")
    _ = finding(Self.good, "file", .warn, mode: 0o640)
    _ = finding(Self.good, "file", .pass, mode: 0o600)
    _ = finding(
      "version: 1\ncontrol-service: {hostname: h.example}\ndataset: {backend: zfs}", "file", .pass,
      mode: 0o644)
  }

  @Test func yamlProblems() {
    _ = finding("version: 1\ncontrol-service: {hostname: [", "yaml", .fail)
    _ = finding("", "file", .fail)
    _ = finding("- a\n- b", "file", .fail)
    let dup =
      "version: 1\nversion: 1\ncontrol-service: {hostname: h.example}\ndataset: {backend: zfs}"
    #expect(finding(dup, "yaml", .fail)?.what.hasPrefix("'version' appears twice") == true)
    _ = finding(
      "version: 1\ncontrol-service: {hostname: h.example}\ndataset: {backend: zfs}\nlogging: x",
      "logging", .fail)
  }

  @Test func awsZoneOutsideRegionWarns() {
    let text = Self.good.replacingOccurrences(of: "zone: us-east-1a", with: "zone: eu-west-1a")
    _ = finding(text, "dataset.zone", .warn)
  }

  @Test func schemaHostnameRule() {
    for ok in ["ab", "control.example.com", "10.0.0.5", "a-b.c", "node1"] {
      #expect(AgentFacts.isSchemaHostname(ok), "\(ok)")
    }
    for bad in ["a", "-ab", "a_b.example", "fd00::1", "h.example:4524", "", "ctl/x"] {
      #expect(!AgentFacts.isSchemaHostname(bad), "\(bad)")
    }
  }
}
