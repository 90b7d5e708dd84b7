import Foundation
import Testing

@testable import FshKit
@testable import FshRuntime

/// Each command lives in a file named by its words (`wait` in FshKit/Commands/Dataset/
/// WaitCommand.swift, `echo` in FshRuntime/Commands/EchoCommand.swift), and every command type
/// in Sources is in the standard table: a command cannot be written and left out.
struct CommandRegistryTests {
  static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources")
  /// The language's commands (FshRuntime) and the Flocker library's (FshKit).
  static let roots = ["FshRuntime/Commands", "FshKit/Commands"]

  /// The command types declared under Sources/FshKit/Commands, by file.
  static func declared() throws -> [(file: String, type: String)] {
    var out: [(String, String)] = []
    for root in roots {
      let dir = sources.appendingPathComponent(root)
      let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String }
      for f in files ?? [] where f.hasSuffix(".swift") {
        let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
        for line in text.split(separator: "\n")
        where line.contains("struct ")
          && (line.contains(": DeclaredCommand {") || line.contains(": Command {"))
        {
          guard let r = line.range(of: "struct ") else { continue }
          let name = line[r.upperBound...].prefix { $0 != ":" }
          out.append((root + "/" + f, String(name)))
        }
      }
    }
    return out
  }

  /// The type name a command's words give: `cluster add` → ClusterAddCommand, `api` → APICommand.
  static func typeName(_ words: [String]) -> String {
    words.map { $0 == "api" ? "API" : $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
      + "Command"
  }

  @Test func everyCommandIsInItsOwnFileNamedByItsWords() throws {
    let declared = try Self.declared()
    #expect(declared.count == CommandTable.standard.commands.count)
    for c in CommandTable.standard.commands {
      let type = Self.typeName(c.help.path)
      #expect(String(describing: c) == type, "\(c.help.name) is \(c) (want \(type))")
      let homes = declared.filter { $0.type == type }
      #expect(homes.count == 1, "\(type) is declared \(homes.count) times")
      #expect(homes.first.map { $0.file.hasSuffix("/\(type).swift") } == true, "\(homes)")
    }
  }

  @Test func everyDeclaredCommandIsInTheTable() throws {
    let listed = Set(CommandTable.standard.commands.map { String(describing: $0) })
    for d in try Self.declared() {
      #expect(listed.contains(d.type), "\(d.type) (\(d.file)) is not in CommandTable.standard")
    }
  }
}
