import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct CurlCommand: DeclaredCommand {
  static let help = CommandHelp(
    ["curl"], summary: "print the curl command line equivalent to the last request",
    discussion:
      "Paths to the certificate files only, never key contents: safe to paste into a bug report.")
  func run(in context: CommandContext) throws -> CommandResult {
    guard let request = context.session.connection.lastRequest,
      let settings = context.session.tlsSettings
    else {
      throw Diagnostic(
        "no request has been made yet in this session",
        notes: ["run a command such as `version` first"])
    }
    return .text(FlockerClient.curlCommandLine(for: request, settings: settings))
  }
}
