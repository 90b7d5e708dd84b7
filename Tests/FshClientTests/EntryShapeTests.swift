// A list's entries read by their learnt layout (`EntryShape`) are the entries read key by key.
import Testing

@testable import FshClient
@testable import FshJSON

@Suite struct EntryShapeTests {
  /// What a list's columns hold, entry by entry, or the failure, as text to compare.
  static func read<Sink: ListElementSink>(_ body: String, _ describe: (Sink) -> [String])
    -> [String]
  {
    let decoder = StreamingArrayDecoder<Sink>()
    do {
      Array(body.utf8).withUnsafeBufferPointer { decoder.feed($0, at: 0) }
      return describe(try decoder.finish())
    } catch {
      return ["failed: \(error)"]
    }
  }

  static func configuration(_ c: ConfigurationColumns) -> [String] {
    let nodes = c.nodeIDs.strings
    return (0..<c.count).map { n in
      [
        c.string(c.ids[n]) ?? "-", c.string(c.names[n]) ?? "-", c.string(c.metadata[n]) ?? "-",
        "\(c.sizes[n])", "\(c.flags[n].rawValue)",
        c.primaries[n] < 0 ? "-" : nodes[Int(c.primaries[n])],
      ].joined(separator: "|")
    }
  }

  static func state(_ s: StateColumns) -> [String] {
    let nodes = s.nodeIDs.strings
    return (0..<s.count).map { n in
      [
        s.string(s.ids[n]) ?? "-", s.string(s.paths[n]) ?? "-", "\(s.sizes[n])",
        "\(s.flags[n].rawValue)", s.primaries[n] < 0 ? "-" : nodes[Int(s.primaries[n])],
      ].joined(separator: "|")
    }
  }

  static let base =
    #"{"deleted": false, "dataset_id": "11111111-1111-4111-8111-111111111111", "maximum_size": 1073741824, "primary": "aaaaaaaa-0000-4000-8000-000000000001", "metadata": {"name": "vol-1"}}"#

  /// Entries after `base` with its layout, or nearly: each must read as it reads alone.
  static let next: [String] = [
    #"{"deleted": true, "dataset_id": "22222222-2222-4222-8222-222222222222", "maximum_size": 64, "primary": "aaaaaaaa-0000-4000-8000-000000000002", "metadata": {"name": "vol-2"}}"#,
    #"{"deleted": false, "dataset_id": "33333333-3333-4333-8333-333333333333", "maximum_size": 1, "primary": "aaaaaaaa-0000-4000-8000-000000000001", "metadata": {"name": "say \"hi\""}}"#,
    #"{"deleted": false, "dataset_id": "44444444", "maximum_size": 0123, "primary": "aaaaaaaa-0000-4000-8000-000000000001", "metadata": {"name": "a"}}"#,
    #"{"deleted": false, "dataset_id": "55555555", "maximum_size": null, "primary": "aaaaaaaa-0000-4000-8000-000000000001", "metadata": {"name": "b"}}"#,
    #"{"deleted": false, "dataset_id": "66666666", "maximum_size": 5, "primary": null, "metadata": {"name": "c"}}"#,
    #"{"deleted": false, "dataset_id":  "77777777", "maximum_size": 5, "primary": "p", "metadata": {"name": "d"}}"#,
    #"{"dataset_id": "88888888", "deleted": false, "maximum_size": 5, "primary": "p", "metadata": {"name": "e"}}"#,
    #"{"deleted": false, "dataset_id": "99999999", "maximum_size": 5, "primary": "p", "metadata": {"name": "f", "team": "x"}}"#,
    #"{"deleted": false, "dataset_id": "aaaaaaaa", "maximum_size": 12345678901234567890, "primary": "p", "metadata": {"name": "g"}}"#,
    #"{"deleted": false, "dataset_id": "bbbbbbbb", "maximum_size": -5, "primary": "p", "metadata": {"name": "\u00e9t\u00e9"}}"#,
    #"{"deleted": false, "dataset_id": "cccccccc", "maximum_size": 1.5, "primary": "p", "metadata": {"name": "h"}}"#,
    #"{"deleted": fals, "dataset_id": "dddddddd", "maximum_size": 5, "primary": "p", "metadata": {"name": "i"}}"#,
    #"{"deleted": false, "dataset_id": "eeeeeeee", "maximum_size": 5, "primary": "p", "metadata": {"name": "ünï"}}"#,
    #"{"deleted": false, "dataset_id": "ffffffff", "maximum_size": 5, "primary": "p", "metadata": {"name": "j"}, "extra": 1}"#,
    #"{"deleted": false, "dataset_id": "12121212", "maximum_size": 5, "primary": "p", "metadata": {"name": "k"} }"#,
    #"{"deleted": false, "dataset_id": "13131313", "maximum_size": 5, "primary": "p", "metadata": {}}"#,
  ]

  @Test(arguments: next)
  func aConfigurationEntryAfterAnotherReadsAsItReadsAlone(entry: String) {
    // Three entries: the second is read by the first's layout when it has it; the third has
    // the first's layout again, after whatever the second left.
    let together = Self.read("[\(Self.base), \(entry), \(Self.base)]", Self.configuration)
    let alone =
      Self.read("[\(Self.base)]", Self.configuration) + Self.read("[\(entry)]", Self.configuration)
      + Self.read("[\(Self.base)]", Self.configuration)
    if alone.contains(where: { $0.hasPrefix("failed") }) {
      #expect(together.count == 1 && together[0].hasPrefix("failed"), "\(together)")
    } else {
      #expect(together == alone)
    }
  }

  @Test func aStateIDAtTheEndOfItsPathIsThePathsBytes() throws {
    let id = "2aa80a54-6f89-4069-9903-d01c13240307"
    let body =
      #"[{"path": "/flocker/\#(id)", "dataset_id": "\#(id)", "primary": "n1"}, "#
      + #"{"path": "/elsewhere/x", "dataset_id": "\#(id)", "primary": "n1"}]"#
    let decoder = StreamingArrayDecoder<StateColumns>()
    Array(body.utf8).withUnsafeBufferPointer { decoder.feed($0, at: 0) }
    decoder.endTransfer()
    let s = try decoder.finish()
    #expect(s.string(s.ids[0]) == id && s.string(s.paths[0]) == "/flocker/\(id)")
    #expect(s.string(s.ids[1]) == id && s.string(s.paths[1]) == "/elsewhere/x")
    // The first id is the end of its path (no copy); the second is a copy of its own.
    #expect(s.ids[0].range.upperBound == s.paths[0].range.upperBound)
    #expect(
      s.bytes.count == "/flocker/\(id)".utf8.count + "/elsewhere/x".utf8.count + id.utf8.count)
  }

  @Test func stateEntriesWithAndWithoutPathsReadAsAlone() {
    let entries = [
      #"{"path": "/flocker/1", "dataset_id": "1", "maximum_size": 1073741824, "primary": "n1"}"#,
      #"{"path": "/flocker/2", "dataset_id": "2", "maximum_size": 1, "primary": "n2"}"#,
      #"{"path": null, "dataset_id": "3", "maximum_size": 1, "primary": "n2"}"#,
      #"{"path": "/flocker/4", "dataset_id": "4", "maximum_size": 1, "primary": null}"#,
      #"{"path": "/flocker/\t5", "dataset_id": "5", "maximum_size": 1, "primary": "n1"}"#,
      #"{"path": "/flocker/6", "dataset_id": "6", "maximum_size": 1, "primary": "n1"}"#,
      #"{"path": "/flocker/7", "dataset_id": "7", "primary": "n1"}"#,
      #"{"path": "/flocker/8", "dataset_id": "8", "maximum_size": 1, "primary": "n1"}"#,
    ]
    let together = Self.read("[\(entries.joined(separator: ", "))]", Self.state)
    let alone = entries.flatMap { Self.read("[\($0)]", Self.state) }
    #expect(together == alone)
    #expect(together.count == entries.count)
  }
}
