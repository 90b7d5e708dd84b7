import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct VersionCommand: DeclaredCommand {
  static let help = CommandHelp(
    ["version"], summary: "show the control service's Flocker version and fsh's")
  func run(in context: CommandContext) throws -> CommandResult {
    let v = try context.cluster { try $0.version() }
    let c = context.configuration
    let r = Record([
      ("flocker", .string(v.flocker)), ("control_service", .string("\(c.host ?? ""):\(c.port)")),
      ("fsh", .string(FshVersion.current)),
    ])
    return CommandResult(.record(r), .record)
  }
}
