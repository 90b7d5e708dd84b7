import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct APICommand: DeclaredCommand {
  enum Method: String, ChoiceValue { case GET, POST, DELETE }
  @Arg(.positional("METHOD", "GET (when left out), POST or DELETE").onlyItsChoices())
  var given: Method?
  @Arg(.positional("PATH", "a path under /v1, e.g. /v1/state/nodes or state/nodes"))
  var written: String
  @Arg(.positional("JSON", "the request body for POST (quote it)")) var body: CommandArgument?
  @Arg(.option(["--if-match"], "TAG", "send X-If-Configuration-Matches: TAG"))
  var ifMatch: String?
  static let help = CommandHelp(
    ["api"], summary: "send a raw request to the v1 API and print the JSON answer",
    parameters: declared,
    discussion: "Any status is shown with its body; a 4xx or 5xx status makes the command fail.",
    examples: [
      "api /v1/state/nodes",
      "api POST /v1/configuration/leases '{\"dataset_id\": \"…\", \"node_uuid\": \"…\", \"expires\": null}'",
    ])
  var method: String { (given ?? .GET).rawValue }
  /// The path under /v1, however it was written.
  var path: String {
    var text = written
    if !text.hasPrefix("/") { text = "/" + text }
    if !text.hasPrefix("/v1/") && text != "/v1" { text = "/v1" + text }
    return text
  }
  func validate(_ arguments: Arguments) throws {
    if let body, method != "POST" {
      throw Diagnostic.usage(
        "\(method) takes no body", notes: ["only POST sends JSON"], range: body.range)
    }
  }
  func run(in context: CommandContext) throws -> CommandResult {
    // What this changes is not written into the reusable read (`RecentRead`): drop it.
    defer { Datasets.forgetRecent(context) }
    var bodyBytes: [UInt8]? = nil
    if let body {
      let text = body.value.isRecordOrList ? JSON.encode(body.value, pretty: false) : body.text
      do {
        _ = try JSON.decode(text)
      } catch {
        throw Diagnostic.usage(
          "the body is not valid JSON: \(error)",
          notes: ["quote the JSON in single quotes: '{\"primary\": \"…\"}'"], range: body.range)
      }
      bodyBytes = Array(text.utf8)
    } else if method == "POST" {
      bodyBytes = Array("{}".utf8)
    }
    var headers: [(String, String)] = []
    if let ifMatch { headers.append(("X-If-Configuration-Matches", ifMatch)) }
    let response = try context.cluster { client in
      // Through the client, not its transport: `curl` then shows this request.
      try client.send(
        HTTPRequest(method: method, path: path, headers: headers, body: bodyBytes))
    }
    let value: Value
    if response.body.isEmpty {
      value = .null
    } else if let v = try? JSON.decode(response.body) {
      value = v
    } else {
      value = .string(response.bodyText)
    }
    if response.status >= 400 {
      let desc = value["description"]?.text ?? value.text
      throw Diagnostic(
        "\(method) \(path) answered HTTP \(response.status): \(desc)", code: .cluster,
        notes: (value["errors"]?.elements.map { "server: \($0.text)" }) ?? [])
    }
    if let tag = response.header("X-Configuration-Tag") {
      context.note("X-Configuration-Tag: \(tag)")
    }
    return CommandResult(value, .rendered(JSON.encode(value) + "\n"))
  }
}
