import ArgumentParser
import Foundation
import FshClient
import FshKit

// `fsh sandbox …` and `fsh complete …` are subcommands; everything else is the shell itself,
// whose trailing words belong to a script, so they are dispatched before ArgumentParser sees them.
// libcurl must be initialised before any thread starts (the REPL refreshes names on one).
CurlTransport.initializeLibrary()
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "sandbox": SandboxCommand.main(Array(arguments.dropFirst()))
case "complete": CompleteCommand.main(Array(arguments.dropFirst()))
default:
  // The common command lines skip ArgumentParser (see `ShellLaunch`).
  if let quick = ShellLaunch.quick(arguments) { quick.runAndExit() }
  // Bad flags are a usage error: exit status 2, like a script that does not parse.
  do {
    var command = try FshCommand.parseAsRoot(FshCommand.separatingScriptArguments(arguments))
    try command.run()
  } catch let e as ExitCode {
    exit(e.rawValue)  // the status of a run: no message to build
  } catch {
    let code = FshCommand.exitCode(for: error)
    if code == .validationFailure {
      FileHandle.standardError.write(Data((FshCommand.fullMessage(for: error) + "\n").utf8))
      exit(ExitStatus.usage)
    }
    FshCommand.exit(withError: error)
  }
}
