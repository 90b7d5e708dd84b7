import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a session reads from the process: its variables and working directory, and where its
/// configuration and state live.
public struct SessionEnvironment: Sendable {
  /// Environment variables.
  public var variables: [String: String]
  public var workingDirectory: String
  /// What a host's command line gave a library (fsh's `--cluster` and `--host`-style flags:
  /// FshKit reads them), by name.
  package var launchSettings: [String: String] = [:]
  /// Where profiles live: `$XDG_CONFIG_HOME/fsh` (default `~/.config/fsh`).
  public var configDirectory: String
  /// Where history and caches live: `$XDG_STATE_HOME/fsh` (default `~/.local/state/fsh`).
  public var stateDirectory: String

  public init(
    variables: [String: String], workingDirectory: String, configDirectory: String? = nil,
    stateDirectory: String? = nil
  ) {
    self.variables = variables
    self.workingDirectory = workingDirectory
    let home = variables["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    func xdg(_ name: String, _ fallback: String) -> String {
      if let v = variables[name], v.hasPrefix("/") { return Paths.join(v, "fsh") }
      return Paths.join(Paths.join(home, fallback), "fsh")
    }
    self.configDirectory = configDirectory ?? xdg("XDG_CONFIG_HOME", ".config")
    self.stateDirectory = stateDirectory ?? xdg("XDG_STATE_HOME", ".local/state")
  }

  /// The running process's environment and working directory.
  public static func current() -> SessionEnvironment {
    SessionEnvironment(
      variables: processVariables(), workingDirectory: FileManager.default.currentDirectoryPath)
  }

  /// The process's environment variables, read from `environ` as `getenv` sees them (the first
  /// of two entries with one name wins; an entry without `=` is no variable). This is what
  /// `ProcessInfo.processInfo.environment` returns, without creating `ProcessInfo` (a cost
  /// every one-shot `fsh -c` would pay; Benchmarks/NOTES.md).
  package static func processVariables() -> [String: String] {
    var variables: [String: String] = [:]
    // NULL after clearenv(3) in an embedding program, though Swift imports it as non-optional.
    let start = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>(
      bitPattern: UInt(bitPattern: environ))
    guard var entry = start else { return variables }
    while let cString = entry.pointee {
      let text = String(cString: cString)
      if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
        let name = String(text[..<equals])
        if variables[name] == nil { variables[name] = String(text[text.index(after: equals)...]) }
      }
      entry += 1
    }
    return variables
  }
}
