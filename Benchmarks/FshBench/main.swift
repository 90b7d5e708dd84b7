import Foundation
// In-process measurements for BENCHMARKS.md: completion over 100 000 cached names, and the
// interpreter over a 100 000-line script without process start-up. Prints one JSON object.
import FshKit

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
    _ = Formatter().render(result, format: options.output)
  }
  func report(_ diagnostic: Diagnostic) {}
  func confirm(_ question: String) -> Bool? { nil }
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
let completion = Completion(session: session, names: session.names)
var count = 0
let complete = measure(30) { count = completion.complete("move seed-0123").candidates.count }
precondition(count == 100, "expected 100 candidates, got \(count)")
let completeWide = measure(10) { count = completion.complete("move seed-").candidates.count }

// 5 (in-process part). A 100 000-line script of assignments and echo, without start-up.
var script = ""
for i in 0..<50_000 { script += "let v\(i % 100) = value-\(i)\necho $v\(i % 100) done\n" }
let run = measure(3) { _ = session.run(script, name: "bench") }

print(
  """
  {"complete_prefix_100k": \(stats(complete)), "complete_all_100k": \(stats(completeWide)), \
  "script_100k_lines_in_process": \(stats(run))}
  """)
