import Foundation
import FshKit
import FshLanguage
import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// `fsh --cluster 'lab-*' -c …` (or a script): the work on every selected cluster at once
/// (`FanOut`), each output line prefixed with its cluster's name, aligned and coloured on a
/// terminal (at a pipe too, without colour); `--group` prints each cluster's output whole in
/// profile order under a header; `-o json` one array with an object per cluster; a summary on
/// standard error; exit status 1 when any cluster failed.
struct FanOutLaunch {
  var clusters: [String]
  var group: Bool
  var quiet: Bool
  var output: OutputFormat

  /// Whole lines to standard output and error, from several threads; kept per cluster with
  /// `--group`.
  final class Printer: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String: [(Int32, String)]] = [:]
    let group: Bool
    init(group: Bool) { self.group = group }
    func write(_ cluster: String, _ text: String, _ toStandardError: Bool) {
      let fd = toStandardError ? STDERR_FILENO : STDOUT_FILENO
      lock.withLock {
        if group {
          kept[cluster, default: []].append((fd, text))
        } else {
          Terminal.write(text, to: fd)
        }
      }
    }
    func flush(_ cluster: String) {
      lock.withLock {
        Terminal.write("== \(cluster) ==\n", to: STDOUT_FILENO)
        for (fd, text) in kept[cluster] ?? [] { Terminal.write(text, to: fd) }
        kept[cluster] = nil
      }
    }
  }

  /// Runs `source` on every cluster; the exit status.
  func run(
    _ source: String, name: String, arguments: [String], parent: Session, maxParallel: Int,
    failFast: Bool
  ) -> Int32 {
    let color = Terminal.useColor(parent.options.color, tty: Terminal.stdoutIsTTY)
    let prefixes = FanOut.prefixes(clusters, color: color)
    let printer = Printer(group: group)
    let fan = FanOut(
      clusters: clusters, environment: parent.environment, options: parent.options,
      commands: parent.commands
    ) { cluster in
      FanOut.LineHost(
        cluster: cluster, prefix: group ? "" : prefixes[cluster] ?? "", quiet: quiet,
        json: output == .json, write: { printer.write($0, $1, $2) })
    }
    fan.maxParallel = maxParallel
    fan.failFast = failFast
    // Weakly: the session keeps its cancel handlers for good, and a script may fan out often.
    parent.onCancel { [weak fan] in fan?.cancel() }
    let results = fan.run(source, name: name, arguments: arguments)
    if output != .json { fan.reportFailures(results) }
    if group {
      for r in results { printer.flush(r.cluster) }
    }
    if output == .json {
      Terminal.write(JSON.encode(FanOut.value(results)) + "\n", to: STDOUT_FILENO)
    }
    let failed = results.contains { $0.outcome.status != 0 }
    if failed || !quiet { Terminal.write(FanOut.summary(results) + "\n", to: STDERR_FILENO) }
    if parent.isCancelled { return ExitStatus.interrupted }
    return failed ? 1 : 0
  }
}
