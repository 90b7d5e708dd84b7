// HTTP/1.1 requests read off a connection: the head, a Content-Length or chunked body,
// keep-alive, and the limits of what the sandbox accepts.

import Foundation

/// Largest request body accepted (the API's bodies are tiny).
let maximumRequestBody = 16 << 20
/// Largest request head (request line and headers) accepted.
let maximumRequestHead = 64 << 10

struct HTTPRequest {
  var method: String
  var target: String
  var version: String
  var headers: [(String, String)]
  var body: [UInt8] = []
  var bodyTooLarge = false

  func header(_ name: String) -> String? {
    headers.first { $0.0.lowercased() == name }?.1
  }

  /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked.
  var keepAlive: Bool {
    let connection = header("connection")?.lowercased() ?? ""
    if version == "HTTP/1.0" { return connection.contains("keep-alive") }
    return !connection.contains("close")
  }
}

enum ReadResult {
  case request(HTTPRequest)
  case closed
  case malformed(Int)
}

/// Reads requests off a connection, keeping what arrived past one request for the next.
struct RequestReader {
  private var buffer: [UInt8] = []
  private var chunk = [UInt8](repeating: 0, count: 16 << 10)

  mutating func next(from connection: TLSConnection) -> ReadResult {
    // The head: up to the blank line.
    var headEnd: (head: Int, body: Int)?
    var searchFrom = 0
    while true {
      if let end = Self.blankLine(in: buffer, from: searchFrom) {
        headEnd = end
        break
      }
      if buffer.count > maximumRequestHead { return .malformed(431) }
      searchFrom = max(0, buffer.count - 3)
      guard fill(from: connection) else { return buffer.isEmpty ? .closed : .malformed(400) }
    }
    guard let end = headEnd, var request = Self.parseHead(Array(buffer[..<end.head])) else {
      return .malformed(400)
    }
    buffer.removeFirst(end.body)

    if request.header("expect")?.lowercased() == "100-continue" {
      connection.write(Array("\(request.version) 100 Continue\r\n\r\n".utf8))
    }
    if let encoding = request.header("transfer-encoding")?.lowercased(), encoding != "identity" {
      guard encoding == "chunked" else { return .malformed(501) }
      guard readChunked(into: &request, from: connection) else { return .malformed(400) }
    } else if let lengthText = request.header("content-length") {
      guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else {
        return .malformed(400)
      }
      if length > maximumRequestBody {
        request.bodyTooLarge = true
        return .request(request)
      }
      while buffer.count < length {
        guard fill(from: connection) else { return .closed }
      }
      request.body = Array(buffer[..<length])
      buffer.removeFirst(length)
    }
    return .request(request)
  }

  private mutating func fill(from connection: TLSConnection) -> Bool {
    let count = connection.read(into: &chunk)
    guard count > 0 else { return false }
    buffer.append(contentsOf: chunk[..<count])
    return true
  }

  private mutating func line(from connection: TLSConnection) -> [UInt8]? {
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        var line = Array(buffer[..<newline])
        buffer.removeFirst(newline + 1)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
      }
      if buffer.count > maximumRequestHead { return nil }
      guard fill(from: connection) else { return nil }
    }
  }

  private mutating func readChunked(into request: inout HTTPRequest, from connection: TLSConnection)
    -> Bool
  {
    while true {
      guard let sizeLine = line(from: connection) else { return false }
      let sizeText =
        String(decoding: sizeLine, as: UTF8.self)
        .split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
      guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0
      else { return false }
      if size == 0 {
        // Trailers, up to the blank line.
        while true {
          guard let trailer = line(from: connection) else { return false }
          if trailer.isEmpty { return true }
        }
      }
      if request.body.count + size > maximumRequestBody { request.bodyTooLarge = true }
      while buffer.count < size + 2 {
        guard fill(from: connection) else { return false }
      }
      if !request.bodyTooLarge { request.body.append(contentsOf: buffer[..<size]) }
      buffer.removeFirst(size + 2)
    }
  }

  /// The end of the head (CRLF CRLF, or LF LF as lenient parsers accept): where the head's text
  /// ends and where the body starts.
  private static func blankLine(in bytes: [UInt8], from start: Int) -> (head: Int, body: Int)? {
    let newline = UInt8(ascii: "\n")
    var index = start
    while index < bytes.count {
      if bytes[index] == newline {
        if index + 1 < bytes.count, bytes[index + 1] == newline { return (index, index + 2) }
        if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"),
          bytes[index + 2] == newline
        {
          return (index, index + 3)
        }
      }
      index += 1
    }
    return nil
  }

  private static func parseHead(_ bytes: [UInt8]) -> HTTPRequest? {
    // Split as bytes: in a Swift String, CR LF is one Character.
    var lines: [Substring] = []
    for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
      guard let text = String(validating: line, as: UTF8.self) else { return nil }
      lines.append(Substring(text))
    }
    // Blank lines before the request line are allowed (RFC 9112 §2.2).
    while let first = lines.first, first.isEmpty { lines.removeFirst() }
    guard let requestLine = lines.first else { return nil }
    let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
    guard parts.count == 3, parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0",
      parts[0].allSatisfy({ $0.isLetter && $0.isUppercase }), parts[1].first == "/"
    else { return nil }
    var headers: [(String, String)] = []
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return nil }
      let name = line[..<colon]
      guard !name.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
      let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
      headers.append((String(name), value))
    }
    return HTTPRequest(
      method: String(parts[0]), target: String(parts[1]), version: String(parts[2]),
      headers: headers)
  }
}
