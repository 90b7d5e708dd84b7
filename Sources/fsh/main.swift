import ArgumentParser
import FshKit

// `fsh sandbox …` and `fsh complete …` are subcommands; everything else is the shell itself,
// whose trailing words belong to a script, so they are dispatched before ArgumentParser sees them.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "sandbox": SandboxCommand.main(Array(arguments.dropFirst()))
default: FshCommand.main(arguments)
}
