import Foundation
import FshKit
import FshLanguage
import FshRuntime
import FshSandbox
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

  @Test func clustersCheckGivesARowPerProfileAndFailsWhenOneHasAProblem() throws {
    let healthy = try TestSandbox.make()
    let host = TextHost()
    var env = TestSandbox.environment(healthy)
    env.flags = [:]
    let s = Session(environment: env, host: host)
    let certs = healthy.certificatesDirectory
    let added = s.run(
      """
      cluster add lab-a host 127.0.0.1:\(healthy.port) certs \(certs) user \(healthy.userName)
      cluster add lab-down host 127.0.0.1:1 certs \(certs) user \(healthy.userName)
      """, name: "add")
    #expect(added.status == 0, "\(host.output) \(host.warnings)")
    host.output = ""
    let o = s.run("clusters --check -o json", name: "check")
    #expect(o.status == 1)
    #expect(o.stoppedBy?.message == "1 of 2 clusters have problems: lab-down")
    guard case .list(let rows) = try JSON.decode(host.output) else {
      Issue.record("not a list: \(host.output)")
      return
    }
    #expect(rows.count == 2)
    #expect(rows[0]["name"] == .string("lab-a") && rows[0]["ok"] == .bool(true))
    #expect(rows[0]["reachable"] == .bool(true) && rows[0]["nodes"] == .int(3))
    #expect(rows[1]["name"] == .string("lab-down") && rows[1]["ok"] == .bool(false))
    #expect(rows[1]["reachable"] == .bool(false) && rows[1]["problems"] == .int(1))
    #expect(rows[1]["first_problem"]?.text.contains("connection refused") == true)
  }
}
