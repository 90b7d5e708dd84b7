// A list's decoding handed over to another thread part-way (`StreamingArrayDecoder.assist`,
// `ListAssist`) gives exactly the columns of the list decoded on one thread.
import Foundation
import Testing

@testable import FshClient

@Suite struct DecodeAssistTests {
  /// A configuration list of `count` entries, a few of them not plain (read the general way).
  static func body(_ count: Int) -> [UInt8] {
    let entries = (0..<count).map { n -> String in
      let id = String(format: "%08x-1111-4111-8111-%012x", n, n)
      let name = n % 97 == 0 ? #"caf\u00e9-\#(n)"# : "vol-\(n)"
      let extra = n % 89 == 0 ? #", "team": "t\#(n)""# : ""
      return
        #"{"deleted": \#(n % 50 == 0), "dataset_id": "\#(id)", "maximum_size": \#(n * 4096), "primary": "aaaaaaaa-0000-4000-8000-00000000000\#(n % 7)", "metadata": {"name": "\#(name)"\#(extra)}}"#
    }
    return Array("[\(entries.joined(separator: ", "))]".utf8)
  }

  /// Feeds `body` in chunks of `chunk` bytes on this thread; once `handOverAfter` chunks are in,
  /// another thread takes the decoding over. `restartAt`: the transfer starts over at that
  /// chunk (a retry), from offset 0.
  static func decode(
    _ body: [UInt8], chunk: Int, handOverAfter: Int?, restartAt: Int? = nil
  ) throws -> [String] {
    let decoder = StreamingArrayDecoder<ConfigurationColumns>()
    let helper = Thread { decoder.assist() }
    var fed = 0
    var offsets = Array(stride(from: 0, to: body.count, by: chunk))
    if let restartAt { offsets = Array(offsets[..<restartAt]) + offsets }
    body.withUnsafeBufferPointer { p in
      for at in offsets {
        if fed == handOverAfter { helper.start() }
        let end = min(at + chunk, p.count)
        decoder.feed(
          UnsafeBufferPointer(rebasing: p[at..<end]), at: at, length: at == 0 ? p.count : nil)
        fed += 1
      }
    }
    if handOverAfter != nil && fed <= handOverAfter! { helper.start() }
    decoder.endTransfer()
    return EntryShapeTests.configuration(try decoder.finish())
  }

  @Test(arguments: [0, 1, 7, 60])
  func aListHandedOverPartWayDecodesAsOnOneThread(after: Int) throws {
    let body = Self.body(3000)
    let alone = try Self.decode(body, chunk: 4096, handOverAfter: nil)
    #expect(alone.count == 3000)
    // Chunks of odd sizes, so that entries are cut anywhere.
    for chunk in [4096, 1000, 16_411] {
      let helped = try Self.decode(body, chunk: chunk, handOverAfter: after)
      #expect(helped == alone, "chunks of \(chunk), handed over after \(after)")
    }
  }

  @Test func aRetryAfterTheHandOverStartsTheListOver() throws {
    let body = Self.body(500)
    let alone = try Self.decode(body, chunk: 4096, handOverAfter: nil)
    let helped = try Self.decode(body, chunk: 4096, handOverAfter: 2, restartAt: 5)
    #expect(helped == alone)
  }

  @Test func aHelperThatComesAfterTheTransferReturnsAtOnce() throws {
    let decoder = StreamingArrayDecoder<ConfigurationColumns>()
    let body = Self.body(10)
    body.withUnsafeBufferPointer { decoder.feed($0, at: 0, length: body.count) }
    decoder.endTransfer()
    decoder.assist()  // hang guard: the suite's time limit
    #expect(try decoder.finish().count == 10)
  }

  /// How long a helper may take to return once it should (a hang guard, not a speed goal).
  static let hangGuard = DispatchTimeInterval.seconds(60)

  @Test func listAssistHelpReturnsOnceTheListIsClosed() {
    // Closed before any decoder: help returns at once.
    let closed = ListAssist()
    closed.close()
    closed.help()
    // Help waiting for a decoder that never comes returns when the reading closes it.
    let waiting = ListAssist()
    let returned = DispatchSemaphore(value: 0)
    let started = DispatchSemaphore(value: 0)
    Thread {
      started.signal()
      waiting.help()
      returned.signal()
    }.start()
    started.wait()
    waiting.close()
    #expect(returned.wait(timeout: .now() + Self.hangGuard) == .success)
  }

  @Test func aSlowHelperHoldsTheTransferAtTheQueueLimit() throws {
    // The helper starts late and the feeding thread must wait for it past the limit; the
    // result is still the whole list.
    let body = Self.body(60_000)
    #expect(body.count > 2 * StreamingArrayDecoder<ConfigurationColumns>.queueLimit)
    let alone = try Self.decode(body, chunk: 16_384, handOverAfter: nil)
    let helped = try Self.decode(body, chunk: 16_384, handOverAfter: 3)
    #expect(helped == alone)
  }
}
