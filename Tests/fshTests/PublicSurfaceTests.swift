import Foundation
import FshTestSupport
import Testing

/// The embedding API (the FshKit product's public declarations) changes only on purpose: the
/// build's surface must be the one listed in docs/public-surface.txt.
@Suite(.blocking) struct PublicSurfaceTests {
  @Test func thePublicSurfaceIsTheListedOne() throws {
    let bin = URL(fileURLWithPath: BinaryTests.binary).deletingLastPathComponent().path
    let script = DocsTests.root.appendingPathComponent("scripts/public-surface").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try RequiredTool.python3())
    process.arguments = [script, "--check", "--bin", bin]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
  }
}
