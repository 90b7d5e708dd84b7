/// The commands a session knows: one row per command type. `help`, completion and
/// "did you mean" all read this table; the interpreter names no command.
public struct CommandTable {
  public private(set) var commands: [any Command.Type]
  /// Spellings (path or alias) by their first word, for lookup without a scan.
  private var byFirstWord: [String: [(spelling: [String], command: any Command.Type)]] = [:]

  public init(_ commands: [any Command.Type]) {
    // A later row with the same words replaces an earlier one, as `register` does. (The words
    // joined, not a `Set<[String]>`: that one set's generic metadata cost a scan of every
    // protocol conformance in the binary at start-up.)
    var seen = Set<String>()
    self.commands = commands.reversed().filter { seen.insert($0.help.name).inserted }.reversed()
    reindex()
  }

  /// Adds a command, replacing one with the same words.
  public mutating func register(_ command: any Command.Type) {
    commands.removeAll { $0.help.path == command.help.path }
    commands.append(command)
    reindex()
  }

  private mutating func reindex() {
    byFirstWord = [:]
    for c in commands {
      for spelling in [c.help.path] + c.help.aliases {
        guard let first = spelling.first else { continue }
        byFirstWord[first, default: []].append((spelling, c))
      }
    }
  }

  /// Finds the command named by the leading words: the longest matching path or alias wins.
  package func lookup(_ words: [String]) -> (command: any Command.Type, length: Int)? {
    guard let first = words.first, let candidates = byFirstWord[first] else { return nil }
    var best: (any Command.Type, Int)? = nil
    for (spelling, c) in candidates where spelling.count <= words.count {
      if spelling.count > (best?.1 ?? 0), words.starts(with: spelling) {
        best = (c, spelling.count)
      }
    }
    return best.map { (command: $0.0, length: $0.1) }
  }

  /// The first words of all commands, sorted (for completion and suggestions).
  package var firstWords: [String] {
    var seen = Set<String>()
    var out: [String] = []
    for c in commands {
      for spelling in [c.help.path] + c.help.aliases where !c.help.hidden {
        if let f = spelling.first, seen.insert(f).inserted { out.append(f) }
      }
    }
    return out.sorted()
  }

  /// The subcommand words after `group` (`cluster` → add, remove).
  package func subcommands(of group: [String]) -> [String] {
    var out = Set<String>()
    for c in commands where !c.help.hidden {
      for spelling in [c.help.path] + c.help.aliases
      where spelling.count > group.count && Array(spelling.prefix(group.count)) == group {
        out.insert(spelling[group.count])
      }
    }
    return out.sorted()
  }

  /// The command types whose words start with `group`, for `help cluster`.
  package func commands(under group: [String]) -> [any Command.Type] {
    commands.filter { Array($0.help.path.prefix(group.count)) == group }
  }
}
