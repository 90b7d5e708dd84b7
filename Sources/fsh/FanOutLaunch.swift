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
    func write(_ text: String, to fd: Int32, cluster: String) {
      lock.lock()
      defer { lock.unlock() }
      if group {
        kept[cluster, default: []].append((fd, text))
      } else {
        Terminal.write(text, to: fd)
      }
    }
    func flush(_ cluster: String, header: String) {
      lock.lock()
      defer { lock.unlock() }
      Terminal.write(header, to: STDOUT_FILENO)
      for (fd, text) in kept[cluster] ?? [] { Terminal.write(text, to: fd) }
      kept[cluster] = nil
    }
  }

  /// One cluster's session host: everything it shows goes out a line at a time with its prefix.
  final class PrefixHost: SessionHost {
    let cluster: String
    let prefix: String
    let printer: Printer
    let quiet: Bool
    /// `-o json`: the results are gathered from the outcome, not printed.
    let json: Bool
    var history: [String] { [] }
    init(cluster: String, prefix: String, printer: Printer, quiet: Bool, json: Bool) {
      self.cluster = cluster
      self.prefix = prefix
      self.printer = printer
      self.quiet = quiet
      self.json = json
    }
    private func lines(_ text: String, to fd: Int32) {
      guard !text.isEmpty else { return }
      var out = ""
      for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
        text.hasSuffix("\n") ? 1 : 0)
      {
        out += prefix + line + "\n"
      }
      printer.write(out, to: fd, cluster: cluster)
    }
    func show(_ result: CommandResult, options: SessionOptions) {
      guard !json else { return }
      lines(
        ResultFormatter(width: nil, color: false).render(result, format: options.output),
        to: STDOUT_FILENO)
    }
    func report(_ diagnostic: Diagnostic) {
      if quiet && diagnostic.severity != .error { return }
      lines(
        DiagnosticPrinter(color: false, showsLocation: true).render(diagnostic), to: STDERR_FILENO)
    }
    func inform(_ line: String) {
      if !quiet { lines(line.hasSuffix("\n") ? line : line + "\n", to: STDERR_FILENO) }
    }
    func trace(_ line: String) {
      lines(line.hasSuffix("\n") ? line : line + "\n", to: STDERR_FILENO)
    }
    func confirm(_ question: String) -> Bool? { nil }
  }

  /// Runs `source` on every cluster; the exit status.
  func run(
    _ source: String, name: String, arguments: [String], parent: Session, maxParallel: Int,
    failFast: Bool
  ) -> Int32 {
    let color = Terminal.useColor(parent.options.color, tty: Terminal.stdoutIsTTY)
    let width = clusters.map { DisplayWidth.of($0) }.max() ?? 0
    let palette = ["36", "35", "33", "32", "34", "31"]
    let printer = Printer(group: group)
    let json = output == .json
    var prefixes: [String: String] = [:]
    for (i, cluster) in clusters.enumerated() {
      let padded = cluster + String(repeating: " ", count: width - DisplayWidth.of(cluster))
      prefixes[cluster] =
        color ? "\u{1B}[\(palette[i % palette.count])m\(padded)\u{1B}[0m | " : padded + " | "
    }
    let fan = FanOut(
      clusters: clusters, environment: parent.environment, options: parent.options
    ) { cluster in
      PrefixHost(
        cluster: cluster, prefix: group ? "" : prefixes[cluster] ?? "", printer: printer,
        quiet: quiet, json: json)
    }
    fan.maxParallel = maxParallel
    fan.failFast = failFast
    parent.onCancel { fan.cancel() }
    let results = fan.run(source, name: name, arguments: arguments)
    // Each failure's error under its cluster's prefix, or in its group.
    if !json {
      for r in results where r.outcome.status != 0 && !r.skipped {
        guard let d = r.outcome.stoppedBy else { continue }
        let text = DiagnosticPrinter(color: false, showsLocation: true).render(d)
        let lead = group ? "" : prefixes[r.cluster] ?? ""
        printer.write(
          text.split(separator: "\n").map { lead + $0 + "\n" }.joined(), to: STDERR_FILENO,
          cluster: r.cluster)
      }
    }
    if group {
      for r in results { printer.flush(r.cluster, header: "== \(r.cluster) ==\n") }
    }
    if json {
      let objects = results.map { r -> Value in
        var fields: [(String, Value)] = [
          ("cluster", .string(r.cluster)), ("ok", .bool(r.outcome.status == 0)),
        ]
        if let d = r.outcome.stoppedBy, r.outcome.status != 0 {
          fields.append(("error", .string(d.message)))
        } else {
          let values = r.outcome.values
          fields.append(("result", values.count == 1 ? values[0] : .list(values)))
        }
        return .record(Record(fields))
      }
      Terminal.write(JSON.encode(.list(objects)) + "\n", to: STDOUT_FILENO)
    }
    let failed = results.filter { $0.outcome.status != 0 }
    let ok = results.count - failed.count
    var summary = "\(ok) ok"
    if !failed.isEmpty {
      summary +=
        ", \(failed.count) failed: "
        + failed.map { r in
          "\(r.cluster) — \(r.outcome.stoppedBy?.message ?? "exit status \(r.outcome.status)")"
        }.joined(separator: "; ")
    }
    if !failed.isEmpty || !quiet { Terminal.write(summary + "\n", to: STDERR_FILENO) }
    if parent.isCancelled { return ExitStatus.interrupted }
    return failed.isEmpty ? 0 : 1
  }
}
