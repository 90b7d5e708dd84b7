// One writer per sandbox directory: `sandbox.lock` (flock(2)) with the holder's pid, command and
// port written into it, and a wait for a holder whose owner is gone.

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension Sandbox {
  /// The directories locked by live sandboxes of this process. A lock found held on another
  /// directory that this process recorded is a closed sandbox's descriptor that a child process
  /// inherited between its fork and exec (Foundation's Process closes descriptors one by one):
  /// it is waited for, not refused.
  private static let heldLock = NSLock()
  nonisolated(unsafe) private static var held: Set<String> = []
  private static func holds(_ directory: String) -> Bool {
    heldLock.lock()
    defer { heldLock.unlock() }
    return held.contains(directory)
  }
  static func setHeld(_ directory: String, _ on: Bool) {
    heldLock.lock()
    defer { heldLock.unlock() }
    if on { held.insert(directory) } else { held.remove(directory) }
  }
  /// Takes `<directory>/sandbox.lock` (flock(2), exclusive, not waiting); a sandbox holding it
  /// already is named in the error.
  static func lockDirectory(_ directory: String, options: SandboxOptions) throws -> Int32 {
    let path = directory + "/sandbox.lock"
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw SandboxError.io(path: path, errno: errno) }
    if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      var bytes = [UInt8](repeating: 0, count: 4096)
      guard code == EWOULDBLOCK || code == EAGAIN else {
        Glibc.close(descriptor)
        throw SandboxError.io(path: path, errno: code)
      }
      if waitForOrphanedHolder(descriptor, directory: directory) {
        writeLockInfo(descriptor, options: options, port: nil, nodeCount: 0)
        setHeld(directory, true)
        return descriptor
      }
      let count = pread(descriptor, &bytes, bytes.count, 0)
      Glibc.close(descriptor)
      let info = (try? parseJSON(Array(bytes.prefix(max(0, count))))).flatMap { value in
        if case .object(let object) = value { return object }
        return nil
      }
      var pid = "?"
      if case .int(let value)? = info?["pid"] { pid = String(value) }
      let command = info?["command"]?.stringValue ?? "fsh-sandbox"
      throw SandboxError.directoryInUse(directory: directory, pid: pid, command: command)
    }
    writeLockInfo(descriptor, options: options, port: nil, nodeCount: 0)
    setHeld(directory, true)
    return descriptor
  }

  /// When the process that owns the lock's holder is gone (an `fsh sandbox serve` killed with
  /// SIGKILL: its fsh-sandbox child is saving and exiting), waits up to 5 s for the lock.
  /// Returns whether it was taken.
  static func waitForOrphanedHolder(_ descriptor: Int32, directory: String) -> Bool {
    var bytes = [UInt8](repeating: 0, count: 4096)
    let count = pread(descriptor, &bytes, bytes.count, 0)
    guard count > 0, case .object(let info)? = try? parseJSON(Array(bytes.prefix(count))),
      case .int(let owner)? = info["pid"], owner > 0
    else { return false }
    let ownerGone = owner != Int64(getpid()) && kill(pid_t(owner), 0) != 0 && errno == ESRCH
    var closedHere = false
    if case .int(let server)? = info["sandbox_pid"], server == Int64(getpid()) {
      closedHere = !holds(directory)
    }
    guard ownerGone || closedHere else { return false }
    for _ in 0..<250 {
      usleep(20_000)
      if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
    }
    return false
  }

  /// What the lock file says: who holds the directory, and where it serves once it does.
  static func writeLockInfo(
    _ descriptor: Int32, options: SandboxOptions, port: Int?, nodeCount: Int
  ) {
    let document = JSONValue.object(
      JSONObject([
        ("pid", .int(Int64(options.ownerPID ?? getpid()))),
        ("sandbox_pid", .int(Int64(getpid()))),
        ("directory", .string(options.directory)),
        ("command", .string(options.ownerCommand ?? "fsh-sandbox --dir \(options.directory)")),
        ("host", .string(options.host)),
        ("port", port.map { .int(Int64($0)) } ?? .null),
        ("user", .string(options.userName)), ("nodes", .int(Int64(nodeCount))),
      ]))
    let bytes = encodeJSON(document) + [0x0A]
    _ = ftruncate(descriptor, 0)
    _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
  }
}
