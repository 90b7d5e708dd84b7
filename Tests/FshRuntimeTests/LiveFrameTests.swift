import Testing

@testable import FshRuntime

/// The bytes of a redraw in place: only what changed, the whole frame when its height changes,
/// a cleared screen after a resize.
struct LiveFrameTests {
  let rows = ["header read 14:03:12", "  NAME  STATUS", "  a     pending", "  b     attached"]

  @Test func theFirstFrameIsWrittenWhole() {
    var f = LiveFrame()
    let out = f.update(to: rows, columns: 80)
    #expect(out == rows.map { $0 + "\u{1B}[K\n" }.joined())
  }

  @Test func aRefreshThatChangesOnlyTheHeaderWritesOnlyTheHeader() {
    var f = LiveFrame()
    _ = f.update(to: rows, columns: 80)
    var next = rows
    next[0] = "header read 14:03:13"
    let out = f.update(to: next, columns: 80)
    // Up four lines to the header, the header, back down.
    #expect(out == "\r\u{1B}[4Aheader read 14:03:13\u{1B}[K\r\u{1B}[4B")
    #expect(f.update(to: next, columns: 80) == "")
  }

  @Test func aChangedRowIsRewrittenInPlace() {
    var f = LiveFrame()
    _ = f.update(to: rows, columns: 80)
    var next = rows
    next[2] = "* a     attached"
    let out = f.update(to: next, columns: 80)
    #expect(out == "\r\u{1B}[2A* a     attached\u{1B}[K\r\u{1B}[2B")
    #expect(!out.contains("\n"))
  }

  @Test func anotherHeightRewritesFromTheTopAndAResizeClearsTheScreen() {
    var f = LiveFrame()
    _ = f.update(to: rows, columns: 80)
    let shorter = Array(rows.prefix(3))
    let out = f.update(to: shorter, columns: 80)
    #expect(out.hasPrefix("\r\u{1B}[4A\u{1B}[J"))
    #expect(out.hasSuffix("  a     pending\u{1B}[K\n"))
    let resized = f.update(to: shorter, columns: 50)
    #expect(resized.hasPrefix("\u{1B}[H\u{1B}[2J" + shorter[0]))
  }
}
