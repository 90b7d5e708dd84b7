import CFshSupport
import Foundation
import FshClient
import FshKit
import FshModel
import FshRuntime

// `fsh sandbox …` and `fsh complete …` are subcommands; everything else is the shell itself,
// whose command line `ShellLaunch.parse` reads through fsh's option table.
// libcurl must be initialised before any thread starts (the REPL refreshes names on one).
CurlTransport.initializeLibrary()
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "sandbox" where arguments.dropFirst().first == "serve":
  SandboxServe.main(Array(arguments.dropFirst(2)))
case "sandbox": SandboxCommand.main(Array(arguments.dropFirst()))
case "complete": CompleteCommand.main(Array(arguments.dropFirst()))
default:
  // The shell's allocator set up for large listings (see `cfsh_tune_malloc`); not the
  // sandbox's server, whose many threads want arenas of their own.
  _ = cfsh_tune_malloc()
  ShellLaunch.main(arguments)
}
