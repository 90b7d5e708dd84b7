import Foundation
import FshKit
import FshRuntime
import FshTestSupport
import Testing

/// Issue 30: `Session.cancel()` from another thread stops a `while` loop and a pipe to a
/// system command (the command killed, the script interrupted).
@Suite(.blocking) struct LoopAndPipeCancelTests {
  func session(_ host: CollectingHost) -> Session {
    let home = FileManager.default.temporaryDirectory
      .appendingPathComponent("fsh-cancel-\(UInt32.random(in: 0...UInt32.max))").path
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    return Session(
      environment: SessionEnvironment(variables: ["HOME": home], workingDirectory: home),
      host: host)
  }

  /// Hang guard (not a speed goal): 25 times the 0.2 s before the cancel.
  static let hangGuard = 5.0

  /// Runs `text` on another thread, cancelling it after 0.2 s; nil when it did not stop within
  /// the hang guard (the test then fails instead of hanging).
  func runCancelled(_ s: Session, _ text: String) -> Outcome? {
    let done = DispatchSemaphore(value: 0)
    let box = OutcomeBox()
    Thread.detachNewThread {
      box.outcome = s.run(text, name: "cancel")
      done.signal()
    }
    // A thread of its own: under a loaded test run, Dispatch's pool sent the cancel seconds late.
    Thread.detachNewThread {
      Thread.sleep(forTimeInterval: 0.2)
      s.cancel()
    }
    guard done.wait(timeout: .now() + Self.hangGuard) == .success else { return nil }
    return box.outcome
  }

  final class OutcomeBox: @unchecked Sendable { var outcome: Outcome? }

  @Test func cancelStopsAWhileLoop() {
    let host = CollectingHost()
    let s = session(host)
    let start = Date()
    // A thread of its own: under a loaded test run, Dispatch's pool sent the cancel seconds late.
    Thread.detachNewThread {
      Thread.sleep(forTimeInterval: 0.2)
      s.cancel()
    }
    let o = s.run("let n = 0\nwhile true { let n = $n + 1 }\necho never", name: "loop")
    #expect(
      Date().timeIntervalSince(start) < Self.hangGuard,
      "hang guard: the cancel did not stop the loop")
    #expect(o.status == 130)
    #expect(o.stoppedBy?.code == .cancelled)
    #expect(host.results.isEmpty)
    // It ran: the counter moved.
    if case .int(let n)? = s.variable("n") { #expect(n > 0) } else { Issue.record("n") }
  }

  /// The loop itself checks for a cancel: an empty body runs no statement that would.
  @Test func cancelStopsAnEmptyWhileLoop() {
    let s = session(CollectingHost())
    guard let o = runCancelled(s, "while true { }") else {
      Issue.record("hang guard: the cancel did not stop the loop")
      return
    }
    #expect(o.status == 130)
  }

  @Test func cancelKillsAPipedCommand() {
    let host = CollectingHost()
    let s = session(host)
    let marker = "fsh-cancel-\(UInt32.random(in: 0...UInt32.max))"
    guard
      let o = runCancelled(
        s,
        "echo x | sh -c 'echo $$ > \(marker).pid; exec sleep \(Int(Self.hangGuard * 10))'\necho never"
      )
    else {
      Issue.record("hang guard: the cancel did not stop the piped command")
      return
    }
    #expect(o.status == 130)
    #expect(o.stoppedBy?.code == .cancelled)
    #expect(host.results.isEmpty)
    // The child is gone (reaped), not left running.
    let pidFile = s.environment.workingDirectory + "/\(marker).pid"
    if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
      #expect(kill(pid, 0) != 0, "the piped command still runs")
      try? FileManager.default.removeItem(atPath: pidFile)
    }
  }

  /// A tool that stops reading (`head -c 1`) ends the pipe; fsh is not killed by SIGPIPE.
  @Test func aToolThatStopsReadingIsNotAFailure() {
    let host = CollectingHost()
    let s = session(host)
    let long = String(repeating: "x", count: 300_000)
    s.setVariable("long", .string(long))
    let o = s.run("echo $long | head -c 3", name: "pipe")
    #expect(o.status == 0, "\(o.stoppedBy.map { "\($0)" } ?? "")")
    #expect(o.values.first == .string("xxx"))
  }
}
