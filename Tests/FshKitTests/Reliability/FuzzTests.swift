// Bounded, seeded fuzzing of everything that reads untrusted text: the language, sizes,
// durations, JSON, the control service's answers and certificate files. Each target runs a
// fixed number of inputs (`FSH_FUZZ_SCALE` multiplies them) and must never crash, and must
// fail only in the documented way.
import Foundation
import FshModel
import FshPKI
import Testing

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage
@testable import FshRuntime

@Suite("Reliability: fuzzing")
struct ReliabilityFuzzTests {
  // MARK: - Lexer and parser

  static let languagePieces: [String] = [
    " ", " ", "\t", "\n", "\r", "\r\n", ";", "{", "}", "(", ")", "'", "\"", "$", "\\", "#", "#!",
    "a", "ds", "web-data", "10G", "echo", "create", "if", "else", "for", "in", "let", "try", "not",
    "!", "and", "or", "=", "==", "!=", "<", "<=", "=~", "!~", "$x", "${x}", "${", "$1", "$@",
    "$#", "$?", ".", ".0", ".name", "é", "e\u{301}", "🧪", "\u{0}", "\u{1B}[31m", "\u{7F}",
    "\u{9B}", "\u{202E}", "\u{FEFF}", "\u{2028}", "\\n", "\\ ", "\\$", "'a b'", "\"$x-y\"",
  ]

  /// Positions must lie inside the text: 0 ≤ start ≤ end ≤ scalar count, lines in range.
  static func checkRange(_ d: Diagnostic, in text: String, sourceLocation: SourceLocation) {
    guard let r = d.range else { return }
    let count = text.unicodeScalars.count
    let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).count
    #expect(r.start.offset >= 0 && r.start.offset <= r.end.offset, sourceLocation: sourceLocation)
    #expect(
      r.end.offset <= count, "\(r) in \(text.debugDescription)", sourceLocation: sourceLocation)
    #expect(r.start.line >= 1 && r.end.line <= lines, sourceLocation: sourceLocation)
    #expect(r.start.column >= 1, sourceLocation: sourceLocation)
  }

  @Test func lexerAndParserNeverCrashAndPlaceErrorsInsideTheText() {
    var g = Fuzz.rng(1)
    var parsed = 0
    var failed = 0
    for _ in 0..<Fuzz.iterations(20_000) {
      let text = Fuzz.string(from: Self.languagePieces, maxPieces: 40, using: &g)
      do {
        _ = try Parser.parse(text)
        parsed += 1
      } catch let d as Diagnostic {
        failed += 1
        #expect(!d.message.isEmpty)
        Self.checkRange(d, in: text, sourceLocation: #_sourceLocation)
        // The printer handles every diagnostic the parser makes.
        let source = SourceText(name: "<fuzz>", text: text)
        var placed = d
        placed.sourceName = source.name
        if let r = d.range { placed.sourceLine = source.line(r.start.line) }
        _ = DiagnosticPrinter().render(placed)
      } catch {
        Issue.record("not a Diagnostic: \(error) for \(text.debugDescription)")
      }
    }
    #expect(parsed > 100 && failed > 100, "parsed \(parsed), failed \(failed)")
  }

  /// Deeply nested scripts, by name (the texts are too long to show as test arguments).
  static let deepScripts: [String: String] = [
    "parens": String(repeating: "(", count: 100_000),
    "substitutions": "echo " + String(repeating: "(echo ", count: 50_000)
      + String(repeating: ")", count: 50_000),
    "ifs": String(repeating: "if a {\n", count: 50_000),
    "nots": "if " + String(repeating: "not ", count: 100_000) + "a { }",
    "bangs": "if " + String(repeating: "! ", count: 100_000) + "a { }",
    "else-ifs": "if a { }" + String(repeating: " else if a { }", count: 50_000),
    "fors": String(repeating: "for x in a {\n", count: 50_000),
    "braces": String(repeating: "{", count: 100_000),
  ]

  /// Regression: deep nesting used to recurse once per level and overflow the stack.
  @Test(arguments: [
    "parens", "substitutions", "ifs", "nots", "bangs", "else-ifs", "fors", "braces",
  ])
  func deepNestingIsASyntaxErrorNotACrash(kind: String) {
    let text = Self.deepScripts[kind]!
    do {
      _ = try Parser.parse(text)
      Issue.record("parsed \(kind)")
    } catch let d as Diagnostic {
      #expect(d.code == .syntax || d.code == .incompleteInput, "\(d)")
      Self.checkRange(d, in: text, sourceLocation: #_sourceLocation)
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func reasonableNestingStillParses() throws {
    let depth = 50
    let text =
      String(repeating: "if a {\n", count: depth) + "echo "
      + String(repeating: "(echo ", count: depth)
      + "x" + String(repeating: ")", count: depth) + "\n" + String(repeating: "}\n", count: depth)
    _ = try Parser.parse(text)
  }

  // MARK: - Sizes and durations

  static let numberPieces: [String] = [
    "0", "1", "5", "9", "64", "1024", ".", ".", "-", "+", "e", "E", "1e3", "k", "K", "M", "G", "T",
    "P", "E", "iB", "b", "B", "mb", "gib", " ", "\t", "ms", "s", "m", "h", "min", "sec", "x",
    "99999999999999999999", "٣", "½", "Ⅻ", "１", "inf", "nan", "0x1p3", "\u{0}", "é",
  ]

  @Test func sizesParseToAValidSizeOrAUsageError() {
    var g = Fuzz.rng(2)
    var accepted = 0
    for _ in 0..<Fuzz.iterations(20_000) {
      let text = Fuzz.string(from: Self.numberPieces, maxPieces: 8, using: &g)
      do {
        let n = try Sizes.parse(text)
        accepted += 1
        #expect(n >= Sizes.minimum && n % 1024 == 0, "\(text.debugDescription) → \(n)")
      } catch let d as Diagnostic {
        #expect(d.code == .usage, "\(d)")
        #expect(!d.message.isEmpty)
      } catch {
        Issue.record("not a Diagnostic: \(error) for \(text.debugDescription)")
      }
    }
    // Random digits and units: many are valid sizes.
    for _ in 0..<Fuzz.iterations(5_000) {
      let digits = String(
        UInt64.random(in: 0...UInt64.max, using: &g) >> UInt64.random(in: 0...63, using: &g))
      let unit = ["", "K", "M", "G", "T", "P", "KiB", "GB"].randomElement(using: &g)!
      let frac = Bool.random(using: &g) ? "." + String(Int.random(in: 0...999, using: &g)) : ""
      if let n = try? Sizes.parse(digits + frac + unit) {
        accepted += 1
        #expect(n >= Sizes.minimum && n % 1024 == 0)
      }
    }
    #expect(accepted > 100)
  }

  @Test func durationsAreFiniteOrNil() {
    var g = Fuzz.rng(3)
    for _ in 0..<Fuzz.iterations(20_000) {
      let text = Fuzz.string(from: Self.numberPieces, maxPieces: 8, using: &g)
      if let d = Durations.parse(text) {
        #expect(d.isFinite && d >= 0, "\(text.debugDescription) → \(d)")
        _ = Durations.format(d)
      }
    }
  }

  /// Regression: huge durations crashed (Int(Double) traps) in the formatter, in `set timeout`
  /// when the transport turned them into milliseconds, and overflowed to infinity.
  @Test(arguments: [
    "1e300", "1e308", "99999999999999999999999h", "9e300h",
    "1.7976931348623157e308", "9999999999999999999999999999999", "100000000000000000000m",
  ])
  func hugeDurationsDoNotCrash(text: String) {
    if let d = Durations.parse(text) {
      #expect(d.isFinite)
      _ = Durations.format(d)
      #expect(CurlTransport.milliseconds(d) > 0)
      var o = SessionOptions()
      try? SessionOptions.descriptor("timeout")!.set(&o, text)
      #expect(CurlTransport.milliseconds(o.requestTimeout) > 0)
    }
    for d in [Double.greatestFiniteMagnitude, 1e300, 1e19, 9.3e18, Double.infinity, -1, .nan] {
      _ = Durations.format(d)
      #expect(CurlTransport.milliseconds(d) >= 1)
    }
  }

  // MARK: - JSON

  static func randomValue(_ g: inout SeededRandom, depth: Int = 0) -> Value {
    switch Int.random(in: 0..<(depth > 4 ? 5 : 7), using: &g) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &g))
    case 2:
      return .int(Int.random(in: Int.min...Int.max, using: &g) >> Int.random(in: 0...63, using: &g))
    case 3:
      let d = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &g))
      return d.isFinite && d != d.rounded() ? .double(d) : .double(0.5)
    case 4:
      return .string(
        Fuzz.string(
          from: ["a", "é", "\"", "\\", "\n", "\u{0}", "\u{1B}", "\u{7F}", "\u{9B}", "🧪", "/", " "],
          maxPieces: 12, using: &g))
    case 5:
      return .list(
        (0..<Int.random(in: 0...4, using: &g)).map { _ in randomValue(&g, depth: depth + 1) })
    default:
      return .record(
        Record(
          (0..<Int.random(in: 0...4, using: &g)).map { n in
            ("k\(n)", randomValue(&g, depth: depth + 1))
          }))
    }
  }

  @Test func jsonRoundTripsAndNeverCrashesOnMutations() {
    var g = Fuzz.rng(4)
    let interesting = Array("{}[]\",:\\-0123456789.eEtfn u".utf8) + [0, 0x1B, 0xFF, 0xC3, 0x80]
    var rejected = 0
    for _ in 0..<Fuzz.iterations(20_000) {
      let v = Self.randomValue(&g)
      let text = JSON.encode(v, pretty: Bool.random(using: &g))
      // What fsh writes, it reads back the same.
      #expect((try? JSON.decode(text)) == v, "\(text)")
      // Encoded JSON never carries a raw control character (terminal safety).
      #expect(
        !text.unicodeScalars.contains {
          $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value)
        })
      let mutated = Fuzz.mutate(Array(text.utf8), using: &g, interesting: interesting)
      do { _ = try JSON.decode(mutated) } catch { rejected += 1 }
    }
    // Random bytes.
    for _ in 0..<Fuzz.iterations(5_000) {
      let bytes = (0..<Int.random(in: 0...64, using: &g)).map { _ in
        interesting.randomElement(using: &g)!
      }
      _ = try? JSON.decode(bytes)
    }
    #expect(rejected > 1000)
  }

  @Test func hostileJSONIsAnErrorOrAValue() {
    let texts = [
      String(repeating: "[", count: 200_000), String(repeating: "{\"a\":", count: 200_000),
      String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
      "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\ud800\\u0041\"", "1e999999", "-", "-e", "0.e",
      "\"\u{0}\"", "[1,]", "{\"a\"}", "\"\\u12\"", "nul", "[" + String(repeating: "1,", count: 10),
    ]
    for text in texts { _ = try? JSON.decode(text) }
    #expect(throws: (any Error).self) { try JSON.decode(String(repeating: "[", count: 200_000)) }
  }

  // MARK: - The control service's answers

  static let templates: [(path: String, body: String)] = [
    ("/v1/version", #"{"flocker": "1.15.0"}"#),
    (
      "/v1/configuration/datasets",
      #"[{"dataset_id": "7a3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "primary": "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61", "deleted": false, "metadata": {"name": "web"}, "maximum_size": 10737418240}]"#
    ),
    (
      "/v1/state/datasets",
      #"[{"dataset_id": "7a3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "primary": "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61", "path": "/flocker/7a3b", "maximum_size": 10737418240}]"#
    ),
    ("/v1/state/nodes", #"[{"uuid": "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61", "host": "10.0.0.1"}]"#),
    (
      "/v1/configuration/leases",
      #"[{"dataset_id": "7a3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "node_uuid": "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61", "expires": 12.5}]"#
    ),
    (
      "error",
      #"{"description": "The provided JSON doesn't match the required schema.", "errors": ["x"]}"#
    ),
    ("incident", #""7d2c1f7a-0b7e-4d3c-9a1b-2c3d4e5f6a7b""#),
  ]

  /// A transport answering every request with a mutated Flocker answer and a random status.
  static func hostileTransport(_ seed: UInt64) -> InProcessTransport {
    let lock = NSLock()
    var g = Fuzz.rng(seed)
    let interesting = Array("{}[]\",:\\-0123456789.eEtfn u".utf8) + [0, 0x1B, 0xFF]
    return InProcessTransport { request in
      lock.lock()
      defer { lock.unlock() }
      let template =
        Bool.random(using: &g)
        ? (templates.first { request.path.hasPrefix($0.path) } ?? templates[0])
        : templates.randomElement(using: &g)!
      var body = Array(template.body.utf8)
      if Int.random(in: 0..<4, using: &g) > 0 {
        body = Fuzz.mutate(body, using: &g, interesting: interesting)
      }
      let status = [200, 200, 200, 201, 201, 204, 301, 400, 404, 405, 409, 412, 500, 503, 999]
        .randomElement(using: &g)!
      var headers: [(String, String)] = []
      if Bool.random(using: &g) {
        headers.append(("X-Configuration-Tag", String(decoding: body.prefix(40), as: UTF8.self)))
      }
      return HTTPResponse(status: status, headers: headers, body: body)
    }
  }

  @Test func clientTurnsEveryHostileAnswerIntoAValueOrAClientError() {
    let client = FlockerClient(transport: Self.hostileTransport(5))
    let id = "7a3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    let node = "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61"
    let calls: [(FlockerClient) throws -> Void] = [
      { _ = try $0.version() },
      { _ = try $0.configurationDatasets() },
      {
        _ = try $0.createDataset(
          primary: node, maximumSize: 1 << 30, metadata: ["name": "x"], ifConfigurationMatches: "t")
      },
      { _ = try $0.moveDataset(id, to: node) },
      { _ = try $0.deleteDataset(id) },
      { _ = try $0.stateDatasets() },
      { _ = try $0.nodes() },
      { _ = try $0.nodeUUID(forEra: id) },
      { _ = try $0.leases() },
      { _ = try $0.acquireLease(datasetID: id, nodeUUID: node, expires: 10) },
      { _ = try $0.releaseLease(datasetID: id) },
      { _ = try $0.send(HTTPRequest(method: "GET", path: "/v1/version")) },
      { _ = try ClusterView.load($0) },
      // The listing as columns, and every row of it read back as a view.
      { l in
        let listing = try DatasetListing.load(l); for r in 0..<listing.count { _ = listing.view(r) }
      },
    ]
    var errors = 0
    var messages = Set<ClientError.Code>()
    for n in 0..<Fuzz.iterations(20_000) {
      do {
        try calls[n % calls.count](client)
      } catch let e as ClientError {
        errors += 1
        messages.insert(e.code)
        #expect(!e.message.isEmpty)
      } catch let d as Diagnostic {
        // ClusterView.load reports through diagnostics.
        #expect(!d.message.isEmpty)
      } catch {
        Issue.record("not a ClientError: \(error)")
      }
    }
    #expect(errors > 1000)
    #expect(messages.isSuperset(of: [.badResponse, .http, .serverError, .precondition]))
  }

  /// The commands the fault matrix uses, through a whole session: never a crash, always a
  /// diagnostic, and the output stays printable.
  @Test func commandsSurviveHostileAnswers() {
    let host = CollectingHost()
    let env = SessionEnvironment(
      variables: ["HOME": TestSandbox.freshHome()], workingDirectory: "/")
    let s = Session(environment: env, host: host)
    let transport = Self.hostileTransport(6)
    s.transportFactory = { _, _ in transport }
    s.set(.host, to: "hostile")
    let commands = [
      "version", "datasets", "datasets -l", "nodes", "leases", "create web 1G on 0e6c5f0a",
      "wait web attached timeout 10ms", "dataset web", "destroy web --yes", "move web to 0e6c",
    ]
    for n in 0..<Fuzz.iterations(2_000) {
      let o = s.run(
        commands[n % commands.count] + " -o " + ["table", "json", "csv"][n % 3], name: "fuzz")
      if o.status != 0 { #expect(o.stoppedBy != nil) }
    }
    for r in host.results {
      for format in [OutputFormat.table, .json, .csv] {
        let text = ResultFormatter(width: 80).render(r, format: format)
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" }, "\(text)")
      }
    }
  }

  // MARK: - Certificates and keys

  /// A CA certificate to mutate; a CA that cannot be made fails the tests that use it.
  static let madePEM = Result {
    try FlockerCA.initialize(name: "fuzz", keyBits: 2048).certificatePEM
  }
  static var pem: String { get throws { try madePEM.get() } }

  @Test func certificateReadersThrowOnMutatedPEMAndDER() throws {
    var g = Fuzz.rng(7)
    let pem = try Self.pem
    let der = try PEMDocumentBytes.der(pem)
    let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-\n ".utf8)
    var parsed = 0
    for n in 0..<Fuzz.iterations(20_000) {
      if n % 2 == 0 {
        let text = String(
          decoding: Fuzz.mutate(Array(pem.utf8), using: &g, interesting: base64), as: UTF8.self)
        if (try? CertificateSummary(pem: text)) != nil { parsed += 1 }
        _ = try? CertificateInfo.parseAll(pem: text)
        _ = try? PrivateKeyInfo(pem: text)
        _ = try? FlockerPeerValidator(caCertificatePEM: text)
        _ = pemLabels(text)
      } else {
        let bytes = Fuzz.mutate(
          der, using: &g,
          interesting: [0x30, 0x02, 0x03, 0x04, 0x05, 0x06, 0x80, 0x81, 0x82, 0xFF, 0x00])
        if let info = try? CertificateInfo(derBytes: bytes) {
          parsed += 1
          _ = (info.subject, info.issuer, info.commonName, info.versionNumber, info.serialNumberHex)
          _ = info.validity()
          _ = info.matchesHost("control-service")
        }
        _ = try? CertificateSummary(derBytes: bytes)
      }
    }
    #expect(parsed > 0)
  }

  @Test func hostilePEMTextThrows() {
    let texts = [
      "", "-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
      "-----BEGIN CERTIFICATE-----\n====\n-----END CERTIFICATE-----\n",
      "-----BEGIN RSA PRIVATE KEY-----\nMA==\n-----END RSA PRIVATE KEY-----\n",
      "-----BEGIN PRIVATE KEY-----\n" + String(repeating: "A", count: 100_000)
        + "\n-----END PRIVATE KEY-----\n",
      String(repeating: "-----BEGIN X-----\n", count: 10_000),
    ]
    for text in texts {
      #expect(throws: (any Error).self) { try CertificateSummary(pem: text) }
      _ = try? CertificateInfo.parseAll(pem: text)
      _ = try? PrivateKeyInfo(pem: text)
      _ = pemLabels(text)
    }
  }
}

/// The DER bytes of the first PEM block (test helper; base64 between the armour lines).
enum PEMDocumentBytes {
  static func der(_ pem: String) throws -> [UInt8] {
    let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    guard let data = Data(base64Encoded: body) else { throw CocoaError(.coderInvalidValue) }
    return [UInt8](data)
  }
}

/// Regressions found by the fuzz tests, kept as plain examples.
@Suite("Reliability: fuzz findings")
struct ReliabilityFuzzFindingTests {
  /// `Sizes.formatExact` multiplied by 100 and overflowed for sizes above 92 PiB: the "did you
  /// mean" of a fractional huge size crashed.
  @Test func hugeFractionalSizeProposesARoundedSize() {
    #expect(throws: Diagnostic.self) { try Sizes.parse("4000000.0001P") }
    #expect(Sizes.formatExact(Int.max / 2) == "\(Int.max / 2)")
  }

  /// `SourceText` split lines on Characters, where "\r\n" is one grapheme that is not "\n": a
  /// script with Windows line ends was one long line in every diagnostic.
  @Test func crlfScriptsShowTheRightLine() {
    let s = SourceText(name: "x", text: "echo a\r\nbad line\r\necho c")
    #expect(s.line(2) == "bad line")
    #expect(s.line(3) == "echo c")
  }
}
