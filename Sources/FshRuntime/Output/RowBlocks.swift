import Foundation

/// A long listing written by two threads: the rows go in blocks, a second thread writing every
/// other block into a buffer of its own while the calling thread writes the rest straight to
/// the output, and the blocks reach the output in order. The machine has cores to spare once
/// the lists are read, and a table, CSV or JSON of 100 000 rows is then most of what is left.
package enum RowBlocks {
  /// Rows a block (a few hundred KiB of table, about a MiB of JSON).
  static let size = 4096

  /// Calls `write` for consecutive ranges covering `0..<count`, in order as far as `out` sees.
  /// `write` runs on two threads at once (it must only read what it shares) and writes its
  /// range's bytes to the `ChunkedOutput` it is given. At most two of the second thread's
  /// blocks wait to be written, so the memory held is a few blocks whatever the count.
  static func write(
    _ count: Int, to out: inout ChunkedOutput,
    _ write: @escaping (Range<Int>, inout ChunkedOutput) -> Void
  ) {
    let blocks = (count + size - 1) / size
    @Sendable func range(_ b: Int) -> Range<Int> { b * size..<min(count, (b + 1) * size) }
    guard blocks > 2 else {
      write(0..<count, &out)
      return
    }
    let handoff = Handoff()
    let helper = Thread {
      // Room for a block as large as the last one and an eighth more: a block grown from
      // 64 KiB to 2 MiB by doubling copied it all again (a JSON block is about 2 MiB).
      var last = 0
      for b in stride(from: 1, to: blocks, by: 2) {
        handoff.condition.lock()
        while handoff.ready.count >= 2 { handoff.condition.wait() }
        handoff.condition.unlock()
        var mine = ChunkedOutput(bytes: { _ in })
        mine.flushes = false
        mine.bytes.reserveCapacity(last + last / 8)
        write(range(b), &mine)
        last = mine.bytes.count
        handoff.condition.lock()
        handoff.ready[b] = mine.bytes
        handoff.condition.broadcast()
        handoff.condition.unlock()
      }
    }
    helper.name = "fsh-rows"
    helper.start()
    for b in 0..<blocks {
      if b % 2 == 0 {
        write(range(b), &out)
        continue
      }
      handoff.condition.lock()
      while handoff.ready[b] == nil { handoff.condition.wait() }
      let bytes = handoff.ready.removeValue(forKey: b)!
      handoff.condition.broadcast()
      handoff.condition.unlock()
      // Handed on as it is (after what the output holds), not copied into the output.
      out.flush()
      bytes.withUnsafeBufferPointer(out.sink)
    }
  }

  /// `work` over the two halves of `0..<count`, at once when there are more than two blocks of
  /// rows (`work` must only read what it shares).
  package static func halves<T>(_ count: Int, _ work: (Range<Int>) -> T) -> [T] {
    guard count > 2 * size else { return [work(0..<count)] }
    let middle = count / 2
    var results = [T?](repeating: nil, count: 2)
    results.withUnsafeMutableBufferPointer { results in
      let results = results
      DispatchQueue.concurrentPerform(iterations: 2) { half in
        results[half] = work(half == 0 ? 0..<middle : middle..<count)
      }
    }
    return results.map { $0! }
  }

  private final class Handoff: @unchecked Sendable {
    let condition = NSCondition()
    var ready: [Int: [UInt8]] = [:]
  }
}
