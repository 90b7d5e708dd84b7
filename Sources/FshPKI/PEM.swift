// PEM text as FshPKI has always read and written it (the rules of swift-asn1's PEMDocument, kept
// so that what parsed before parses now): blocks `-----BEGIN X-----` … `-----END X-----`, the
// base64 in lines of exactly 64 characters (the last 1–64), LF or CRLF line ends, no headers.
// Written PEM has 64-character lines and no final newline.
import Foundation

/// One decoded PEM block.
struct PEMBlock: Equatable {
  var label: String
  var der: [UInt8]

  /// The single block of `text`; throws when there is none or more than one.
  init(single text: String) throws {
    var rest = Substring(text).utf8[...]
    guard let block = try rest.nextPEMBlock() else {
      throw PEMError("could not find PEM start marker")
    }
    guard try rest.nextPEMBlock() == nil else { throw PEMError("multiple PEM documents found") }
    self = block
  }

  init(label: String, der: [UInt8]) {
    self.label = label
    self.der = der
  }

  /// Every block of `text`, in order; empty when there is none.
  static func all(_ text: String) throws -> [PEMBlock] {
    var rest = Substring(text).utf8[...]
    var blocks: [PEMBlock] = []
    while let block = try rest.nextPEMBlock() { blocks.append(block) }
    return blocks
  }

  /// The PEM text: BEGIN line, base64 in 64-character lines, END line, no final newline.
  var text: String {
    let base64 = Array(Data(der).base64EncodedString().utf8)
    var lines = ["-----BEGIN \(label)-----"]
    var start = 0
    while start < base64.count {
      let end = min(start + 64, base64.count)
      lines.append(String(decoding: base64[start..<end], as: UTF8.self))
      start = end
    }
    lines.append("-----END \(label)-----")
    return lines.joined(separator: "\n")
  }
}

/// Why PEM text did not parse.
struct PEMError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

extension Substring.UTF8View {
  /// Reads the next block and moves past it; nil when no BEGIN line is left.
  fileprivate mutating func nextPEMBlock() throws -> PEMBlock? {
    guard let begin = self.markers(prefix: "-----BEGIN "),
      let bodyStart = self[begin.suffix.upperBound...].afterLineEnd
    else { return nil }
    let label = self[begin.infix]
    guard let end = self[begin.suffix.upperBound...].markers(prefix: "-----END ") else {
      throw PEMError("PEM block '-----BEGIN \(Substring(label))-----' has no END line")
    }
    guard label.elementsEqual(self[end.infix]) else {
      throw PEMError(
        "PEM BEGIN and END labels differ ('\(Substring(label))', '\(Substring(self[end.infix]))')")
    }
    let base64 = try self[bodyStart..<end.prefix.lowerBound].base64WithoutLineEnds()
    self = self[end.suffix.upperBound...]
    guard let data = Data(base64Encoded: base64) else {
      throw PEMError("PEM block not correctly base64 encoded")
    }
    guard !data.isEmpty else { throw PEMError("PEM block has an empty body") }
    return PEMBlock(label: String(Substring(label)), der: Array(data))
  }

  /// The index after a leading LF or CRLF, nil when there is none.
  private var afterLineEnd: Index? {
    if starts(with: "\n".utf8) { return index(after: startIndex) }
    if starts(with: "\r\n".utf8) { return index(startIndex, offsetBy: 2) }
    return nil
  }

  /// The first `<prefix>…-----`: the prefix, the label between, and the closing dashes.
  private func markers(prefix: String) -> (
    prefix: Range<Index>, infix: Range<Index>, suffix: Range<Index>
  )? {
    guard let head = firstRange(of: prefix.utf8),
      let tail = self[head.upperBound...].firstRange(of: "-----".utf8)
    else { return nil }
    return (head, head.upperBound..<tail.lowerBound, tail)
  }

  private func firstRange(of needle: String.UTF8View) -> Range<Index>? {
    var start = startIndex
    while start != endIndex {
      var i = start
      var j = needle.startIndex
      while j != needle.endIndex, i != endIndex, self[i] == needle[j] {
        formIndex(after: &i)
        needle.formIndex(after: &j)
      }
      if j == needle.endIndex { return start..<i }
      if i == endIndex { return nil }
      formIndex(after: &start)
    }
    return nil
  }

  /// The base64 body without its line ends: every line ends with LF (CR before it is part of
  /// the line end) and is 64 characters long, except the last, which has 1 to 64.
  private func base64WithoutLineEnds() throws -> String {
    var rest = self
    var out = ""
    while !rest.isEmpty {
      guard let lineFeed = rest.firstIndex(of: UInt8(ascii: "\n")) else {
        throw PEMError("PEM block has incorrect line lengths")
      }
      var line = rest[..<lineFeed]
      rest = rest[rest.index(after: lineFeed)...]
      if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
      let minimum = rest.isEmpty ? 1 : 64
      guard line.count >= minimum, line.count <= 64 else {
        throw PEMError("PEM block has incorrect line lengths")
      }
      out += String(decoding: line, as: UTF8.self)
    }
    return out
  }
}
