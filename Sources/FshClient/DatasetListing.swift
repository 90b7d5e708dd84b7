// `datasets` over a cluster of any size: the three lists merged into rows with no model per
// dataset. The columns are joined by the ids' bytes and sorted by the names' bytes; the result
// is exactly `ClusterView`'s (row `r` is its `datasets[r]`: `view(_:)` builds that view, and
// the tests compare the two).
import Foundation
import FshJSON
import FshModel
import Synchronization

/// The merged dataset lists, one row a dataset in `ClusterView`'s order (by name, then id).
package final class DatasetListing: Sendable {
  let configuration: ConfigurationColumns
  let state: StateColumns
  /// Nodes with a live agent, sorted by id (as `ClusterView.nodes`).
  package let nodes: [Node]
  package let tag: String?
  /// Configuration positions in the listing's order.
  let order: [Int32]
  /// Per row: the state entry (the mounted one when the state lists the dataset twice), -1.
  let stateRow: [Int32]
  package let statuses: [DatasetStatus]
  /// Each row's fields in one record (see `ListingEntry`).
  package let entries: [ListingEntry]
  /// Per configured node id (its number in the configuration's `nodeIDs`): the node when it
  /// reports, and the primary as the view holds it.
  let configuredNodes: [Node?]
  let primaries: [String]
  /// Per attached node id (its number in the state's `nodeIDs`): the node (host "" when it is
  /// not in the node list).
  let attachedNodes: [Node]

  package var count: Int { order.count }

  /// Reads the three lists (side by side, as `ClusterView.load`) and merges them.
  package static func load(
    _ client: FlockerClient, timing: ((String, Double) -> Void)? = nil
  ) throws -> DatasetListing {
    let lists = try ClusterLists.read(
      client, timing: timing, timed: ClusterView.timed(client, timing),
      configuration: { client, assist in
        let (columns, response) = try client.streamedList(
          "/v1/configuration/datasets", into: ConfigurationColumns.self, assist: assist)
        return (columns, response.header("X-Configuration-Tag"))
      },
      state: { client, assist in
        // The state's table by id is made on the thread that read it (it is done first).
        let state = try client.streamedList(
          "/v1/state/datasets", into: StateColumns.self, assist: assist
        ).0
        return (state, IDTable(state))
      })
    let start = DispatchTime.now().uptimeNanoseconds
    let listing = DatasetListing(lists)
    timing?("merge and sort", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    return listing
  }

  init(_ lists: ClusterLists<ConfigurationColumns, (StateColumns, IDTable)>) {
    let c = lists.configuration
    let (s, stateByID) = lists.state
    let nodes = lists.nodes
    // The node `ClusterView` finds for an id: the last one with that id.
    var nodeByID: [String: Int] = [:]
    for n in nodes.indices { nodeByID[nodes[n].uuid] = n }
    let configured = c.nodeIDs.strings.map { id in nodeByID[id].map { nodes[$0] } }
    let primaries = zip(configured, c.nodeIDs.strings).map { $0?.uuid ?? $1 }
    let attached = s.nodeIDs.strings.map { id in
      nodeByID[id].map { nodes[$0] } ?? Node(uuid: id, host: "")
    }
    // Node ids compared as `String ==` compares them, by number.
    var canonical: [String: Int32] = [:]
    func number(_ id: String) -> Int32 {
      if let n = canonical[id] { return n }
      canonical[id] = Int32(canonical.count)
      return Int32(canonical.count - 1)
    }
    let configuredNumber = primaries.map(number)
    let attachedNumber = attached.map { number($0.uuid) }

    // The order by name, and each configuration entry's state entry (`rowOf`), side by side:
    // one thread sorts while the other looks ids up, then joins it (batches taken in turn).
    let sorted = SortedOrder()
    var rowOf = [Int32](repeating: -1, count: c.count)
    rowOf.withUnsafeMutableBufferPointer { rowOf in
      c.bytes.withUnsafeBufferPointer { bytes in
        let rowOf = rowOf
        let next = Atomic<Int>(0)
        let batch = 4096
        eachHalf(c.count) { range in
          if range.lowerBound == 0 { sorted.order = Self.nameOrder(c) }
          while true {
            let from = next.wrappingAdd(batch, ordering: .relaxed).oldValue
            if from >= c.count { break }
            stateByID.lookUp(
              from..<min(from + batch, c.count),
              key: { UnsafeBufferPointer(rebasing: bytes[c.idKey($0).range]) }, into: rowOf)
          }
        }
      }
    }
    let order = sorted.order

    // Each configuration entry's status and record, in the configuration's order (its bytes
    // read from start to end, not in name order), the two halves at once; each record written
    // where its row is.
    // Whether each configured node reports (a `Bool`: reading a `Node?` on two threads at
    // once counted references to its strings, a cache line both cores write).
    let reports = configured.map { $0 != nil }
    // Each configuration entry's row, so that the join writes its record in row order.
    var rowAt = [Int32](repeating: 0, count: c.count)
    for (r, n) in order.enumerated() { rowAt[Int(n)] = Int32(r) }
    let entries = [ListingEntry](unsafeUninitializedCapacity: c.count) { entries, done in
      adviseHugePages(entries.baseAddress, MemoryLayout<ListingEntry>.stride * c.count)
      rowOf.withUnsafeBufferPointer { rowOf in
        let entries = entries
        eachHalf(c.count) { range in
          stateByID.records.withUnsafeBufferPointer { records in
            for n in range {
              let row = rowOf[n]
              let primary = c.primaries[n]
              let reporting = primary >= 0 && reports[Int(primary)]
              let record = row >= 0 ? records[Int(row)] : nil
              var entry = ListingEntry(c, n, record)
              let attached = record?.attached ?? -1
              entry.status = DatasetStatus.rule(
                deleted: c.flags[n].contains(.deleted), listed: row >= 0,
                configuredNodeReporting: reporting, mounted: attached >= 0,
                onConfiguredNode: primary >= 0
                  && attachedNumber[Int(attached)] == configuredNumber[Int(primary)])
              // Written where its row is (a store does not wait for memory as a load does).
              (entries.baseAddress! + Int(rowAt[n])).initialize(to: entry)
            }
          }
        }
      }
      done = c.count
    }
    let stateRow = order.map { rowOf[Int($0)] }
    self.entries = entries
    let statuses = entries.map(\.status)
    configuration = c
    state = s
    self.nodes = nodes.sorted { $0.uuid < $1.uuid }
    tag = lists.tag
    self.order = order
    self.stateRow = stateRow
    self.statuses = statuses
    configuredNodes = configured
    self.primaries = primaries
    attachedNodes = attached
  }

  /// Positions in a stable order: by name (unnamed last), then id, as `String` orders them
  /// (NFC bytes). Each name's first 16 bytes are read once into the sort key; the bytes are
  /// compared only past them.
  static func nameOrder(_ c: ConfigurationColumns) -> [Int32] {
    var keys: [NameKey] = []
    keys.reserveCapacity(c.count)
    c.bytes.withUnsafeBufferPointer { b in
      for n in 0..<c.count {
        guard let span = c.nameKey(n) else {
          // After every name: no UTF-8 holds the byte 0xFF.
          keys.append(NameKey(p0: .max, p1: .max, count: -1, position: Int32(n)))
          continue
        }
        var p0: UInt64 = 0
        var p1: UInt64 = 0
        let r = span.range
        for k in 0..<min(16, r.count) {
          let byte = UInt64(b[r.lowerBound + k])
          if k < 8 {
            p0 |= byte << (56 - 8 * UInt64(k))
          } else {
            p1 |= byte << (120 - 8 * UInt64(k))
          }
        }
        keys.append(NameKey(p0: p0, p1: p1, count: span.count, position: Int32(n)))
      }
    }
    c.bytes.withUnsafeBufferPointer { b in
      func compare(_ x: ByteSpan, _ y: ByteSpan) -> Int32 {
        let m = Int(min(x.count, y.count))
        let d = m == 0 ? 0 : memcmp(b.baseAddress! + Int(x.start), b.baseAddress! + Int(y.start), m)
        if d != 0 { return d }
        return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
      }
      func less(_ a: NameKey, _ z: NameKey) -> Bool {
        if (a.count < 0) != (z.count < 0) { return z.count < 0 }
        if a.count >= 0 {
          if a.p0 != z.p0 { return a.p0 < z.p0 }
          if a.p1 != z.p1 { return a.p1 < z.p1 }
          if a.count <= 16 && z.count <= 16 {
            if a.count != z.count { return a.count < z.count }
          } else {
            let d = compare(c.nameKey(Int(a.position))!, c.nameKey(Int(z.position))!)
            if d != 0 { return d < 0 }
          }
        }
        return compare(c.idKey(Int(a.position)), c.idKey(Int(z.position))) < 0
      }
      // By the 16-byte prefixes, radix-sorted (stable); then each run of equal prefixes by
      // the whole comparison.
      radixSort(&keys)
      var from = 0
      while from < keys.count {
        var to = from + 1
        while to < keys.count && keys[to].p0 == keys[from].p0 && keys[to].p1 == keys[from].p1 {
          to += 1
        }
        if to - from > 1 { keys[from..<to].sort(by: less) }
        from = to
      }
    }
    return keys.map(\.position)
  }
}

/// A name's sort key: its first 16 bytes (big-endian, zero-padded), its length (-1: none)
/// and its configuration position.
struct NameKey {
  var p0: UInt64
  var p1: UInt64
  var count: Int32
  var position: Int32
}

/// Sorts by (`p0`, `p1`), stable: least significant byte first, one pass a byte, a byte that is
/// the same in every key skipped (names share most of theirs: `vol-` and zero padding). For
/// 100 000 names this is a few passes over 2.4 MB where a comparison sort made 17.
func radixSort(_ keys: inout [NameKey]) {
  let n = keys.count
  guard n > 1 else { return }
  var counts = [Int](repeating: 0, count: 16 * 256)
  @inline(__always) func byte(_ k: NameKey, _ d: Int) -> Int {
    Int(truncatingIfNeeded: (d < 8 ? k.p1 >> (8 * UInt64(d)) : k.p0 >> (8 * UInt64(d - 8))) & 0xFF)
  }
  keys.withUnsafeBufferPointer { k in
    counts.withUnsafeMutableBufferPointer { c in
      for key in k {
        for d in 0..<8 {
          c[d * 256 + Int(truncatingIfNeeded: (key.p1 >> (8 * UInt64(d))) & 0xFF)] += 1
          c[(d + 8) * 256 + Int(truncatingIfNeeded: (key.p0 >> (8 * UInt64(d))) & 0xFF)] += 1
        }
      }
    }
  }
  var other = [NameKey](repeating: NameKey(p0: 0, p1: 0, count: 0, position: 0), count: n)
  for d in 0..<16 {
    let base = d * 256
    // A byte every key has alike orders nothing.
    if (0..<256).contains(where: { counts[base + $0] == n }) { continue }
    var start = [Int](repeating: 0, count: 256)
    var sum = 0
    for b in 0..<256 {
      start[b] = sum
      sum += counts[base + b]
    }
    keys.withUnsafeBufferPointer { from in
      other.withUnsafeMutableBufferPointer { to in
        start.withUnsafeMutableBufferPointer { start in
          for key in from {
            let b = byte(key, d)
            to[start[b]] = key
            start[b] += 1
          }
        }
      }
    }
    swap(&keys, &other)
  }
}

/// The sort's result, handed from the thread that made it (read once both threads are done).
private final class SortedOrder: @unchecked Sendable {
  var order: [Int32] = []
}

/// What `IDTable.lookUp` read ahead (kept, so that the reads are not left out).
private let lookedUp = Atomic<UInt64>(0)

/// Past this many entries, `eachHalf` runs its halves at once.
private let halvesFrom = 8192

/// `body` over the two halves of `0..<count` at once (one call below `halvesFrom`): both cores
/// for work that only reads what it shares and writes its own half.
func eachHalf(_ count: Int, _ body: (Range<Int>) -> Void) {
  guard count > halvesFrom else { return body(0..<count) }
  let middle = count / 2
  DispatchQueue.concurrentPerform(iterations: 2) { body($0 == 0 ? 0..<middle : middle..<count) }
}

/// State entries by id: open addressing over the ids' NFC bytes (what `String` hashes), one
/// hash an entry; a mounted entry is kept over an unmounted one seen after it. A slot holds the
/// entry and the top half of its id's hash, so a probe reads another entry's bytes only when
/// the two hashes agree (at 100 000 entries those bytes are a cache miss each).
struct IDTable: Sendable {
  /// 0 for empty, else the hash's top 32 bits, then the entry + 1.
  private var slots: [UInt64]
  private let mask: Int
  private let state: StateColumns

  /// Each entry's `idKey`.
  private let keys: [ByteSpan]
  /// Each entry's fields the join reads.
  let records: [StateRecord]

  init(_ state: StateColumns) {
    self.state = state
    // (The ids themselves when all are ASCII, as they are from any Flocker: shared, not copied.)
    keys = state.idKeys.isEmpty ? state.ids : (0..<state.count).map(state.idKey)
    records = (0..<state.count).map { StateRecord(state, $0) }
    var capacity = 16
    while capacity < 2 * state.count { capacity *= 2 }
    mask = capacity - 1
    slots = Self.slots(state, mask: mask)
  }

  private static func slots(_ state: StateColumns, mask: Int) -> [UInt64] {
    var slots = [UInt64](repeating: 0, count: mask + 1)
    state.bytes.withUnsafeBufferPointer { b in
      for n in 0..<state.count {
        let key = UnsafeBufferPointer(rebasing: b[state.idKey(n).range])
        let hash = Self.hash(key)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var h = Int(truncatingIfNeeded: hash) & mask
        while true {
          let slot = slots[h]
          if slot == 0 {
            slots[h] = tag | UInt64(n + 1)
            break
          }
          let seen = Int(slot & 0xFFFF_FFFF) - 1
          if slot & 0xFFFF_FFFF_0000_0000 == tag
            && Self.same(key, UnsafeBufferPointer(rebasing: b[state.idKey(seen).range]))
          {
            if !(state.primaries[seen] >= 0 && state.primaries[n] < 0) {
              slots[h] = tag | UInt64(n + 1)
            }
            break
          }
          h = (h + 1) & mask
        }
      }
    }
    return slots
  }

  /// The entry of each `key(n)` for `n` in `range` into `rows[n]` (-1 for none). Each lookup is
  /// a chain of cache misses (a slot, the entry's span, its id's bytes) over 100 000 entries:
  /// they go in batches of 64, each link of the chain read for the whole batch in a loop of its
  /// own (many misses in flight at once), then the lookups, from the cache. Over pointers taken
  /// once: two threads looking ids up at once count no reference to the same arrays.
  func lookUp(
    _ range: Range<Int>, key: (Int) -> UnsafeBufferPointer<UInt8>,
    into rows: UnsafeMutableBufferPointer<Int32>
  ) {
    state.bytes.withUnsafeBufferPointer { b in
      slots.withUnsafeBufferPointer { slots in
        keys.withUnsafeBufferPointer { keys in
          let mask = mask
          var hashes = [UInt64](repeating: 0, count: 64)
          var read: UInt64 = 0
          hashes.withUnsafeMutableBufferPointer { hashes in
            var from = range.lowerBound
            while from < range.upperBound {
              let to = min(from + 64, range.upperBound)
              for n in from..<to {
                let hash = Self.hash(key(n))
                hashes[n - from] = hash
                read ^= slots[Int(truncatingIfNeeded: hash) & mask]
              }
              for k in 0..<(to - from) {
                let slot = slots[Int(truncatingIfNeeded: hashes[k]) & mask]
                if slot != 0 { read ^= UInt64(keys[Int(slot & 0xFFFF_FFFF) - 1].start) }
              }
              for k in 0..<(to - from) {
                let slot = slots[Int(truncatingIfNeeded: hashes[k]) & mask]
                if slot != 0, let start = b.baseAddress {
                  read ^= UInt64(start[Int(keys[Int(slot & 0xFFFF_FFFF) - 1].start)])
                }
              }
              for n in from..<to {
                rows[n] = Self.find(key(n), hashes[n - from], slots, mask, keys, b)
              }
              from = to
            }
          }
          lookedUp.store(read, ordering: .relaxed)
        }
      }
    }
  }

  @inline(__always) private static func find(
    _ key: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ slots: UnsafeBufferPointer<UInt64>,
    _ mask: Int, _ keys: UnsafeBufferPointer<ByteSpan>, _ b: UnsafeBufferPointer<UInt8>
  ) -> Int32 {
    let tag = hash & 0xFFFF_FFFF_0000_0000
    var h = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = slots[h]
      if slot == 0 { return -1 }
      if slot & 0xFFFF_FFFF_0000_0000 == tag {
        let seen = Int(slot & 0xFFFF_FFFF) - 1
        if same(key, UnsafeBufferPointer(rebasing: b[keys[seen].range])) { return Int32(seen) }
      }
      h = (h + 1) & mask
    }
  }

  /// Equal bytes, compared eight at a time (ids are 36 bytes: a `memcmp` call costs more).
  static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
    let ra = UnsafeRawPointer(pa)
    let rb = UnsafeRawPointer(pb)
    var k = 0
    while k + 8 <= a.count {
      if ra.loadUnaligned(fromByteOffset: k, as: UInt64.self)
        != rb.loadUnaligned(fromByteOffset: k, as: UInt64.self)
      {
        return false
      }
      k += 8
    }
    while k < a.count {
      if pa[k] != pb[k] { return false }
      k += 1
    }
    return true
  }

  /// 64-bit words multiplied and folded (the ids are 36 random hex digits: any mix will do).
  static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
    guard let base = p.baseAddress else { return h }
    let raw = UnsafeRawPointer(base)
    var k = 0
    while k + 8 <= p.count {
      h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      k += 8
    }
    while k < p.count {
      h = (h ^ UInt64(p[k])) &* 0x0000_0100_0000_01B3
      k += 1
    }
    h ^= h >> 29
    return h &* 0xC4CE_B9FE_1A85_EC53
  }
}
