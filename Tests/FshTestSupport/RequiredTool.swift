// What every test target shares: finding the command-line tools tests use, and running a
// command as an unprivileged user when the suite runs as root.
import Foundation

/// A tool a test needs, found through PATH. A missing tool is a failure that names the Debian
/// package to install (scripts/setup installs every one): a test never passes by skipping.
public enum RequiredTool {
  /// Why a test could not run.
  public struct Missing: Error, CustomStringConvertible {
    public let description: String
  }

  /// The path of `name` on PATH; throws naming `package` when it is not there.
  public static func path(_ name: String, package: String) throws -> String {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    for dir in dirs where !dir.isEmpty {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw Missing(
      description:
        "'\(name)' is not on PATH: install the Debian package '\(package)' (scripts/setup does)")
  }

  /// `openssl` (package openssl).
  public static func openssl() throws -> String { try path("openssl", package: "openssl") }
  /// `curl` (package curl).
  public static func curl() throws -> String { try path("curl", package: "curl") }
  /// The real python3 interpreter (package python3), not a pyenv-style shim that would
  /// survive `terminate()`.
  public static func python3() throws -> String {
    let shim = try path("python3", package: "python3")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: shim)
    p.arguments = ["-c", "import sys, ssl, json, http.server; print(sys.executable)"]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let exe = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard p.terminationStatus == 0, !exe.isEmpty else {
      throw Missing(
        description:
          "'\(shim)' cannot import ssl, json and http.server: install the Debian package 'python3'")
    }
    return exe
  }
}

/// Runs a command as the unprivileged user `nobody` when the tests run as root (as CI does),
/// so checks of what an ordinary user cannot do run there too.
public enum Unprivileged {
  /// Whether the process runs as root (the check must then drop privileges to mean anything).
  public static var isRoot: Bool { geteuid() == 0 }

  /// `command` with its arguments, wrapped in `setpriv` to `nobody` when running as root.
  public static func command(_ executable: String, _ arguments: [String]) throws -> [String] {
    guard isRoot else { return [executable] + arguments }
    let setpriv = try RequiredTool.path("setpriv", package: "util-linux")
    return [
      setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", executable,
    ] + arguments
  }

  /// A fresh directory `nobody` can enter and write (world-writable, sticky), for copies of
  /// what an unprivileged command must reach.
  public static func sharedDirectory(_ label: String) throws -> String {
    let dir = "/tmp/fsh-unprivileged-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    chmod(dir, 0o1777)
    return dir
  }
}
