import Foundation
import FshTestSupport
import Testing

/// The rehearsal plan tells requested from converged: a move blocked by a lease on the node
/// holding the data is planned as requested, not converged, from that node.
@Suite(.serialized, .blocking) struct RehearsalPlanTests {
  @Test func aLeaseBlockedMoveIsRequestedNotConverged() throws {
    // pinned: configured on 10.0.0.2, still mounted on 10.0.0.3, where a lease holds it.
    let prod = try RehearsalBinaryTests().production()
    let dir = BinaryTests.tempHome()
    let script = dir + "/move-pinned.fsh"
    try """
    move pinned to 10.0.0.1
    try wait pinned attached timeout 3s
    create fresh 1G on 10.0.0.2
    wait fresh attached timeout 60s
    """.write(toFile: script, atomically: true, encoding: .utf8)
    let r = try BinaryTests.run(["--rehearse", script], env: prod.environment)
    #expect(r.status == 0, "\(r.stderr)")
    let plan = try #require(
      r.stdout.range(of: "== rehearsal of").map { String(r.stdout[$0.lowerBound...]) })
    // From where the data was (10.0.0.3), not from the configured node (10.0.0.2).
    #expect(plan.contains("1. move pinned (") && plan.contains("(10.0.0.3) → "), "\(plan)")
    #expect(plan.contains("1 moved"), "\(plan)")
    #expect(plan.contains("(requested; 1 of 2 converged before the script ended)"), "\(plan)")
    let moved = plan.split(separator: "\n").first { $0.hasPrefix("  ~ pinned") } ?? ""
    #expect(moved.contains("(10.0.0.3) → "), "\(moved)")
    #expect(moved.contains("requested, not converged: still mounted on"), "\(moved)")
    #expect(moved.contains("blocked: leased by node"), "\(moved)")
    let added = plan.split(separator: "\n").first { $0.hasPrefix("  + fresh") } ?? ""
    #expect(added.contains("converged: attached on"), "\(added)")

    let json = try BinaryTests.run(["-o", "json", "--rehearse", script], env: prod.environment)
    let start = try #require(json.stdout.range(of: "{\n  \"cluster\""), "\(json.stdout)")
    let object =
      try JSONSerialization.jsonObject(
        with: Data(json.stdout[start.lowerBound...].utf8)) as? [String: Any]
    let entry = (object?["moved"] as? [[String: Any]])?.first
    #expect(entry?["converged"] as? Bool == false, "\(String(describing: entry))")
    #expect((entry?["from"] as? String)?.isEmpty == false)
  }
}
