import Foundation
import Testing

/// `fsh --cluster LIST|GLOB`: the same commands on several clusters at once, against two served
/// sandboxes and one profile whose control service is down.
@Suite(.serialized) struct ManyClustersTests {
  /// A HOME with profiles lab-a and lab-b (two sandboxes) and lab-0down (nothing listens). Made
  /// per test (not once for the process: a served sandbox stops when its value goes, and a
  /// static one would outlive the test process).
  struct Clusters {
    let home: String
    let a: ServedSandbox
    let b: ServedSandbox
  }

  static func clusters() throws -> Clusters {
    let a = try ServedSandbox(flags: [])
    let b = try ServedSandbox(flags: [])
    let home = BinaryTests.tempHome()
    func add(_ name: String, _ s: ServedSandbox?) throws {
      let e = s?.environment ?? a.environment
      let port = s == nil ? "1" : e["FLOCKER_CONTROL_SERVICE_PORT"]!
      let r = try BinaryTests.run(
        [
          "-c",
          "cluster add \(name) host 127.0.0.1:\(port) ca \(e["FLOCKER_CONTROL_SERVICE_CA_FILE"]!) "
            + "cert \(e["FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE"]!) "
            + "key \(e["FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"]!)",
        ], env: ["HOME": home])
      guard r.status == 0 else { throw NSError(domain: r.stderr, code: Int(r.status)) }
    }
    try add("lab-a", a)
    try add("lab-b", b)
    try add("lab-0down", nil)
    return Clusters(home: home, a: a, b: b)
  }

  func run(_ args: [String], _ c: Clusters) throws -> BinaryTests.Run {
    try BinaryTests.run(args, env: ["HOME": c.home])
  }

  @Test func aPatternRunsOnEveryMatchingClusterWithPrefixesAndASummary() throws {
    let c = try Self.clusters()
    let r = try run(["--cluster", "lab-*", "-c", "datasets; nodes"], c)
    #expect(r.status == 1, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n")
    #expect(!lines.isEmpty)
    for line in lines {
      #expect(line.hasPrefix("lab-a     | ") || line.hasPrefix("lab-b     | "), "\(line)")
    }
    #expect(lines.filter { $0.hasPrefix("lab-a     | ") && $0.contains("10.0.0.1") }.count == 1)
    #expect(lines.filter { $0.hasPrefix("lab-b     | ") && $0.contains("10.0.0.1") }.count == 1)
    #expect(r.stderr.contains("lab-0down | <-c>:1:1: error: cannot reach control service"))
    #expect(
      r.stderr.hasSuffix(
        "2 ok, 1 failed: lab-0down — cannot reach control service at "
          + "'127.0.0.1:1': connection refused; is flocker-control running and is port 1 open?\n"),
      "\(r.stderr)")
  }

  @Test func jsonIsOneArrayWithAnObjectPerCluster() throws {
    let c = try Self.clusters()
    let r = try run(["-o", "json", "--cluster", "lab-a,lab-b,lab-0down", "-c", "nodes"], c)
    #expect(r.status == 1)
    let array = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    #expect(array.map { $0["cluster"] as? String } == ["lab-0down", "lab-a", "lab-b"])
    #expect(
      array[0]["ok"] as? Bool == false
        && (array[0]["error"] as? String)?.contains("refused") == true)
    #expect((array[1]["result"] as? [[String: Any]])?.count == 3, "\(r.stdout)")
    #expect(array[2]["ok"] as? Bool == true && array[2]["error"] == nil)
  }

  @Test func groupPrintsEachClusterWholeUnderAHeader() throws {
    let c = try Self.clusters()
    let r = try run(["--group", "--cluster", "lab-a,lab-b", "-c", "echo one; echo two"], c)
    #expect(r.status == 0)
    #expect(r.stdout == "== lab-a ==\none\ntwo\n== lab-b ==\none\ntwo\n", "\(r.stdout)")
    #expect(r.stderr == "2 ok\n")
  }

  @Test func failFastStopsTheOthersAndAnUnknownPatternIsAnError() throws {
    let c = try Self.clusters()
    let r = try run(["--serial", "--fail-fast", "--cluster", "lab-*", "-c", "version"], c)
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty, "\(r.stdout)")
    #expect(
      r.stderr.contains(
        "0 ok, 3 failed: lab-0down — cannot reach control service at '127.0.0.1:1'"),
      "\(r.stderr)")
    #expect(r.stderr.contains("lab-a — not run: another cluster failed (--fail-fast)"))
    let none = try run(["--cluster", "prod-*", "-c", "nodes"], c)
    #expect(none.status == 1)
    #expect(
      none.stderr.hasPrefix("fsh: error: no cluster profile matches 'prod-*'"), "\(none.stderr)")
    #expect(none.stderr.contains("profiles: lab-0down, lab-a, lab-b"))
  }

  @Test func eachClusterRunsABlockOnEveryMatchingCluster() throws {
    let c = try Self.clusters()
    let home = c.home
    let script = home + "/each.fsh"
    try """
    let label = seen
    each cluster 'lab-a,lab-b' {
      echo $label on $1
      nodes
    }
    echo after
    each cluster 'lab-*' { version }
    echo not reached
    """.write(toFile: script, atomically: true, encoding: .utf8)
    let r = try BinaryTests.run([script, "arg1"], env: ["HOME": home])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    // The caller's variables and arguments reach each cluster's session.
    #expect(
      lines.contains("lab-a | seen on arg1") && lines.contains("lab-b | seen on arg1"), "\(lines)")
    #expect(lines.filter { $0.hasPrefix("lab-b | ") && $0.contains("10.0.0.3") }.count == 1)
    #expect(lines.contains("after") && !lines.contains("not reached"))
    #expect(r.stderr.contains("2 ok\n"), "\(r.stderr)")
    // The failing cluster's error points into the script: line 7, inside the block.
    #expect(r.stderr.contains("lab-0down | \(script):7:"), "\(r.stderr)")
    #expect(r.stderr.contains("2 ok, 1 failed: lab-0down — cannot reach"))
    #expect(r.stderr.contains("error: 1 of 3 clusters failed: lab-0down"))

    let json = try BinaryTests.run(
      ["-o", "json", "-c", "each cluster 'lab-a,lab-b' { nodes }"], env: ["HOME": home])
    #expect(json.status == 0, "\(json.stderr)")
    let array = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    #expect(array.map { $0["cluster"] as? String } == ["lab-a", "lab-b"])
    #expect((array[0]["result"] as? [[String: Any]])?.count == 3)
  }

  @Test func aRehearsalAcrossClustersGivesAPlanPerCluster() throws {
    let c = try Self.clusters()
    let home = c.home
    let script = home + "/provision.fsh"
    try "let d = create planned-1 1G on 10.0.0.1\necho made for $1\n"
      .write(toFile: script, atomically: true, encoding: .utf8)
    let r = try BinaryTests.run(
      ["--cluster", "lab-a,lab-b", "--rehearse", script, "team-x"], env: ["HOME": home])
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    for cluster in ["lab-a", "lab-b"] {
      #expect(r.stdout.contains("\(cluster) | made for team-x"), "\(r.stdout)")
      #expect(r.stdout.contains("\(cluster) | == rehearsal of '\(cluster)'"), "\(r.stdout)")
      #expect(r.stdout.contains("\(cluster) |   1. create planned-1 1G on "), "\(r.stdout)")
    }
    // Nothing was created: the clusters themselves only read.
    let after = try BinaryTests.run(
      ["--cluster", "lab-a,lab-b", "-c", "datasets name planned-1"], env: ["HOME": home])
    #expect(!after.stdout.contains("planned-1"), "\(after.stdout)")
  }
}
