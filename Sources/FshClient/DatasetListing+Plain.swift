// A listing's rows as one record each, in row order, for the writers of 100 000 rows. The
// columns are in the order the lists came in, a field an array; rows are written in name
// order, so each field a writer read from them was a cache miss (a dozen a row). The join,
// which walks the configuration in its own order, puts each entry's fields in one record;
// each record is written where its row is. A writer reads the records in order
// and, for the ids, names and paths, the bytes they point to.
import Dispatch
import FshJSON
import FshModel

/// Row `r`'s fields, as `DatasetListing`'s accessors give them.
package struct ListingEntry: Sendable {
  /// The id's and the name's bytes in `DatasetListing.withBytes`' first buffer, the path's in
  /// the second; a count of -1 for none (never for the id).
  package var id = ByteSpan.none
  package var name = ByteSpan.none
  package var path = ByteSpan.none
  /// The metadata object's own bytes (in the first buffer) when it has keys other than `name`.
  package var metadata = ByteSpan.none
  /// 0 when there is none (`hasSize`, `hasActualSize`).
  package var size = 0
  package var actualSize = 0
  /// `DatasetListing.primaryNumber` and `attachedNumber`.
  package var primary: Int32 = -1
  package var attached: Int32 = -1
  package var status = DatasetStatus.unknown
  package var bits: UInt8 = 0

  package static let deleted: UInt8 = 1
  /// Metadata with keys other than `name`.
  package static let otherMetadata: UInt8 = 2
  /// The id, the name (when there is one) and the path (when there is one) are printable
  /// ASCII: a byte a column, nothing to escape for a terminal.
  package static let plain: UInt8 = 4
  package static let hasSize: UInt8 = 8
  package static let hasActualSize: UInt8 = 16
  /// The id, the name and the path hold no `"` and no `\`: a JSON writer copies them as they
  /// are, without looking.
  package static let bare: UInt8 = 32

  package func has(_ bit: UInt8) -> Bool { bits & bit != 0 }

  init() {}

  /// The configuration's entry `n`, with the state's entry (nil for none).
  @inline(__always) init(_ c: ConfigurationColumns, _ n: Int, _ s: StateRecord?) {
    let f = c.flags[n]
    id = c.ids[n]
    name = c.names[n]
    if f.contains(.hasSize) {
      size = c.sizes[n]
      bits |= Self.hasSize
    }
    primary = c.primaries[n]
    if f.contains(.deleted) { bits |= Self.deleted }
    if !c.metadata[n].isNone {
      bits |= Self.otherMetadata
      metadata = c.metadata[n]
    }
    var plain = f.contains(.idPlain) && (name.isNone || f.contains(.textPlain))
    var bare = f.contains(.idBare) && (name.isNone || f.contains(.textBare))
    if let s {
      attached = s.attached
      path = s.path
      if s.flags.contains(.hasSize) {
        actualSize = s.size
        bits |= Self.hasActualSize
      }
      plain = plain && (path.isNone || s.flags.contains(.textPlain))
      bare = bare && (path.isNone || s.flags.contains(.textBare))
    }
    if plain { bits |= Self.plain }
    if bare { bits |= Self.bare }
  }
}

extension ListingEntry {
  /// A metadata object's pairs (ranges of `p`), sorted by key, when every key and value is a
  /// plain string (printable ASCII with no escape, so no `"` and no `\`: a JSON writer copies
  /// it as it is) and no key is there twice; nil for anything else, an empty object too.
  package static func plainMetadataPairs(
    _ p: UnsafeBufferPointer<UInt8>
  ) -> [(key: Range<Int>, value: Range<Int>)]? {
    var s = ElementScan(p: p, i: 0)
    var pairs: [(key: Range<Int>, value: Range<Int>)] = []
    guard s.byte(UInt8(ascii: "{")), !s.byte(UInt8(ascii: "}")) else { return nil }
    repeat {
      guard let key = s.plainString(), s.byte(UInt8(ascii: ":")), let value = s.plainString()
      else { return nil }
      pairs.append((key, value))
    } while s.byte(UInt8(ascii: ","))
    guard s.byte(UInt8(ascii: "}")) else { return nil }
    func less(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
      let n = min(a.count, b.count)
      for k in 0..<n where p[a.lowerBound + k] != p[b.lowerBound + k] {
        return p[a.lowerBound + k] < p[b.lowerBound + k]
      }
      return a.count < b.count
    }
    pairs.sort { less($0.key, $1.key) }
    for k in pairs.indices.dropFirst() where !less(pairs[k - 1].key, pairs[k].key) { return nil }
    return pairs
  }
}

/// What the join reads of a state entry, in one record: made in the state's order on the
/// thread that read it (most often while the configuration still arrives), so that the join,
/// which finds state entries all over the list, reads one record a lookup and not four arrays.
struct StateRecord: Sendable {
  var path: ByteSpan
  var size: Int
  var attached: Int32
  var flags: ListingFlags

  init(_ s: StateColumns, _ n: Int) {
    path = s.paths[n]
    size = s.sizes[n]
    attached = s.primaries[n]
    flags = s.flags[n]
  }

}

extension DatasetListing {
  /// The configuration's bytes (ids and names) and the state's (paths), for `entries`' spans.
  package func withBytes<T>(
    _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> T
  ) -> T {
    configuration.bytes.withUnsafeBufferPointer { c in
      state.bytes.withUnsafeBufferPointer { s in body(c, s) }
    }
  }
}
