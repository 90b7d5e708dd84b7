import Foundation
import FshKit
import FshLanguage
import FshRuntime
import FshSandbox
import FshTestSupport
import Testing

/// `doctor` and `clusters --check` against sandboxes: a healthy one, one with a dataset stuck
/// behind a lease and one configured on a node that never reported, and one that is down.
@Suite(.serialized) struct DoctorTests {
  @Test func aHealthyClusterHasNoProblem() throws {
    let sandbox = try TestSandbox.make()
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let o = s.run("let d = create healthy-1 1G on 10.0.0.1 --wait; doctor", name: "doctor")
    #expect(o.status == 0, "\(host.output)")
    for line in [
      "D1     ok       configuration", "D2     ok       certificates",
      "D3     ok       connection     127.0.0.1:", "D5     ok       convergence",
      "D6     ok       leases", "D7     ok       dataset names",
    ] {
      #expect(host.output.contains(line), "\(line)\n\(host.output)")
    }
    #expect(host.output.contains(" 0 problems\n"), "\(host.output)")
  }

  @Test func aLeasedStuckDatasetAndAnUnknownNodeAreProblemsWithFixes() throws {
    let sandbox = try TestSandbox.make()
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let ghost = "6a1f3e2d-8c4b-4f0a-9e7d-1b2c3d4e5f60"
    let setup = s.run(
      """
      let d = create stuck-db 1G on 10.0.0.1 --wait
      let l = lease acquire stuck-db on 10.0.0.1
      let m = move stuck-db to 10.0.0.2
      let g = api POST /v1/configuration/datasets '{"primary": "\(ghost)", "metadata": {"name": "ghost-1"}}'
      """, name: "setup")
    #expect(setup.status == 0, "\(host.output) \(host.warnings)")
    host.output = ""
    let o = s.run("doctor", name: "doctor")
    #expect(o.status == 1)
    #expect(o.stoppedBy?.message == "2 problems found", "\(String(describing: o.stoppedBy))")
    let out = host.output
    #expect(
      out.contains("D5     problem  convergence    'stuck-db' (")
        && out.contains("is moving: leased by node"),
      "\(out)")
    #expect(out.contains("fix: release the lease: lease release stuck-db"), "\(out)")
    #expect(
      out.contains("D8     problem  unknown nodes  1 dataset is configured on node 6a1f3e2d"),
      "\(out)")
    #expect(out.contains("move them to a node that reports"), "\(out)")

    // The same as data.
    host.output = ""
    _ = s.run("doctor -o json", name: "json")
    let v = try JSON.decode(host.output)
    #expect(v["ok"] == .bool(false) && v["problems"] == .int(2), "\(host.output)")
    guard case .list(let checks)? = v["checks"] else {
      Issue.record("no checks: \(host.output)")
      return
    }
    #expect(
      checks.contains { $0["check"] == .string("D8") && $0["severity"] == .string("problem") })
  }

  /// A node whose agent stopped leaves the state after the expiry: its datasets are a problem
  /// named with the host fsh last saw it as, and the fix.
  @Test func aStoppedAgentIsAProblemNamedByItsLastHost() throws {
    let sandbox = try TestSandbox.make(stateExpiry: 0.3)
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    #expect(s.run("let d = create silent-db 1G on 10.0.0.3 --wait", name: "c").status == 0)
    let node = try #require(sandbox.nodes.first { $0.host == "10.0.0.3" })
    #expect(sandbox.stopAgent(node.uuid))
    // Hang guard 30 s: until the node has left the state.
    var gone = false
    for _ in 0..<300 where !gone {
      host.output = ""
      _ = s.run("nodes -o json", name: "n")
      gone = !host.output.contains(node.uuid)
      if !gone { Thread.sleep(forTimeInterval: 0.1) }
    }
    #expect(gone)
    host.output = ""
    let o = s.run("doctor", name: "doctor")
    #expect(o.status == 1, "\(host.output)")
    #expect(
      host.output.contains(
        "D4     problem  agents         node \(node.uuid.prefix(8)) (last seen as 10.0.0.3) does not report; "
          + "1 dataset is configured on it: 'silent-db' ("), "\(host.output)")
    #expect(host.output.contains("fix: start flocker-dataset-agent on 10.0.0.3"), "\(host.output)")
  }

  /// Four profiles: healthy, one with a dataset stuck behind a lease and one on a node that
  /// never reported, one whose control service is down, one whose client certificate another
  /// CA issued. A row each, in name order; exit 1 naming the three with problems.
  @Test func clustersCheckGivesARowPerProfileAndFailsWhenOneHasAProblem() throws {
    let healthy = try TestSandbox.make()
    let stuck = try TestSandbox.make()
    let host = TextHost()
    // The stuck cluster: a leased, mounted dataset asked to move, and one on a ghost node.
    let setup = Session(environment: TestSandbox.environment(stuck), host: host)
    #expect(
      setup.run(
        """
        let d = create stuck-db 1G on 10.0.0.1 --wait
        let l = lease acquire stuck-db on 10.0.0.1
        let m = move stuck-db to 10.0.0.2
        let g = api POST /v1/configuration/datasets '{"primary": "6a1f3e2d-8c4b-4f0a-9e7d-1b2c3d4e5f60"}'
        """, name: "setup"
      ).status == 0, "\(host.warnings)")
    var env = TestSandbox.environment(healthy)
    env.flags = [:]
    let s = Session(environment: env, host: host)
    let files = try FlockerTestPKI.files
    func profile(
      _ name: String, _ sandbox: Sandbox, port: Int? = nil, cert: String? = nil, key: String? = nil
    )
      -> String
    {
      "cluster add \(name) host 127.0.0.1:\(port ?? sandbox.port) ca \(sandbox.caCertificatePath) "
        + "cert \(cert ?? sandbox.userCertificatePath) key \(key ?? sandbox.userKeyPath)"
    }
    let added = s.run(
      [
        profile("lab-a", healthy), profile("lab-b", stuck), profile("lab-c", healthy, port: 1),
        profile("lab-d", healthy, cert: files.path("rogue.crt"), key: files.path("rogue.key")),
      ].joined(separator: "\n"), name: "add")
    #expect(added.status == 0, "\(host.output) \(host.warnings)")
    host.output = ""
    let o = s.run("clusters --check -o json", name: "check")
    #expect(o.status == 1)
    #expect(o.stoppedBy?.message == "3 of 4 clusters have problems: lab-b, lab-c, lab-d")
    guard case .list(let rows) = try JSON.decode(host.output) else {
      Issue.record("not a list: \(host.output)")
      return
    }
    #expect(rows.map { $0["name"]?.text } == ["lab-a", "lab-b", "lab-c", "lab-d"])
    #expect(rows[0]["ok"] == .bool(true) && rows[0]["nodes"] == .int(3))
    #expect(rows[1]["ok"] == .bool(false) && rows[1]["reachable"] == .bool(true))
    #expect(rows[1]["problems"] == .int(2) && rows[1]["not_converged"] == .int(2), "\(rows[1])")
    #expect(rows[2]["reachable"] == .bool(false) && rows[2]["problems"] == .int(1))
    #expect(rows[2]["first_problem"]?.text.contains("connection refused") == true)
    #expect(rows[3]["reachable"] == .bool(false) && rows[3]["ok"] == .bool(false))
    #expect(rows[3]["first_problem"] != .null, "\(rows[3])")
  }
}
