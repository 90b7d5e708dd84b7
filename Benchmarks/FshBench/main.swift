import Foundation
// In-process measurements for BENCHMARKS.md: completion over 100 000 cached names, and the
// interpreter over a 100 000-line script without process start-up. Prints one JSON object.
import FshClient
import FshKit
import FshLanguage
import FshRuntime

func measure(_ runs: Int, _ body: () -> Void) -> [Double] {
  (0..<runs).map { _ in
    let t = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6
  }
}

func stats(_ ms: [Double]) -> String {
  let s = ms.sorted()
  let median = s[s.count / 2]
  return
    "{\"median_ms\": \(String(format: "%.3f", median)), \"min_ms\": \(String(format: "%.3f", s.first!)), \"max_ms\": \(String(format: "%.3f", s.last!)), \"runs\": \(s.count)}"
}

final class NullHost: SessionHost {
  var history: [String] = []
  func show(_ result: CommandResult, options: SessionOptions) {
    _ = ResultFormatter().render(result, format: options.output)
  }
  func report(_ diagnostic: Diagnostic) {}
  func confirm(_ question: String) -> Bool? { nil }
}

// `FshBench listing DIR [RUNS]`: the listing's phases in-process, one list after the other on
// one thread, over recorded answers (Benchmarks/replay_server.py's layout) handed over in
// 16 KiB chunks as curl hands them: where a listing's CPU goes, without the network.
final class RecordedTransport: ControlTransport, @unchecked Sendable {
  let bodies: [String: [UInt8]]
  init(_ dir: String) {
    func read(_ name: String) -> [UInt8] {
      Array(FileManager.default.contents(atPath: dir + "/" + name) ?? Data())
    }
    bodies = [
      "/v1/configuration/datasets": read("configuration-datasets.json"),
      "/v1/state/datasets": read("state-datasets.json"),
      "/v1/state/nodes": read("state-nodes.json"),
    ]
  }
  func perform(_ request: HTTPRequest) throws -> HTTPResponse {
    HTTPResponse(
      status: 200, headers: [("X-Configuration-Tag", "t")], body: bodies[request.path] ?? [])
  }
  func perform(
    _ request: HTTPRequest, streamingBody consume: (UnsafeBufferPointer<UInt8>, Int) -> Void
  ) throws -> HTTPResponse {
    let body = bodies[request.path] ?? []
    body.withUnsafeBufferPointer { p in
      var at = 0
      while at < p.count {
        let n = min(16 * 1024, p.count - at)
        consume(UnsafeBufferPointer(rebasing: p[at..<at + n]), at)
        at += n
      }
    }
    return HTTPResponse(status: 200, headers: [("X-Configuration-Tag", "t")])
  }
  func cancel() {}
}
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "listing" {
  let client = FlockerClient(transport: RecordedTransport(CommandLine.arguments[2]))
  let runs = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3])! : 7
  var phases: [String: [Double]] = [:]
  for _ in 0..<runs {
    _ = try DatasetListing.load(client) { phases[$0, default: []].append($1 * 1000) }
  }
  for (name, ms) in phases.sorted(by: { $0.key < $1.key }) {
    print(String(format: "%8.1f ms  %@", ms.sorted()[ms.count / 2], name))
  }
  exit(0)
}

let env = SessionEnvironment(variables: ["HOME": NSTemporaryDirectory()], workingDirectory: "/")
let host = NullHost()
let session = Session(environment: env, host: host)

// 4. Completion of a dataset-name prefix with 100 000 names cached (names and short ids).
var words: [String] = []
words.reserveCapacity(200_000)
for i in 0..<100_000 {
  words.append(String(format: "seed-%06d", i))
  words.append(String(format: "%08x", i &* 2_654_435_761 & 0xffff_ffff))
}
session.names.update(datasets: words, nodes: ["10.0.0.1", "10.0.0.2"])
let completion = Completion(session: session)
var count = 0
let complete = measure(30) { count = completion.complete("move seed-0123").candidates.count }
precondition(count == 100, "expected 100 candidates, got \(count)")
let completeWide = measure(10) { count = completion.complete("move seed-").candidates.count }

// 5 (in-process part). A 100 000-line script of assignments and echo, without start-up.
var script = ""
for i in 0..<50_000 { script += "let v\(i % 100) = value-\(i)\necho $v\(i % 100) done\n" }
let run = measure(3) { _ = session.run(script, name: "bench") }

// 7. Cancel: from `cancel()` on another thread to `run` returning, during a long `sleep`
// (the speed goal the tests used to assert; they keep only hang guards).
final class Stamp: @unchecked Sendable {
  private let lock = NSLock()
  private var value: UInt64 = 0
  func set() { lock.withLock { value = DispatchTime.now().uptimeNanoseconds } }
  var nanoseconds: UInt64 { lock.withLock { value } }
}
let cancelLatency: [Double] = (0..<10).map { _ in
  let cancelledAt = Stamp()
  DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) {
    cancelledAt.set()
    session.cancel()
  }
  _ = session.run("sleep 10s", name: "bench")
  return Double(DispatchTime.now().uptimeNanoseconds - cancelledAt.nanoseconds) / 1e6
}

// 8. Decoding 100 000 datasets of GET /v1/configuration/datasets (the client, no network).
var body = "["
for i in 0..<100_000 {
  if i > 0 { body += "," }
  body +=
    #"{"dataset_id": "\#(String(format: "%08x", i))-1d2e-4f3a-8b4c-5d6e7f8a9b0c", "primary": "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61", "deleted": false, "metadata": {"name": "volume-\#(i)"}, "maximum_size": 107374182400}"#
}
body += "]"
let bytes = Array(body.utf8)
let canned = InProcessTransport { _ in
  HTTPResponse(status: 200, headers: [("X-Configuration-Tag", "t")], body: bytes)
}
let decodeClient = FlockerClient(transport: canned)
let decode = measure(5) { _ = try? decodeClient.configurationDatasets() }

// 9. A 100 000-row table, ASCII names (the fast path) and wide names (数据卷-N).
func rows(_ prefix: String) -> [Value] {
  (0..<100_000).map { i in
    .record(Record([("name", .string("\(prefix)\(i)")), ("size", .string("1G"))]))
  }
}
let columns = [Column("name"), Column("size", alignRight: true)]
let asciiRows = rows("volume-")
let wideRows = rows("数据卷-")
let tableASCII = measure(5) { _ = ResultFormatter().table(columns, asciiRows) }
let tableWide = measure(5) { _ = ResultFormatter().table(columns, wideRows) }

print(
  """
  {"complete_prefix_100k": \(stats(complete)), "complete_all_100k": \(stats(completeWide)), \
  "script_100k_lines_in_process": \(stats(run)), "cancel_sleep": \(stats(cancelLatency)), \
  "decode_100k_datasets": \(stats(decode)), "table_100k_ascii": \(stats(tableASCII)), \
  "table_100k_wide": \(stats(tableWide))}
  """)
