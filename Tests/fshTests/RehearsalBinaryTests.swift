import Foundation
import FshTestSupport
import Testing

/// `fsh --rehearse`, `rehearse` and `sandbox serve --from` against a sandbox standing in for
/// production: the script runs on a copy, the plan names every change, and production receives
/// nothing but GET requests (its own request log shows it).
@Suite(.blocking) struct RehearsalBinaryTests {
  static let examples = DocsTests.root.appendingPathComponent("examples").path

  /// A GET to the served sandbox with curl (found on PATH): the body and the configuration tag.
  func get(_ sandbox: ServedSandbox, _ path: String) throws -> (body: String, tag: String?) {
    let env = sandbox.environment
    let curl = try #require(
      ["/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
      }, "curl is missing: install the Debian package 'curl'")
    let headers = NSTemporaryDirectory() + "fsh-headers-\(UUID().uuidString.prefix(8))"
    let (status, body, err) = try runProgram(
      curl,
      [
        "-sS", "--max-time", "20", "--cacert", env["FLOCKER_CONTROL_SERVICE_CA_FILE"]!, "--cert",
        env["FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE"]!, "--key",
        env["FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"]!, "-D", headers,
        "https://127.0.0.1:\(env["FLOCKER_CONTROL_SERVICE_PORT"]!)\(path)",
      ])
    try #require(status == 0, "\(err)")
    let head = (try? String(contentsOfFile: headers, encoding: .utf8)) ?? ""
    let tag = head.split(separator: "\r\n").first {
      $0.lowercased().hasPrefix("x-configuration-tag:")
    }
    .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
    return (body, tag)
  }

  func requestLog(_ sandbox: ServedSandbox) throws -> [[String: Any]] {
    let text = try get(sandbox, "/sandbox/requests").body
    return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
  }

  /// Production: datasets on 10.0.0.1 (one scratch), one leased and stuck mid-move.
  func production() throws -> ServedSandbox {
    let prod = try ServedSandbox(flags: [])
    let made = try BinaryTests.run(
      [
        "-c",
        """
        for n in app-a app-b scratch-1 { create $n 1G on 10.0.0.1 }
        create pinned 1G on 10.0.0.3
        for n in app-a app-b scratch-1 pinned { wait $n attached timeout 60s }
        lease acquire pinned on 10.0.0.3
        move pinned to 10.0.0.2
        """,
      ], env: prod.environment)
    try #require(made.status == 0, "\(made.stderr)")
    return prod
  }

  @Test func rehearsalChangesNothingButShowsThePlan() throws {
    let prod = try production()
    let before = try get(prod, "/v1/configuration/datasets")
    let leasesBefore = try get(prod, "/v1/configuration/leases").body
    let logged = try requestLog(prod).count

    let r = try BinaryTests.run(
      ["--rehearse", Self.examples + "/retire-node.fsh", "10.0.0.1", "10.0.0.2"],
      env: prod.environment)
    #expect(r.status == 0, "\(r.stderr)")
    // The script's own output, then the plan.
    #expect(r.stdout.contains("destroyed scratch-1"))
    #expect(r.stdout.contains("app-a: attached on 10.0.0.2"))
    #expect(r.stdout.contains("retired 10.0.0.1: 2 moved"))
    let plan = try #require(
      r.stdout.range(of: "== rehearsal of").map { String(r.stdout[$0.lowerBound...]) })
    #expect(plan.contains("not copied: the volumes' data"))
    #expect(plan.contains("plan: 3 changes requested"), "\(plan)")
    #expect(plan.contains("1. destroy scratch-1 ("))
    #expect(plan.contains("2. move app-a (") && plan.contains("3. move app-b ("))
    #expect(plan.contains("→ ") && plan.contains("(10.0.0.2)"))
    #expect(plan.contains("datasets: 0 added, 2 moved, 1 deleted"), "\(plan)")

    // Production received GET requests only, and is exactly as it was.
    let after = try requestLog(prod).dropFirst(logged)
    #expect(!after.isEmpty)
    #expect(after.allSatisfy { $0["method"] as? String == "GET" }, "\(after)")
    let now = try get(prod, "/v1/configuration/datasets")
    #expect(now.tag == before.tag && now.tag != nil)
    #expect(now.body == before.body)
    #expect(try get(prod, "/v1/configuration/leases").body == leasesBefore)
  }

  @Test func theCopyIsLeasedAndMidMoveLikeProduction() throws {
    let prod = try production()
    let dir = BinaryTests.tempHome()
    let script = dir + "/inspect.fsh"
    try """
    let d = dataset pinned
    echo $d.status $d.attached_host $d.host $d.lease.host
    try wait pinned attached timeout 2s
    echo $error.notes.1
    config -o csv
    try use cluster elsewhere
    echo $error.message
    """.write(toFile: script, atomically: true, encoding: .utf8)
    let r = try BinaryTests.run(["--rehearse", script], env: prod.environment)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("moving 10.0.0.3 10.0.0.2 10.0.0.3"), "\(r.stdout)")
    #expect(r.stdout.contains("blocked: leased by node"), "\(r.stdout)")
    #expect(r.stdout.contains("rehearsal,"), "\(r.stdout)")
    #expect(r.stdout.contains("would be a real cluster"), "\(r.stdout)")
    #expect(r.stdout.contains("plan: 0 changes requested"))
  }

  @Test func aFailingScriptExitsWithItsPositionAndThePlanSoFar() throws {
    let prod = try production()
    let dir = BinaryTests.tempHome()
    let script = dir + "/bad.fsh"
    try "let x = create fresh 1G on 10.0.0.2\nmove no-such-dataset to 10.0.0.1\necho never\n"
      .write(toFile: script, atomically: true, encoding: .utf8)
    let logged = try requestLog(prod).count
    let r = try BinaryTests.run(["--rehearse", script], env: prod.environment)
    #expect(r.status == 1)
    #expect(
      r.stderr.contains("bad.fsh:2:6: error: no dataset named 'no-such-dataset'"), "\(r.stderr)")
    #expect(!r.stdout.contains("never"))
    #expect(r.stdout.contains("1. create fresh 1G on"), "\(r.stdout)")
    #expect(r.stdout.contains("script exit status: 1"))
    #expect(try requestLog(prod).dropFirst(logged).allSatisfy { $0["method"] as? String == "GET" })
    // The plan as data, for a pipeline to review.
    let quiet = dir + "/quiet.fsh"
    try "let x = create fresh 1G on 10.0.0.2\nlet l = lease acquire fresh on 10.0.0.2 for 10m\n"
      .write(toFile: quiet, atomically: true, encoding: .utf8)
    let j = try BinaryTests.run(["-o", "json", "--rehearse", quiet], env: prod.environment)
    #expect(j.status == 0, "\(j.stderr)")
    let plan = try #require(
      try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any], "\(j.stdout)")
    let requests = plan["requests"] as? [[String: Any]] ?? []
    #expect(requests.map { $0["method"] as? String } == ["POST", "POST"])
    #expect((requests.first?["command"] as? String)?.hasPrefix("create fresh 1G on ") == true)
    #expect((requests.last?["command"] as? String)?.hasPrefix("lease acquire fresh") == true)
    #expect((plan["added"] as? [[String: Any]])?.first?["name"] as? String == "fresh")
    #expect((plan["leases_acquired"] as? [Any])?.count == 1)
  }

  @Test func rehearseInsideASessionAndServeACopy() throws {
    let prod = try production()
    let logged = try requestLog(prod).count
    let inside = try BinaryTests.run(
      ["-c", "rehearse \(Self.examples)/retire-node.fsh 10.0.0.1 10.0.0.2; datasets -o csv"],
      env: prod.environment)
    #expect(inside.status == 0, "\(inside.stderr)")
    #expect(inside.stdout.contains("plan: 3 changes requested"))
    // Back in the real session afterwards: production untouched.
    #expect(inside.stdout.contains(",scratch-1,"))
    #expect(try requestLog(prod).dropFirst(logged).allSatisfy { $0["method"] as? String == "GET" })

    // A copy kept running: the same datasets, leases and nodes.
    let copy = try ServedSandbox(flags: ["--from", "."], env: prod.environment)
    let original = try BinaryTests.run(
      ["-c", "datasets -o csv -l; leases -o csv"], env: prod.environment)
    let copied = try BinaryTests.run(
      ["-c", "datasets -o csv -l; leases -o csv"], env: copy.environment)
    #expect(copied.status == 0, "\(copied.stderr)")
    #expect(copied.stdout == original.stdout)
    #expect(try requestLog(prod).dropFirst(logged).allSatisfy { $0["method"] as? String == "GET" })
  }
}
