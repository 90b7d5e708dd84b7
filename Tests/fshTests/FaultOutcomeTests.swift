import Foundation
import FshTestSupport
import Testing

/// Against a control service that fails 30 % of requests at random (500s, dropped requests, and
/// changes carried out whose answer is lost), every outcome fsh reports is the one that happened.
@Suite(.blocking) struct FaultOutcomeTests {
  /// Lines `NAME ok` / `NAME CODE` from a script of `try create` calls.
  static let script = (1...30).map { n in
    """
    let d\(n) = try create fault-\(n) 1G on 10.0.0.\(n % 3 + 1)
    if $d\(n) { echo "fault-\(n) ok" } else { echo "fault-\(n) $error.code" }
    """
  }.joined(separator: "\n")

  @Test func everyReportedCreateIsWhatExists() throws {
    let sandbox = try ServedSandbox(flags: ["--fault-rate", "0.3"])
    let run = try BinaryTests.run(["-c", Self.script], env: sandbox.environment)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 30, "\(run.stdout)\n\(run.stderr)")
    #expect(!lines.contains { $0.hasSuffix(" exists") }, "\(lines)")
    #expect(!run.stderr.contains("already exists"), "\(run.stderr)")
    let reported = Set(lines.filter { $0.hasSuffix(" ok") }.map { String($0.dropLast(3)) })
    // What exists afterwards, read until a read gets through (the faults are still on).
    var existing: Set<String>?
    for _ in 0..<10 where existing == nil {
      let listed = try BinaryTests.run(["-o", "csv", "-c", "datasets"], env: sandbox.environment)
      guard listed.status == 0 else { continue }
      existing = Set(
        listed.stdout.unicodeScalars.split(separator: "\n").map { String($0) }
          .compactMap { row in row.split(separator: ",").dropFirst().first.map(String.init) }
          .filter { $0.hasPrefix("fault-") })
    }
    #expect(existing == reported, "reported \(reported.sorted()), exist \(existing ?? [])")
  }

  @Test func readsGetThroughFaults() throws {
    let sandbox = try ServedSandbox(flags: ["--fault-rate", "0.3", "--datasets", "5"])
    var succeeded = 0
    for _ in 0..<20 {
      let listed = try BinaryTests.run(["-c", "datasets"], env: sandbox.environment)
      if listed.status == 0 { succeeded += 1 }
    }
    #expect(succeeded >= 19, "\(succeeded) of 20 'datasets' succeeded")
  }
}
