import Foundation
import FshKit
import FshRuntime
import FshSandboxProtocol

/// Starts the sandbox for `--sandbox` (an `fsh-sandbox` child), keeping its state across runs.
enum SandboxLauncher {
  static func start(stateDirectory: String) throws -> SandboxProcess {
    var start = SandboxStart(directory: stateDirectory + "/sandbox", waitForAgents: true)
    start.port = 0
    start.ownerPID = getpid()
    start.ownerCommand = "fsh --sandbox"
    // One state directory, one writer: a sandbox already serving it is joined.
    if let running = SandboxProcess.joinRunning(directory: start.directory) { return running }
    do {
      // Restarted on saved state: it answers once the agents have reported again.
      return try SandboxProcess(start)
    } catch {
      throw LaunchFailure("cannot start the sandbox in \(start.directory): \(error)")
    }
  }
}

/// A failure before anything runs (the sandbox would not start): exit status 2.
struct LaunchFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
