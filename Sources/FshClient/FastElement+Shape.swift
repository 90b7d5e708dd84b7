// The layout of a list's entries, learnt from the last one. A control service writes every
// entry of a list with the same keys in the same order and the same spacing (upstream's
// `json.dumps` does); only the values change. Once a plain entry has been read key by key
// (`PlainEntry.read`), the bytes around its values are kept, and the next entry is read by
// comparing those bytes and reading only the values: no key to match, no space to skip. The
// values are read exactly as the key-by-key reader reads them (a string of printable ASCII
// with no escape, a plain integer, `true` or `false`), so the entry read is the same; any other
// byte, and the entry is read key by key and its layout kept instead.
import FshJSON

struct EntryShape: Sendable {
  /// The values of an entry being read key by key, in order: which key, and where.
  struct Values: Sendable {
    private(set) var count = 0
    private var slots: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
      0, 0, 0, 0, 0, 0, 0, 0
    )
    /// A value too far into its bytes for a slot (a body handed over whole): no layout kept.
    private(set) var tooFar = false

    mutating func add(_ key: ElementKey, _ start: Int, _ end: Int) {
      guard count < 8, end < 1 << 28 else {
        tooFar = true
        return
      }
      let slot = UInt64(key.rawValue) | UInt64(start) << 8 | UInt64(end) << 36
      withUnsafeMutableBytes(of: &slots) {
        $0.storeBytes(of: slot, toByteOffset: 8 * count, as: UInt64.self)
      }
      count += 1
    }

    func value(_ k: Int) -> (key: UInt8, start: Int, end: Int) {
      let slot = withUnsafeBytes(of: slots) { $0.load(fromByteOffset: 8 * k, as: UInt64.self) }
      return (
        UInt8(truncatingIfNeeded: slot), Int((slot >> 8) & 0xFFF_FFFF), Int(slot >> 36)
      )
    }
  }

  /// Owns the layout's memory: the bytes around the values (at most `literalRoom`), where
  /// each piece ends (UInt16s) and each value's key. Written only by the thread reading the
  /// list, while it reads it; the columns handed on never write it again.
  private final class Storage: @unchecked Sendable {
    let p = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 8)
    deinit { p.deallocate() }
  }
  private static let literalRoom = 256
  private let storage = Storage()
  /// Values in the layout; -1 before one is learnt.
  private var count = -1

  private var literals: UnsafeMutablePointer<UInt8> {
    storage.p.assumingMemoryBound(to: UInt8.self)
  }
  private var ends: UnsafeMutablePointer<UInt16> {
    (storage.p + Self.literalRoom).assumingMemoryBound(to: UInt16.self)
  }
  private var keys: UnsafeMutablePointer<UInt8> {
    (storage.p + Self.literalRoom + 32).assumingMemoryBound(to: UInt8.self)
  }

  /// Keeps the layout of the entry `p[from..<to]` whose values are `values`.
  mutating func learn(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int, _ values: Values) {
    count = -1
    guard !values.tooFar, let base = p.baseAddress else { return }
    var at = from
    var kept = 0
    for k in 0...values.count {
      let (key, start, end) = k < values.count ? values.value(k) : (0, to, to)
      let n = start - at
      guard n >= 0, kept + n <= Self.literalRoom else { return }
      (literals + kept).update(from: base + at, count: n)
      kept += n
      ends[k] = UInt16(kept)
      keys[k] = key
      at = end
    }
    count = values.count
  }

  /// The entry at `i` when it has the layout learnt; nil otherwise (nothing read).
  func read(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> PlainEntry? {
    guard count > 0, let base = p.baseAddress else { return nil }
    var e = PlainEntry()
    var j = i
    var from = 0
    for k in 0...count {
      let to = Int(ends[k])
      let n = to - from
      guard j + n <= p.count, Self.same(base + j, literals + from, n) else { return nil }
      j += n
      from = to
      if k == count { break }
      // (On the raw value: `ElementKey(rawValue:)` was a call a value.)
      let key = keys[k]
      if key == ElementKey.deleted.rawValue {
        if j + 4 <= p.count && Self.same(base + j, Self.trueBytes, 4) {
          e.deleted = true
          j += 4
        } else if j + 5 <= p.count && Self.same(base + j, Self.falseBytes, 5) {
          j += 5
        } else {
          return nil
        }
      } else if key == ElementKey.maximumSize.rawValue {
        // As `ElementScan.size`: no leading zero.
        guard let (v, end) = JSONParser.plainInteger(p, at: j),
          !(p[j] == UInt8(ascii: "0") && end - j > 1)
        else { return nil }
        e.size = v
        j = end
      } else {
        guard j < p.count, p[j] == UInt8(ascii: "\"") else { return nil }
        let end = JSONParser.plainRun(p, from: j + 1)
        guard end < p.count, p[end] == UInt8(ascii: "\"") else { return nil }
        switch key {
        case ElementKey.datasetID.rawValue: e.id = j + 1..<end
        case ElementKey.primary.rawValue: e.primary = j + 1..<end
        case ElementKey.path.rawValue: e.path = j + 1..<end
        default: e.name = j + 1..<end
        }
        j = end + 1
      }
    }
    e.end = j
    return e.id == nil ? nil : e
  }

  private static let trueBytes = UnsafePointer<UInt8>(("true" as StaticString).utf8Start)
  private static let falseBytes = UnsafePointer<UInt8>(("false" as StaticString).utf8Start)

  /// Equal bytes, eight at a time (the last eight overlapping), then one at a time below 8.
  @inline(__always) private static func same(
    _ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int
  ) -> Bool {
    if n < 8 {
      for k in 0..<n where a[k] != b[k] { return false }
      return true
    }
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    var k = 0
    while k + 8 <= n {
      if ra.loadUnaligned(fromByteOffset: k, as: UInt64.self)
        != rb.loadUnaligned(fromByteOffset: k, as: UInt64.self)
      {
        return false
      }
      k += 8
    }
    return k == n
      || ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
  }
}
