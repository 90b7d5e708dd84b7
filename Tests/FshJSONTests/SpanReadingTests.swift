// Strings read into a byte buffer (`appendString`, eight bytes at a time where it can) and
// sizes read without text (`quickSize`) against the readers that make a `String` and a number.
import Testing

@testable import FshJSON

@Suite("JSON: strings and sizes read as bytes")
struct SpanReadingTests {
  /// Every special byte at every position relative to the eight-byte steps.
  @Test func appendStringIsParseString() throws {
    let pieces = [
      "a", "Z", "0", "\\\"", "\\\\", "\\n", "\\u0000", "\\u00e9", "\\ud83d\\ude00", "é", "数",
      "\u{7F}", "/", " ", "\\/", "\\ud800x",
    ]
    var mix: UInt64 = 7
    func next(_ n: Int) -> Int {
      mix = mix &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((mix >> 33) % UInt64(n))
    }
    for _ in 0..<3_000 {
      let plain = String(repeating: "x", count: next(20))
      let body =
        plain + (0..<next(4)).map { _ in pieces[next(pieces.count)] }.joined()
        + String(repeating: "y", count: next(12))
      let json = Array("  \"\(body)\" ,".utf8)
      var a = JSONParser(bytes: json)
      var out: [UInt8] = [1, 2, 3]
      let (span, text) = try a.appendString("k", to: &out)
      var b = JSONParser(bytes: json)
      b.skipSpace()
      let expected = try b.parseString()
      #expect(Array(out[span.range]) == Array(expected.utf8), "\(body)")
      #expect(span.start == 3)
      #expect(a.i == b.i, "\(body)")
      #expect(text == SpanText.of(ArraySlice(expected.utf8)), "\(body)")
    }
  }

  @Test func invalidUTF8IsRepairedAsStringDoes() throws {
    let json: [UInt8] =
      [0x22] + Array("abcdefgh".utf8) + [0xFF, 0xC3] + Array("ijklmnop".utf8) + [0x22]
    var a = JSONParser(bytes: json)
    var out: [UInt8] = []
    let (span, text) = try a.appendString("k", to: &out)
    var b = JSONParser(bytes: json)
    #expect(Array(out[span.range]) == Array(try b.parseString().utf8))
    #expect(text == [])
  }

  @Test func errorsAreParseStringErrors() {
    for json in ["\"abcdefghij", "\"abc\u{1}def\"", "\"ab\\qcd\"", "12", "\"abcdefgh\\u12\""] {
      var a = JSONParser(bytes: Array(json.utf8))
      var out: [UInt8] = []
      var b = JSONParser(bytes: Array(json.utf8))
      var one = "no error"
      var two = "no error"
      do { _ = try a.appendString("k", to: &out) } catch { one = "\(error)" }
      do { _ = try b.string("k") } catch { two = "\(error)" }
      #expect(one == two, "\(json)")
      #expect(one != "no error", "\(json)")
    }
  }

  @Test func quickSizeIsSize() throws {
    for text in [
      "0", "7", "1073741824", "123456789012345678", "1234567890123456789", "9223372036854775807",
      "9223372036854775808", "-5", "1.5", "1e3", "00012", "null", "\"x\"", "18446744073709551616",
    ] {
      for end in [",", "}", " ", "]"] {
        let bytes = Array((text + end).utf8)
        var a = JSONParser(bytes: bytes)
        var b = JSONParser(bytes: bytes)
        let one = Result { try a.quickSize("size") }
        let two = Result { try b.size("size") }
        #expect("\(one)" == "\(two)", "\(text)")
        #expect(a.i == b.i, "\(text)")
      }
    }
    // At the end of what has arrived, digits may continue: read as `size` reads them.
    var a = JSONParser(bytes: Array("10737".utf8))
    var b = JSONParser(bytes: Array("10737".utf8))
    #expect(try a.quickSize("s") == b.size("s"))
  }
}
