import Foundation
import FshTestSupport
import Testing

/// A listing of lists over a megabyte each, read over real TLS from a sandbox process while
/// they arrive (in many chunks, each element decoded as its bytes complete, room made from the
/// Content-Length): nothing is lost or reordered, and the streamed listing is the per-record
/// path's text.
@Suite(.blocking) struct LongListingTests {
  let home = BinaryTests.tempHome()

  @Test func aListDecodedBesideItsTransferIsWholeAndTheSameAsPerRecord() throws {
    // 7 000 datasets: each list about 1.3 MB.
    let sandbox = try ServedSandbox(flags: ["--datasets", "7000"])
    var env = sandbox.environment
    env["HOME"] = home
    let fast = try BinaryTests.run(["-c", "datasets -o csv"], env: env)
    #expect(fast.status == 0, "\(fast.stderr)")
    env["FSH_PER_RECORD"] = "1"
    let general = try BinaryTests.run(["-c", "datasets -o csv"], env: env)
    #expect(general.status == 0, "\(general.stderr)")
    let same = fast.stdout == general.stdout
    #expect(same, "the streamed listing differs from the per-record one")
    // Every dataset once, in name order: seed-00001 … seed-07000.
    let names = fast.stdout.unicodeScalars.split(separator: "\n").dropFirst().map {
      String(String($0).split(separator: ",", omittingEmptySubsequences: false)[1])
    }
    let expected = (1...7000).map { String(format: "seed-%05d", $0) }
    let whole = names == expected
    let first = zip(names, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    #expect(whole, "\(names.count) rows; first difference at row \(first.map(String.init) ?? "-")")
  }
}
