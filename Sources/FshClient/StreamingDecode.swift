// Decoding a listing while its bytes arrive. A 100 000-dataset configuration is 25 MB; read
// whole and then decoded, the decoding waits for the last byte and the bytes wait for the
// decoding. Here the transport hands each chunk over as it comes: every element whose bytes
// are complete is decoded at once, and only the unfinished element is kept.
import Foundation
import FshJSON
import FshModel

#if canImport(Glibc)
  import Glibc
#endif

/// Where a streamed list's elements go: an array of models, or columns (DatasetListing.swift).
protocol ListElementSink {
  init()
  /// Reads one element. When it throws (most often: the element's bytes are not all in yet),
  /// nothing of the element may be kept: the same bytes are read again with more after them.
  mutating func read(_ r: inout JSONParser) throws
  /// The whole body will be about `scale` times the bytes read so far (`bodyLength` bytes in
  /// all): room for what is to come can be made at once (one allocation a column instead of a
  /// series of doublings, each copying what was read and touching new pages).
  mutating func reserve(scale: Double, bodyLength: Int)
}

extension ListElementSink {
  mutating func reserve(scale: Double, bodyLength: Int) {}
}

/// `reserve(scale:)` for one column: its present count times `scale`, and a little more.
func reserve<T>(_ column: inout [T], scale: Double) {
  let wanted = Int(Double(column.count) * scale * 1.02) + 16
  if wanted > column.capacity {
    column.reserveCapacity(wanted)
    column.withUnsafeMutableBufferPointer {
      adviseHugePages($0.baseAddress, MemoryLayout<T>.stride * wanted)
    }
  }
}

/// Asks the kernel to back the 2 MiB-aligned part of `bytes` at `p` with huge pages (when the
/// system has them on request, as Debian does: `madvise`): a 19 MB list's columns then fault
/// in a few times instead of thousands.
func adviseHugePages(_ p: UnsafeMutableRawPointer?, _ bytes: Int) {
  guard let p, bytes >= 4 << 20 else { return }
  let huge = 2 << 20
  let start = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
  let end = (Int(bitPattern: p) + bytes) & ~(huge - 1)
  guard end > start else { return }
  _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
}

func adviseHugePages<T>(_ p: UnsafeMutablePointer<T>?, _ bytes: Int) {
  adviseHugePages(UnsafeMutableRawPointer(p), bytes)
}

/// The calling thread's heap grown ahead of a large list and asked for huge pages. A 100 000-
/// dataset listing allocates some 30 MB after its first chunk (columns, the state's table, the
/// sort, the records, the output blocks), most of it in arrays of a few hundred KiB to 2 MiB:
/// too small to be huge pages on their own, they faulted in 4 KiB at a time, 7 000 faults a
/// listing and an eighth of its CPU. When the allocator takes blocks of that size from its
/// heaps (as fsh sets it up: `cfsh_tune_malloc`), `prepare` grows the heap by `bytes` (a block
/// allocated and freed at once) and advises huge pages over it; what the thread allocates next
/// is carved from it and faults in 2 MiB at a time. Otherwise (the block is mapped on its own,
/// as glibc's default does past 128 KiB) it does nothing. Each list's columns call it with
/// what that thread will allocate (`reserve(scale:bodyLength:)`); a list of models does not.
enum HugeHeap {
  static func prepare(bytes: Int) {
    #if canImport(Glibc)
      let huge = 2 << 20
      let bytes = min(bytes, 30 << 20)
      guard bytes >= 2 * huge, let p = malloc(bytes) else { return }
      // glibc's chunk header, just before the block: bit 1 of its size is set for a block
      // mapped on its own (unmapped again by `free`).
      let mapped = p.load(fromByteOffset: -MemoryLayout<UInt>.size, as: UInt.self) & 2 != 0
      let block = Int(bitPattern: p)
      free(p)
      guard !mapped else { return }
      let start = (block + huge - 1) & ~(huge - 1)
      let end = (block + bytes) & ~(huge - 1)
      guard end > start else { return }
      _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
    #endif
  }
}

/// The elements as models.
struct ArraySink<T: JSONPullDecodable>: ListElementSink {
  var items: [T] = []
  mutating func read(_ r: inout JSONParser) throws { items.append(try T(json: &r)) }
}

/// Decodes a JSON array from chunks into `Sink`. Offsets in failures count from the body's
/// start.
///
/// Each feed parses as many whole elements as the buffer holds. An element is an object, so a
/// parse that runs out of bytes always fails (its `}` is missing): the decoder then keeps the
/// element's bytes and tries again with the next chunk, with no separate scan of the bytes.
/// A real syntax error stops progress the same way, and `finish` reports it with its offset.
final class StreamingArrayDecoder<Sink: ListElementSink> {
  /// The elements so far (moved out while elements are read: see `decodeWhatIsWhole`).
  private var held: Sink? = Sink()
  /// Bytes received so far.
  private(set) var received = 0
  private var buffer: [UInt8] = []
  /// Body offset of `buffer[0]`.
  private var base = 0
  /// Where decoding resumes in `buffer`: an element's start, or just after an element.
  private var next = 0
  private var opened = false
  private var afterElement = false
  private var sawComma = false
  /// Node ids, shared across the elements (see `StringInterner`).
  private var interner = StringInterner()

  /// The most bytes one unfinished element may hold. A Flocker dataset object is a few KiB at
  /// most (16 metadata pairs of 256 code points); more is a malformed answer, whose bytes are
  /// then no longer kept (`finish` reports the element's error from what was kept), so an
  /// endless or huge wrong answer costs no more memory than this.
  static var stuckLimit: Int { 1 << 20 }
  private var stuck = false

  /// The body's length, when the transport knows it (`Content-Length`): after the first chunk,
  /// the sink reserves room for the rest.
  private var expectedLength: Int?
  private var reserved = false

  /// Handing the decoding over to another thread (`assist`): the chunks queued for it, their
  /// bytes, and where the two threads are. Everything above belongs to whichever thread
  /// decodes: the transfer's while it feeds unhelped (under the lock), then the helper's until
  /// `endTransfer` returns.
  private let condition = NSCondition()
  private var helped = false
  private var helperDone = false
  private var ended = false
  private var queue: [(offset: Int, bytes: [UInt8], length: Int?)] = []
  private var queued = 0
  static var queueLimit: Int { 4 << 20 }

  /// Takes the next chunk; one at offset 0 after others starts the body over (a retry).
  /// `length`, with the first chunk: the body's `Content-Length`, when known. Once another
  /// thread helps (`assist`), the chunk is only queued for it.
  func feed(_ chunk: UnsafeBufferPointer<UInt8>, at offset: Int, length: Int? = nil) {
    condition.lock()
    defer { condition.unlock() }
    guard helped else { return decode(chunk, at: offset, length: length) }
    if let last = queue.last, last.offset + last.bytes.count == offset {
      queue[queue.count - 1].bytes.append(contentsOf: chunk)
    } else {
      queue.append((offset, Array(chunk), length))
    }
    queued += chunk.count
    condition.broadcast()
    // The helper decodes more slowly than the bytes come: past this much waiting, the
    // transfer waits for it (the memory held stays bounded, as the socket bounds it unhelped).
    while queued > Self.queueLimit && !helperDone { condition.wait() }
  }

  /// Decodes the chunks the transfer hands over from now until it ends (`endTransfer`), on the
  /// calling thread; returns at once when the transfer is over. For a thread whose own work is
  /// done while this list still arrives: the receiving thread then only receives, and the
  /// decoding of the rest runs beside it on the other core.
  func assist() {
    condition.lock()
    guard !ended else { return condition.unlock() }
    helped = true
    while true {
      while queue.isEmpty && !ended { condition.wait() }
      if queue.isEmpty { break }
      let work = queue
      queue = []
      queued = 0
      condition.broadcast()
      condition.unlock()
      for (offset, bytes, length) in work {
        bytes.withUnsafeBufferPointer { decode($0, at: offset, length: length) }
      }
      condition.lock()
    }
    helperDone = true
    condition.broadcast()
    condition.unlock()
  }

  /// The transfer is over (whatever its outcome): a helper decodes what is queued and stops;
  /// on return the decoder is the caller's alone again.
  func endTransfer() {
    condition.lock()
    ended = true
    condition.broadcast()
    while helped && !helperDone { condition.wait() }
    condition.unlock()
  }

  private func decode(_ chunk: UnsafeBufferPointer<UInt8>, at offset: Int, length: Int?) {
    if offset == 0 { expectedLength = length }
    if offset == 0 && received > 0 { reset() }
    received += chunk.count
    if stuck { return }
    buffer.append(contentsOf: chunk)
    decodeWhatIsWhole()
    let decoded = base + next
    // (Estimated from 4 KiB at least; the transport only gives a length within its limit.)
    if !reserved, let expectedLength, decoded >= 4096, expectedLength > received {
      reserved = true
      held!.reserve(scale: Double(expectedLength) / Double(decoded), bodyLength: expectedLength)
    }
    if buffer.count - next > Self.stuckLimit { stuck = true }
    // Drop what is decoded; only the unfinished element stays.
    if next > 0 {
      buffer.removeSubrange(0..<next)
      base += next
      next = 0
    }
  }

  private func decodeWhatIsWhole() {
    var r = JSONParser(bytes: buffer)
    r.i = next
    r.depth = 1
    r.interner = interner
    if !opened {
      r.skipSpace()
      guard r.i < buffer.count, buffer[r.i] == UInt8(ascii: "[") else { return }  // see finish
      r.i += 1
      opened = true
      next = r.i
    }
    // The loop on locals, the sink moved out and back: a class's properties are checked for
    // exclusive access at each use, which over 100 000 elements was a few milliseconds.
    var sink = held.take()!
    var next = next
    var afterElement = afterElement
    var sawComma = sawComma
    defer {
      held = sink
      self.next = next
      self.afterElement = afterElement
      self.sawComma = sawComma
    }
    let count = r.bytes.count
    while true {
      r.skipSpace()
      guard r.i < count else { return }
      if afterElement {
        guard r.bytes[r.i] == UInt8(ascii: ",") else { return }  // `]`, or `finish` says why
        r.i += 1
        next = r.i
        afterElement = false
        sawComma = true
        continue
      }
      if !sawComma && r.bytes[r.i] == UInt8(ascii: "]") { return }
      do { try sink.read(&r) } catch { return }  // not all in yet (or malformed)
      afterElement = true
      next = r.i
    }
  }

  /// The elements, once the last chunk is in. What is left is parsed strictly: the remaining
  /// elements, `]` and nothing after it; a failure names its offset in the whole body.
  func finish() throws -> Sink {
    var r = JSONParser(bytes: buffer)
    r.i = next
    r.interner = interner
    var sink = held.take()!
    defer { held = sink }
    do {
      if !opened {
        r.skipSpace()
        guard r.i < buffer.count, buffer[r.i] == UInt8(ascii: "[") else {
          throw JSONParser.Failure(message: "expected an array", offset: r.i)
        }
        r.i += 1
      }
      r.depth = 1
      while true {
        r.skipSpace()
        if !afterElement {
          if !sawComma, r.i < buffer.count, buffer[r.i] == UInt8(ascii: "]") { break }
          try sink.read(&r)
          afterElement = true
          continue
        }
        guard r.i < buffer.count else {
          throw JSONParser.Failure(message: "unexpected end of JSON", offset: r.i)
        }
        if buffer[r.i] == UInt8(ascii: ",") {
          r.i += 1
          afterElement = false
          sawComma = true
          continue
        }
        guard buffer[r.i] == UInt8(ascii: "]") else {
          throw JSONParser.Failure(message: "expected ',' or ']'", offset: r.i)
        }
        break
      }
      r.i += 1
      r.skipSpace()
      if r.i < buffer.count {
        throw JSONParser.Failure(message: "unexpected data after the JSON value", offset: r.i)
      }
    } catch var f as JSONParser.Failure {
      f.offset += base
      throw f
    }
    buffer = []
    return sink
  }

  private func reset() {
    reserved = false
    held = Sink()
    received = 0
    stuck = false
    buffer = []
    base = 0
    next = 0
    opened = false
    afterElement = false
    sawComma = false
    interner = StringInterner()
  }
}

/// What `ListAssist` hands a free thread: a list's decoding to help with.
protocol AssistedDecoding: AnyObject, Sendable {
  func assist()
}

extension StreamingArrayDecoder: AssistedDecoding, @unchecked Sendable {}

/// One list read on one thread, which another thread may help decode once its own work is
/// done (`ClusterLists.read`: the configuration and the state arrive side by side, and the one
/// done first helps the other). The reading thread registers the list's decoder when its
/// transfer starts and closes the assist when its reading is over, whatever the outcome.
final class ListAssist: @unchecked Sendable {
  private let condition = NSCondition()
  private var decoder: AssistedDecoding?
  private var over = false

  func register(_ decoder: AssistedDecoding) {
    condition.lock()
    if !over { self.decoder = decoder }
    condition.broadcast()
    condition.unlock()
  }

  /// The list's reading is over: `help` returns at once from now on.
  func close() {
    condition.lock()
    over = true
    decoder = nil
    condition.broadcast()
    condition.unlock()
  }

  /// Decodes the list's chunks as they come until its transfer ends (at once if it is over).
  func help() {
    condition.lock()
    while decoder == nil && !over { condition.wait() }
    let decoder = decoder
    condition.unlock()
    decoder?.assist()
  }
}

extension FlockerClient {
  /// `GET path`, a JSON array decoded while it arrives (when the transport can stream).
  func streamedList<T: JSONPullDecodable>(_ path: String, of type: T.Type) throws -> (
    [T], HTTPResponse
  ) {
    let (sink, response) = try streamedList(path, into: ArraySink<T>.self)
    return (sink.items, response)
  }

  /// `GET path`, a JSON array read into `Sink` while it arrives. With `assist`, another thread
  /// that becomes free may take the decoding over (`ListAssist.help`).
  func streamedList<Sink: ListElementSink>(
    _ path: String, into: Sink.Type, assist: ListAssist? = nil
  ) throws -> (Sink, HTTPResponse) {
    let request = HTTPRequest(method: "GET", path: path)
    let decoder = StreamingArrayDecoder<Sink>()
    let curl = transport as? CurlTransport
    assist?.register(decoder)
    let response: HTTPResponse
    do {
      defer { decoder.endTransfer() }
      response = try perform(request) { chunk, offset in
        decoder.feed(chunk, at: offset, length: offset == 0 ? curl?.bodyLength : nil)
      }
    }
    try check(request, response, expect: [200], hints: [:])
    do {
      return (try decoder.finish(), response)
    } catch {
      throw Self.badJSON(request, response, underlying: error, bytes: decoder.received)
    }
  }
}
