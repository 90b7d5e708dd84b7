// Runs the system commands of `COMMAND | tool … | tool …`: spawned with posix_spawnp, chained
// by pipes, fed the command's rendered output, their standard output read back.
import Foundation
import FshFiles

#if canImport(Glibc)
  import Glibc
#endif

/// System commands chained by pipes, as a shell runs `a | b | c`: the first reads `input`, the
/// last one's standard output is collected, standard error is fsh's own.
///
/// Each command is its words, run with `posix_spawnp` (found on `PATH`, no shell: nothing in
/// the words is interpreted again). The children stay in fsh's process group, as a shell's
/// foreground job: Ctrl-C at a terminal reaches them too. `cancelled` is polled while they
/// run; once it is true they are sent SIGTERM, then SIGKILL, and reaped.
package struct SystemPipeline {
  /// How one command ended.
  package enum Ending: Equatable {
    case exited(Int32)
    case signalled(Int32)
  }

  /// A command that could not be started.
  package struct SpawnFailure: Error {
    package var index: Int
    package var error: Int32
  }

  package var commands: [[String]]
  package var environment: [String: String]
  package var directory: String?

  /// What ran: each command's ending, the last one's output, and whether it was cancelled.
  package struct Run {
    package var endings: [Ending]
    package var output: [UInt8]
    package var cancelled: Bool
  }

  package func run(input: [UInt8], cancelled: @escaping () -> Bool) throws -> Run {
    precondition(!commands.isEmpty)
    var opened: [Int32] = []
    func makePipe() throws -> (read: Int32, write: Int32) {
      var fds: [Int32] = [-1, -1]
      guard pipe(&fds) == 0 else { throw SpawnFailure(index: 0, error: errno) }
      // Not inherited by the children: each gets only its own ends, as 0 and 1.
      for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
      opened += fds
      return (fds[0], fds[1])
    }
    func closeAll() {
      for fd in opened { close(fd) }
      opened = []
    }
    let inPipe: (read: Int32, write: Int32)
    var links: [(read: Int32, write: Int32)] = []
    let outPipe: (read: Int32, write: Int32)
    do {
      inPipe = try makePipe()
      for _ in 1..<commands.count { links.append(try makePipe()) }
      outPipe = try makePipe()
    } catch {
      closeAll()
      throw error
    }
    var environ = environment
    if environ["PATH"] == nil { environ["PATH"] = ProcessInfo.processInfo.environment["PATH"] }
    let envp: [UnsafeMutablePointer<CChar>?] =
      environ.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { envp.forEach { free($0) } }

    var pids: [pid_t] = []
    for (i, argv) in commands.enumerated() {
      let stdinFD = i == 0 ? inPipe.read : links[i - 1].read
      let stdoutFD = i == commands.count - 1 ? outPipe.write : links[i].write
      var actions = posix_spawn_file_actions_t()
      posix_spawn_file_actions_init(&actions)
      defer { posix_spawn_file_actions_destroy(&actions) }
      posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
      posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
      // (A directory that is gone is left out: a failed chdir would read as "no such command".)
      if let directory, access(directory, X_OK) == 0, let addChdir = SystemPipeline.addChdir {
        _ = addChdir(&actions, directory)
      }
      var attributes = posix_spawnattr_t()
      posix_spawnattr_init(&attributes)
      defer { posix_spawnattr_destroy(&attributes) }
      var noSignals = sigset_t()
      sigemptyset(&noSignals)
      posix_spawnattr_setsigmask(&attributes, &noSignals)
      // What fsh ignores or handles itself, a tool gets back as a shell gives it.
      var defaults = sigset_t()
      sigemptyset(&defaults)
      for s in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM] { sigaddset(&defaults, s) }
      posix_spawnattr_setsigdefault(&attributes, &defaults)
      posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
      let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
      defer { args.forEach { free($0) } }
      var pid: pid_t = 0
      let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, args, envp)
      guard spawned == 0 else {
        closeAll()
        for p in pids {
          kill(p, SIGKILL)
          _ = SystemPipeline.reap(p)
        }
        throw SpawnFailure(index: i, error: spawned)
      }
      pids.append(pid)
    }
    // The children hold their ends now; fsh keeps the write end of the first and the read end
    // of the last.
    close(inPipe.read)
    close(outPipe.write)
    for link in links {
      close(link.read)
      close(link.write)
    }
    opened = []

    let group = DispatchGroup()
    let collected = Collected()
    let writeFD = inPipe.write
    let readFD = outPipe.read
    group.enter()
    Thread.detachNewThread {
      SystemPipeline.writeAll(input, to: writeFD)
      close(writeFD)
      group.leave()
    }
    group.enter()
    Thread.detachNewThread {
      collected.output = SystemPipeline.readAll(readFD)
      close(readFD)
      group.leave()
    }
    let reaped = Collected()
    let children = pids
    group.enter()
    Thread.detachNewThread {
      reaped.statuses = children.map(SystemPipeline.reap)
      group.leave()
    }
    var wasCancelled = false
    var killedAt: Date?
    while group.wait(timeout: .now() + 0.05) == .timedOut {
      guard cancelled() else { continue }
      if !wasCancelled {
        wasCancelled = true
        killedAt = Date()
        for p in pids { kill(p, SIGTERM) }
      } else if let at = killedAt, Date().timeIntervalSince(at) > 1 {
        for p in pids { kill(p, SIGKILL) }
        killedAt = nil
      }
    }
    let endings = reaped.statuses.map { status -> Ending in
      // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
      status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }
    return Run(endings: endings, output: collected.output, cancelled: wasCancelled)
  }

  /// Filled in by the threads, read after `group.wait` (which orders the accesses).
  private final class Collected: @unchecked Sendable {
    package var output: [UInt8] = []
    package var statuses: [Int32] = []
  }

  /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc
  /// module does not declare: the tools run in the session's working directory.
  package typealias AddChdir =
    @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
  package static let addChdir: AddChdir? = dlsym(
    UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np"
  ).map { unsafeBitCast($0, to: AddChdir.self) }

  package static func reap(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status
  }

  /// Writes everything, or until the reader is gone (a tool that stops reading, like
  /// `head -1`, must not end fsh): see `PipeWrite`.
  package static func writeAll(_ bytes: [UInt8], to fd: Int32) { PipeWrite.all(bytes, to: fd) }

  package static func readAll(_ fd: Int32) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return out }
      out.append(contentsOf: buffer[0..<n])
    }
  }
}
