// The streamed `datasets` listing (a row source, no record per row) against the general path
// (the rows' records through the formatter), row for row, in every format.
import Foundation
import FshModel
import Testing

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage
@testable import FshRuntime

@Suite("Output: fast listing")
struct FastListingTests {
  /// A small deterministic generator (the cluster must be the same on every run).
  struct Mix {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
  }

  static func uuid(_ i: Int, _ tag: Int) -> String {
    let h = String(format: "%08x", i &* 2_654_435_761 & 0xFFFF_FFFF)
    return "\(h)-\(String(format: "%04x", tag))-4000-8000-\(String(format: "%012x", i))"
  }

  /// Names with wide characters, combining marks, emoji, CSV and terminal specials, duplicates.
  static let names: [String?] = [
    nil, "web", "db-1", "データベース", "数据-卷", "📦 box", "cafe\u{301}", "a,b", "say \"hi\"",
    "tab\there", "line\nbreak", "\u{1B}[31mred", "rtl\u{202E}txt", "back\\slash", "ünïcødé",
    String(repeating: "long-", count: 70), "dup", "dup", ",\u{301}comma-mark", "",
    // Equal as `String`s, different bytes (sorted by id between themselves); past 16 bytes.
    "\u{212A}elvin", "Kelvin", "\u{E9}", "e\u{301}", "a\u{0}", "a", "del\u{7F}x",
    "seed-000000000000001", "seed-000000000000002", "seed-00000000000000",
  ]

  /// The three API answers for `count` datasets on 12 nodes, 10 of them reporting: every status,
  /// missing sizes, datasets the state lists twice, attached on nodes not in the node list.
  static func cluster(_ count: Int) -> (config: String, state: String, nodes: String) {
    var mix = Mix(state: 21)
    let nodeIDs = (0..<12).map { uuid($0, 0xAAAA) }
    let reporting = Array(nodeIDs.prefix(10))
    var config: [Value] = []
    var state: [Value] = []
    for i in 0..<count {
      let id = uuid(i + 100, mix.next(0xFFFF))
      let primary = nodeIDs[mix.next(12)]
      var meta: [(String, Value)] = []
      let name = names[mix.next(names.count)].map { mix.next(3) == 0 ? "\($0)-\(i)" : $0 }
      if let name { meta.append(("name", .string(name))) }
      if mix.next(4) == 0 { meta.append(("team", .string(mix.next(2) == 0 ? "ストレージ" : "ops,db"))) }
      let sizes: [Value] = [
        .null, .int(1 << 30), .int(75 << 30), .int(67_108_864 + 1024), .int(Int.max),
      ]
      let deleted = mix.next(8) == 0
      var c: [(String, Value)] = [
        ("dataset_id", .string(id)), ("primary", .string(primary)), ("deleted", .bool(deleted)),
        ("metadata", .record(Record(meta))),
      ]
      let size = sizes[mix.next(sizes.count)]
      if size != .null { c.append(("maximum_size", size)) }
      // Keys in any order, as a server's dictionary may write them.
      if mix.next(3) == 0 { c.reverse() }
      config.append(.record(Record(c)))
      // In the state: attached here, elsewhere (reporting or not), detached, twice, or absent.
      func entry(_ node: String?, path: Bool) -> Value {
        var s: [(String, Value)] = [("dataset_id", .string(id))]
        if let node {
          s.append(("primary", .string(node)))
          if path { s.append(("path", .string("/flocker/\(id)"))) }
        }
        if mix.next(2) == 0 { s.append(("maximum_size", .int(1 << 30))) }
        return .record(Record(s))
      }
      switch mix.next(7) {
      case 0: break
      case 1: state.append(entry(nodeIDs[mix.next(12)], path: true))
      case 2: state.append(entry(nil, path: false))
      case 3:
        state.append(entry(nil, path: false))
        state.append(entry(primary, path: mix.next(2) == 0))
      default: state.append(entry(primary, path: true))
      }
    }
    let nodes: [Value] = reporting.enumerated().map { n, u in
      .record(Record([("uuid", .string(u)), ("host", .string(n == 3 ? "" : "10.0.0.\(n + 1)"))]))
    }
    return (
      JSON.encode(.list(config), pretty: false), JSON.encode(.list(state), pretty: false),
      JSON.encode(.list(nodes), pretty: false)
    )
  }

  /// The three lists of `cluster(count)` as a control service answers them; a path in
  /// `failing` answers 500.
  static func answers(_ count: Int, failing: Set<String> = []) -> (HTTPRequest) -> HTTPResponse {
    let (config, state, nodes) = cluster(count)
    return { request in
      if failing.contains(request.path) {
        return HTTPResponse(status: 500, body: Array("broken \(request.path)".utf8))
      }
      let body: String
      switch request.path {
      case "/v1/configuration/datasets": body = config
      case "/v1/state/datasets": body = state
      case "/v1/state/nodes": body = nodes
      default: return HTTPResponse(status: 404)
      }
      return HTTPResponse(
        status: 200,
        headers: [("Content-Type", "application/json"), ("X-Configuration-Tag", "t1")],
        body: Array(body.utf8))
    }
  }

  /// A session on `cluster(count)`; `general`: one that lists the general way (a view and a
  /// record a dataset, as `FSH_PER_RECORD=1`).
  static func session(_ count: Int, general: Bool = false) -> (Session, CollectingHost) {
    let host = CollectingHost()
    var variables = ["HOME": TestSandbox.freshHome()]
    if general { variables["FSH_PER_RECORD"] = "1" }
    let s = Session(
      environment: SessionEnvironment(variables: variables, workingDirectory: "/"), host: host)
    s.transportFactory = { _, _ in InProcessTransport(answers(count)) }
    s.set(.host, to: "canned")
    return (s, host)
  }

  /// The first line where two texts differ, for a readable failure.
  static func firstDifference(_ a: String, _ b: String) -> String? {
    let la = a.split(separator: "\n", omittingEmptySubsequences: false)
    let lb = b.split(separator: "\n", omittingEmptySubsequences: false)
    for (n, (x, y)) in zip(la, lb).enumerated() where x != y {
      return "line \(n + 1):\n  fast:    \(x.debugDescription)\n  general: \(y.debugDescription)"
    }
    return la.count == lb.count ? nil : "line counts differ: \(la.count) vs \(lb.count)"
  }

  @Test(arguments: [
    "datasets --deleted", "datasets --deleted -l", "datasets", "datasets status moving",
    "datasets name 'dup*'", "datasets status deleted", "datasets on 10.0.0.2 -l",
    "datasets meta team=ストレージ --deleted", "datasets name 'seed-*'",
  ])
  func fastListingIsTheGeneralPath(command: String) throws {
    let (session, host) = Self.session(2_400)
    let outcome = session.run(command, name: "test")
    #expect(outcome.status == 0, "\(outcome.stoppedBy.map { "\($0)" } ?? "")")
    let result = try #require(host.results.last)
    #expect(result.rows != nil, "datasets should return a row source")
    // The general way: `ClusterView`'s models and a record a dataset.
    let (generalSession, generalHost) = Self.session(2_400, general: true)
    #expect(generalSession.run(command, name: "test").status == 0)
    let general = try #require(generalHost.results.last)
    #expect(general.rows == nil)
    #expect(result.value == general.value, "\(command): the records differ")
    let formatters = [
      ResultFormatter(), ResultFormatter(width: 100, color: true), ResultFormatter(width: 40),
    ]
    for f in formatters {
      for format in [OutputFormat.table, .csv, .json] {
        let fast = f.render(result, format: format)
        let slow = f.render(general, format: format)
        #expect(!slow.isEmpty || result.value.elements.isEmpty)
        // Compared line by line so that a failure shows the first differing row, not 2 MB.
        let difference = Self.firstDifference(fast, slow)
        #expect(difference == nil, "\(command) \(format): \(difference ?? "")")
        // What the terminal host writes (in chunks) is the same text.
        var chunks = ""
        f.stream(result, format: format) { chunks += $0 }
        let sameText = chunks == fast
        #expect(sameText, "\(command) \(format): the streamed chunks differ from render")
      }
    }
  }

  /// Over more than two blocks of rows (`RowBlocks`), a second thread measures half the
  /// columns' cells and writes every other block: the text is still the general path's.
  @Test func aListingWrittenByTwoThreadsIsTheGeneralPath() throws {
    let count = 2 * RowBlocks.size + 900
    let (session, host) = Self.session(count)
    #expect(session.run("datasets --deleted", name: "test").status == 0)
    let result = try #require(host.results.last)
    let (generalSession, generalHost) = Self.session(count, general: true)
    #expect(generalSession.run("datasets --deleted", name: "test").status == 0)
    let general = try #require(generalHost.results.last)
    #expect(result.value.elements.count > 2 * RowBlocks.size)
    for format in [OutputFormat.table, .csv, .json] {
      var chunks = ""
      ResultFormatter().stream(result, format: format) { chunks += $0 }
      let difference = Self.firstDifference(
        chunks, ResultFormatter().render(general, format: format))
      #expect(difference == nil, "\(format): \(difference ?? "")")
    }
  }

  @Test func theClusterHasEverythingAndTheOrderIsByNameThenID() throws {
    let (session, host) = Self.session(2_400)
    #expect(session.run("datasets --deleted", name: "test").status == 0)
    let rows = try #require(host.results.last).value.elements
    #expect(rows.count == 2_400)
    // Completion gets the listing's words (made when first asked for), as from `ClusterView`.
    let (general, _) = Self.session(2_400, general: true)
    #expect(general.run("datasets", name: "test").status == 0)
    #expect(session.names.datasetWords == general.names.datasetWords)
    #expect(session.names.nodeWords == general.names.nodeWords)
    #expect(session.names.datasetWords.contains("web"))
    let statuses = Set(rows.compactMap { $0["status"]?.text })
    #expect(statuses == Set(DatasetStatus.allCases.map(\.rawValue)))
    #expect(rows.contains { $0["size"] == .null })
    #expect(rows.contains { $0["name"] == .null })
    #expect(rows.contains { ($0["name"]?.text ?? "").contains("データ") })
    // Sorted by name (unnamed last), then id: checked here independently of ClusterView.
    let keys = rows.map { ($0["name"].flatMap { $0 == .null ? nil : $0.text }, $0.text) }
    let expected = keys.sorted { a, b in
      if a.0 != b.0 {
        guard let x = a.0 else { return false }
        guard let y = b.0 else { return true }
        return x < y
      }
      return a.1 < b.1
    }
    #expect(keys.map(\.1) == expected.map(\.1))
  }

  /// CSV rows end in LF, as psql's CSV does, on the streamed path too (a newline inside a
  /// quoted field stays one).
  @Test func streamedCSVRowsEndInLF() throws {
    let (session, host) = Self.session(300)
    #expect(session.run("datasets --deleted", name: "test").status == 0)
    let result = try #require(host.results.last)
    #expect(result.rows != nil)
    var text = ""
    ResultFormatter().stream(result, format: .csv) { text += $0 }
    #expect(text.hasPrefix("dataset_id,name,"), "\(text.prefix(80).debugDescription)")
    #expect(text.hasSuffix("\n"))
    #expect(!text.unicodeScalars.contains("\r"), "\(text.prefix(200).debugDescription)")
  }

  @Test func capturingBuildsTheRecords() throws {
    let (session, _) = Self.session(200)
    let outcome = session.run(
      "let all = datasets --deleted\nfor d in $all { let last = $d.name }", name: "test")
    #expect(outcome.status == 0)
    #expect(session.variables["all"]?.elements.count == 200)
  }

  /// The listing read as columns fails as the models fail: the same message for a body cut
  /// short, a value of the wrong type, a missing id, a server error.
  @Test func columnsFailAsTheModelsFail() throws {
    let good = Self.answers(30)
    let bodies = [
      #"[{"dataset_id": "a", "metadata": {"name": 1}}]"#,
      #"[{"dataset_id": "a", "metadata": {"x": "1", "y": null}}]"#,
      #"[{"primary": "p"}]"#,
      #"[{"dataset_id": "a", "maximum_size": "big"}]"#,
      #"[{"dataset_id": "a", "deleted": 1}]"#,
      #"[{"dataset_id": "a"}, {"dataset_id": "b""#,
      #"[{"dataset_id": "a\q"}]"#,
      #"[{"dataset_id": "a"}] x"#,
      #"{"dataset_id": "a"}"#,
    ]
    for body in bodies {
      for path in ["/v1/configuration/datasets", "/v1/state/datasets"] {
        let answer: (HTTPRequest) -> HTTPResponse = { request in
          guard request.path == path else { return good(request) }
          return HTTPResponse(status: 200, body: Array(body.utf8))
        }
        func message(_ load: (FlockerClient) throws -> Void) -> String {
          do {
            try load(FlockerClient(transport: InProcessTransport(answer)))
            return "no error"
          } catch { return "\(error)" }
        }
        let models = message { _ = try ClusterView.load($0) }
        let columns = message { _ = try DatasetListing.load($0) }
        #expect(models == columns, "\(path) \(body)")
        if !(path.contains("state") && body.contains("metadata")) && !body.contains("deleted") {
          #expect(columns != "no error", "\(path) \(body)")
        }
      }
    }
    for failing in ["/v1/configuration/datasets", "/v1/state/datasets", "/v1/state/nodes"] {
      let models = Result {
        try ClusterView.load(
          FlockerClient(transport: InProcessTransport(Self.answers(5, failing: [failing]))))
      }
      let columns = Result {
        try DatasetListing.load(
          FlockerClient(transport: InProcessTransport(Self.answers(5, failing: [failing]))))
      }
      guard case .failure(let m) = models, case .failure(let c) = columns else {
        Issue.record("\(failing) should fail")
        continue
      }
      #expect("\(m)" == "\(c)")
    }
  }

  /// Metadata beside a name is written from its bytes only when every key and value can be
  /// copied as it is and no key repeats; sorted by key as `JSON.encode` sorts a record's.
  @Test func metadataPairsAreCopiedOnlyWhenPlain() {
    func pairs(_ text: String) -> [String]? {
      let bytes = Array(text.utf8)
      return bytes.withUnsafeBufferPointer { p in
        ListingEntry.plainMetadataPairs(p).map { found in
          found.map {
            String(decoding: bytes[$0.key], as: UTF8.self) + "="
              + String(decoding: bytes[$0.value], as: UTF8.self)
          }
        }
      }
    }
    #expect(pairs(#"{"team": "ops", "name": "db", "": "x"}"#) == ["=x", "name=db", "team=ops"])
    #expect(pairs(#"{ "b" : "1" , "a":"2" }"#) == ["a=2", "b=1"])
    #expect(pairs(#"{"name": "a", "name": "b"}"#) == nil)  // the last would win: the general way
    #expect(pairs(#"{"name": "say \"hi\""}"#) == nil)
    #expect(pairs(#"{"name": "caf\u00e9"}"#) == nil)
    #expect(pairs(#"{"name": "ünï"}"#) == nil)
    #expect(pairs(#"{"name": 1}"#) == nil)
    #expect(pairs(#"{}"#) == nil && pairs(#"{"a": "b""#) == nil && pairs(#"{"a" "b"}"#) == nil)
  }
}
