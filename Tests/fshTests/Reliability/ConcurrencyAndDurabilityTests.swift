// Concurrency (history and profiles written by several fsh at once) and durability (a sandbox
// killed with SIGKILL in the middle of a burst of creates loses nothing it acknowledged).
import Foundation
import FshTestSupport
import Testing

@testable import fsh

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Reliability: concurrency and durability", .blocking)
struct ReliabilityConcurrencyTests {
  /// Two writers appending at once keep every line. Each writer opens the file itself, so the
  /// `flock` between the two threads is the same as between two processes (locks belong to open
  /// file descriptions, not to processes).
  @Test func twoSessionsAppendingHistoryKeepEveryLine() throws {
    let path = BinaryTests.tempHome() + "/fsh/history"
    let perWriter = 1_000
    DispatchQueue.concurrentPerform(iterations: 2) { writer in
      let h = HistoryFile(path: path, limit: 100_000)
      for n in 0..<perWriter { h.append("writer \(writer) entry \(n) with\na newline") }
    }
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == 2 * perWriter)
    #expect(Set(lines).count == 2 * perWriter)
    for writer in 0..<2 {
      for n in [0, perWriter / 2, perWriter - 1] {
        #expect(lines.contains(Substring("writer \(writer) entry \(n) with\\na newline")))
      }
    }
    let loaded = HistoryFile(path: path, limit: 100_000).load()
    #expect(loaded.count == 2 * perWriter)
    #expect(loaded.allSatisfy { $0.hasSuffix("with\na newline") })
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  /// With trimming (the file is replaced while the other writer waits for the lock) every line
  /// is still whole and the newest entries of both writers survive.
  @Test func concurrentTrimmingNeverTearsLines() throws {
    let path = BinaryTests.tempHome() + "/fsh/history"
    let limit = 50
    DispatchQueue.concurrentPerform(iterations: 2) { writer in
      let h = HistoryFile(path: path, limit: limit)
      for n in 0..<600 { h.append("w\(writer)-\(n)-" + String(repeating: "x", count: 40)) }
    }
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    // Trimmed once over 25% above the limit and 4 KiB (these lines are 50 bytes).
    #expect(lines.count <= max(limit + limit / 4, 4096 / 50) + 1)
    let whole = { (line: Substring) -> Bool in
      let parts = line.split(separator: "-", omittingEmptySubsequences: false)
      return parts.count == 3 && (parts[0] == "w0" || parts[0] == "w1") && Int(parts[1]) != nil
        && parts[2] == String(repeating: "x", count: 40)
    }
    #expect(lines.allSatisfy(whole), "\(lines)")
    // The writer that finished last still has its last entry (the other's may be trimmed).
    #expect(
      lines.contains { $0.hasPrefix("w0-599-") } || lines.contains { $0.hasPrefix("w1-599-") })
  }

  /// Eight `fsh -c 'cluster add …'` processes at once: every profile is kept and the file
  /// always parses.
  @Test func concurrentClusterAddKeepsEveryProfile() throws {
    let home = BinaryTests.tempHome()
    let count = 8
    var failures: [String] = []
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: count) { n in
      do {
        let r = try BinaryTests.run(
          ["-c", "cluster add p\(n) host 10.0.0.\(n + 1) certs /etc/flocker user u\(n)"],
          env: ["HOME": home])
        if r.status != 0 {
          lock.lock()
          failures.append(r.stderr)
          lock.unlock()
        }
      } catch {
        lock.lock()
        failures.append("\(error)")
        lock.unlock()
      }
    }
    #expect(failures.isEmpty, "\(failures)")
    let r = try BinaryTests.run(["-c", "clusters -o json"], env: ["HOME": home])
    #expect(r.status == 0, "\(r.stderr)")
    for n in 0..<count { #expect(r.stdout.contains("\"p\(n)\""), "\(r.stdout)") }
    let file = home + "/.config/fsh/clusters.yml"
    let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    // No temporary files are left behind.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: home + "/.config/fsh")
      .filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty)
  }

  /// `kill -9` of `fsh sandbox serve` in the middle of a burst of creates: after a restart on the
  /// same directory every create that was acknowledged (printed by the script) is there, and
  /// `current_configuration.json` parsed every time it was read during the burst.
  @Test func sandboxKilledMidBurstLosesNoAcknowledgedCreate() throws {
    let served = try ServedSandbox(flags: [])
    let directory = served.directory
    let configuration = directory + "/current_configuration.json"
    // A reader that parses the configuration file continuously during the burst.
    let stop = SharedBox(false)
    let reads = SharedBox(0)
    let seen = SharedBox(0)
    let badReads = SharedBox(0)
    let reader = Thread {
      while !stop.value {
        if let data = FileManager.default.contents(atPath: configuration) {
          reads.add(1)
          if (try? JSONSerialization.jsonObject(with: data)) == nil { badReads.add(1) }
          let text = String(decoding: data, as: UTF8.self)
          seen.set(max(seen.value, text.components(separatedBy: "burst-").count - 1))
        }
        // A few hundred reads a second are plenty, and leave the core to the burst.
        usleep(2_000)
      }
    }
    reader.start()
    defer { stop.set(true) }

    // The burst: one fsh process creating datasets; a line is printed after each 201.
    let p = Process()
    p.executableURL = URL(fileURLWithPath: BinaryTests.binary)
    // One statement per create, so that each acknowledgement is printed as it happens.
    var script = "set timeout 2s\nlet n = (nodes).0.uuid\n"
    for i in 1...1000 { script += "create burst-\(i) 1G on $n -o csv\necho ack burst-\(i)\n" }
    let scriptPath = BinaryTests.tempHome() + "/burst.fsh"
    try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
    p.arguments = [scriptPath]
    var env = served.environment
    env["HOME"] = BinaryTests.tempHome()
    env["PATH"] = "/usr/bin:/bin"
    p.environment = env
    let out = Pipe()
    p.standardOutput = out
    let errorPath = scriptPath + ".err"
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    p.standardError = FileHandle(forWritingAtPath: errorPath)
    try p.run()
    // Read the output as it comes (a full pipe would stall fsh) and kill the sandbox once it has
    // stored 50 datasets: mid-burst, the client is between requests or waiting for an answer.
    let collected = SharedBox("")
    let drained = DispatchSemaphore(value: 0)
    let drain = Thread {
      defer { drained.signal() }
      while true {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        collected.set(collected.value + String(decoding: chunk, as: UTF8.self))
      }
    }
    drain.start()
    let deadline = Date().addingTimeInterval(30)
    while seen.value < 50 && Date() < deadline && p.isRunning { usleep(2_000) }
    served.kill9()
    p.waitUntilExit()
    drained.wait()  // end of file: fsh has exited and everything it printed is here
    let buffer = collected.value
    var acknowledged: [String] = []
    let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    // Split on scalars: a "\r\n" would be one Character, which is not "\n".
    acknowledged = buffer.unicodeScalars.split(separator: "\n").map(String.init).filter {
      $0.hasPrefix("ack ")
    }.map {
      String($0.dropFirst(4))
    }
    stop.set(true)
    #expect(p.terminationStatus == 1, "the burst should fail when the sandbox dies")
    #expect(
      acknowledged.count >= 40, "stdout: \(buffer.prefix(400).debugDescription)\nstderr: \(stderr)")

    // The file on disk parses and holds every acknowledged create.
    let data = try #require(FileManager.default.contents(atPath: configuration))
    #expect((try? JSONSerialization.jsonObject(with: data)) != nil)
    #expect(badReads.value == 0, "\(badReads.value) of \(reads.value) reads did not parse")

    // Restarted on the same directory, the service serves them all.
    let restarted = try ServedSandbox(flags: [], directory: directory)
    let r = try BinaryTests.run(["-c", "datasets -o json"], env: restarted.environment)
    #expect(r.status == 0, "\(r.stderr)")
    let missing = acknowledged.filter { !r.stdout.contains("\"\($0)\"") }
    #expect(missing.isEmpty, "lost after kill -9: \(missing)")
    print(
      "durability: \(acknowledged.count) acknowledged creates, all present after kill -9; "
        + "\(reads.value) reads of the file during the burst, \(badReads.value) unparsable")
  }
}

/// A tiny lock-protected box (the test only needs a few shared counters).
final class SharedBox<T>: @unchecked Sendable {
  private var v: T
  private let lock = NSLock()
  init(_ v: T) { self.v = v }
  var value: T {
    lock.lock()
    defer { lock.unlock() }
    return v
  }
  func set(_ new: T) {
    lock.lock()
    v = new
    lock.unlock()
  }
}

extension SharedBox where T == Int {
  func add(_ n: Int) {
    lock.lock()
    v += n
    lock.unlock()
  }
}
