import Foundation
import FshRuntime
import FshSandboxProtocol

#if canImport(Glibc)
  import Glibc
#endif

/// A running `fsh-sandbox`: the sandbox control service in a child process (its server and
/// threads stay out of fsh's own start-up). It is found beside the running fsh first, then on
/// PATH; it sits in a process group of its own (Ctrl-C in the REPL is fsh's), and it exits when
/// fsh closes its standard input or dies.
final class SandboxProcess {
  /// Why the child could not be started or stopped answering.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  let pid: pid_t
  let ready: SandboxReady
  private let pipe: LinePipe
  private var exitStatus: Int32?
  /// Whether this is a sandbox another fsh runs, joined rather than started (`joinRunning`).
  let joined: Bool

  var port: Int { ready.port }
  var directory: String { ready.directory }
  var certificatesDirectory: String { ready.certificatesDirectory }
  var userName: String { ready.userName }
  var caCertificatePath: String { ready.caCertificatePath }
  var userCertificatePath: String { ready.userCertificatePath }
  var userKeyPath: String { ready.userKeyPath }
  var nodeCount: Int { ready.nodeCount }

  /// `fsh-sandbox` beside this executable (its real path), else the first on PATH.
  static func locate() throws -> String {
    var beside: String?
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if n > 0 {
      let me = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let candidate = (me as NSString).deletingLastPathComponent + "/" + sandboxExecutableName
      if access(candidate, X_OK) == 0 { return candidate }
      beside = candidate
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for dir in path.split(separator: ":") where !dir.isEmpty {
      let candidate = dir + "/" + sandboxExecutableName
      if access(candidate, X_OK) == 0 { return candidate }
    }
    throw Failure(
      description: "'\(sandboxExecutableName)' is not installed: it was looked for "
        + (beside.map { "at '\($0)' (beside fsh) and " } ?? "")
        + "on PATH; `scripts/install` installs it beside fsh, and `swift build` builds it in "
        + ".build beside the fsh it builds")
  }

  /// A sandbox already serving this state directory (another `fsh sandbox serve` or
  /// `fsh --sandbox` holds its lock, `sandbox.lock`, and has written its port there): the one
  /// writer of the directory, so fsh talks to it rather than start a second one. Nil when no
  /// sandbox holds the directory, or the one that does is not serving yet.
  static func joinRunning(directory: String) -> SandboxProcess? {
    let path = directory + "/sandbox.lock"
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
      flock(descriptor, LOCK_UN)
      return nil  // nobody holds it
    }
    guard let data = FileManager.default.contents(atPath: path),
      let info = Value.json(data), let port = info["port"]?.intValue, port > 0,
      let user = info["user"]?.stringValue
    else { return nil }
    let ready = SandboxReady(
      port: port, directory: directory, certificatesDirectory: directory, userName: user,
      caCertificatePath: directory + "/cluster.crt",
      userCertificatePath: directory + "/\(user).crt", userKeyPath: directory + "/\(user).key",
      nodeCount: info["nodes"]?.intValue ?? 0)
    return SandboxProcess(joining: ready, pid: pid_t(info["pid"]?.intValue ?? 0))
  }

  private init(joining ready: SandboxReady, pid: pid_t) {
    self.pid = pid
    self.ready = ready
    self.pipe = LinePipe(readFD: -1, writeFD: -1)
    self.exitStatus = 0
    self.joined = true
  }

  /// Starts the child and waits until it serves (generating certificates can take seconds).
  init(_ start: SandboxStart) throws {
    joined = false
    let path = try Self.locate()
    var toChild: [Int32] = [-1, -1]
    var fromChild: [Int32] = [-1, -1]
    guard Self.pipe(&toChild) else { throw Failure(description: "pipe: \(errno)") }
    guard Self.pipe(&fromChild) else {
      close(toChild[0])
      close(toChild[1])
      throw Failure(description: "pipe: \(errno)")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group: the terminal's Ctrl-C goes to fsh, which stops it in order.
    posix_spawnattr_setpgroup(&attributes, 0)
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    sigaddset(&defaults, SIGTERM)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var child: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
    defer { argv.forEach { free($0) } }
    let spawned = posix_spawn(&child, path, &actions, &attributes, argv, environ)
    close(toChild[0])
    close(fromChild[1])
    guard spawned == 0 else {
      close(toChild[1])
      close(fromChild[0])
      throw Failure(
        description: "cannot run '\(path)': \(String(cString: strerror(spawned)))")
    }
    pid = child
    pipe = LinePipe(readFD: fromChild[0], writeFD: toChild[1])
    var answer: SandboxReady?
    var garbled = false
    if pipe.send(start) {
      do { answer = try pipe.receive(SandboxReady.self) } catch { garbled = true }
    }
    guard let answer else {
      // Something that is not fsh-sandbox speaking its protocol is not waited for.
      if garbled { kill(child, SIGKILL) }
      let how = Self.describe(Self.reap(child))
      close(toChild[1])
      close(fromChild[0])
      throw Failure(
        description: "'\(path)' "
          + (garbled ? "answered something other than its ready line" : how)
          + " before it was ready")
    }
    ready = answer
    if let error = answer.error {
      close(toChild[1])
      close(fromChild[0])
      _ = Self.reap(child)
      throw Failure(description: error)
    }
  }

  /// Asks the running child a question; fails clearly when it has gone.
  func ask(_ query: SandboxQuery) throws -> SandboxAnswer {
    guard exitStatus == nil, pipe.send(query), let answer = try pipe.receive(SandboxAnswer.self)
    else {
      throw Failure(description: "the sandbox (\(sandboxExecutableName)) \(stopAndDescribe())")
    }
    return answer
  }

  /// Blocks until the child closes its output: it exited, or was killed.
  func waitUntilGone() {
    while pipe.readLine() != nil {}
  }

  /// Closes its standard input, which stops it, and waits for it. Returns how it ended.
  @discardableResult
  func stopAndDescribe() -> String {
    if joined { return "was left running (it is not this fsh's)" }
    if exitStatus == nil {
      close(pipe.writeFD)
      // It stops at once; one that does not within 10 s is killed rather than waited for.
      var status: Int32 = 0
      var waited = 0
      while waitpid(pid, &status, WNOHANG) == 0 && waited < 1000 {
        usleep(10_000)
        waited += 1
      }
      if waited == 1000 { kill(pid, SIGKILL) }
      exitStatus = waited == 1000 ? Self.reap(pid) : status
      close(pipe.readFD)
    }
    return Self.describe(exitStatus ?? 0)
  }

  func stop() { stopAndDescribe() }

  /// A pipe whose ends no other program fsh runs inherits (pipe2 is not in Glibc's module).
  static func pipe(_ fds: inout [Int32]) -> Bool {
    guard Glibc.pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
  }

  static func reap(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status
  }

  /// A wait status in words: "exited with status 3", "was killed by signal 9".
  static func describe(_ status: Int32) -> String {
    let signal = status & 0x7f
    return signal == 0
      ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(signal)"
  }
}
