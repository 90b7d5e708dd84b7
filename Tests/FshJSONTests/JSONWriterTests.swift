import Foundation
import Testing

@testable import FshJSON

/// The request bodies fsh writes: the same bytes Foundation's encoder wrote before (sorted
/// keys, no escaped slashes), and text FshJSON's own reader reads back.
struct JSONWriterTests {
  struct Body: Encodable {
    var dataset_id: String?
    var maximum_size: Int?
    var metadata: [String: String]
    var primary: String
  }

  @Test func aCreateBodyIsWhatFoundationWrote() throws {
    let metadata = [
      "name": "web/data \"q\" \\ tab\t nl\n bell\u{7} ünï 数据", "team": "storage",
    ]
    let written = JSONText.object([
      ("dataset_id", .string("0e6c")), ("maximum_size", .int(1 << 30)),
      (
        "metadata", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
      ),
      ("primary", .string("abcd")),
    ]).bytes
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let foundation = [UInt8](
      try encoder.encode(
        Body(dataset_id: "0e6c", maximum_size: 1 << 30, metadata: metadata, primary: "abcd")))
    #expect(String(decoding: written, as: UTF8.self) == String(decoding: foundation, as: UTF8.self))
  }

  @Test func numbersAndNull() {
    func text(_ t: JSONText) -> String { String(decoding: t.bytes, as: UTF8.self) }
    #expect(text(.double(600)) == "600")
    #expect(text(.double(1.5)) == "1.5")
    #expect(text(.double(.infinity)) == "null")
    #expect(
      text(.object([("expires", .null), ("x", .array([.bool(true), .int(-3)]))]))
        == #"{"expires":null,"x":[true,-3]}"#)
  }

  @Test func whatItWritesReadsBack() throws {
    let s = "a\u{1}b\u{1F}c\"d\\e/f\u{7F}g"
    let bytes = JSONText.string(s).bytes
    var r = JSONParser(bytes: bytes)
    #expect(try r.parseString() == s)
  }
}
