// Words to values: literal text, `$name.field` variables, `$@` splats, `(command)` substitutions.
import Foundation
import FshLanguage

extension Interpreter {
  // MARK: - Words

  /// `$@` as a whole word expands to one argument per script argument.
  package func splat(_ w: Word) throws -> [String]? {
    guard w.substitution == nil, w.parts.count == 1, case .variable("@", let path, _) = w.parts[0],
      path.isEmpty
    else { return nil }
    return session.positional
  }

  /// Expands a word into an argument: variables, fields and command substitution.
  package func evaluate(_ w: Word) throws -> CommandArgument {
    if let call = w.substitution {
      var value = try run(call).throwingFailure().value
      var walked = "(\(call.words.compactMap(\.bareText).joined(separator: " ")))"
      for field in w.substitutionPath {
        guard let next = value[field] else {
          throw Interpreter.noField(walked, field, in: value, range: w.range)
        }
        value = next
        walked += "." + field
      }
      return CommandArgument(value, isBare: false, range: w.range)
    }
    if w.parts.count == 1, case .variable(let name, let path, let range) = w.parts[0] {
      return CommandArgument(try lookup(name, path, range), isBare: false, range: w.range)
    }
    var text = ""
    var bare = true
    for p in w.parts {
      switch p {
      case .literal(let s, let quoted):
        text += s
        if quoted { bare = false }
      case .variable(let name, let path, let range):
        text += try lookup(name, path, range).text
        bare = false
      }
    }
    return CommandArgument(.string(text), isBare: bare, range: w.range)
  }

  package func lookup(_ name: String, _ path: [String], _ range: SourceRange) throws -> Value {
    var value: Value
    if name == "@" {
      value = .list(session.positional.map(Value.string))
    } else if name == "#" {
      value = .int(session.positional.count)
    } else if let n = Int(name) {
      if n == 0 {
        value = .string(session.scriptName)
      } else if n <= session.positional.count {
        value = .string(session.positional[n - 1])
      } else {
        throw Diagnostic(
          "script argument $\(n) was not given", code: .undefinedVariable,
          notes: [
            session.positional.isEmpty
              ? "the script was run without arguments: fsh script.fsh ARG…"
              : "the script has \(session.positional.count) argument(s); check with `if $# >= \(n)`"
          ], range: range)
      }
    } else if let v = session.variables[name] {
      value = v
    } else if let e = session.environment.variables[name] {
      value = .string(e)
    } else {
      var notes = ["define it with `let \(name) = …`"]
      let known = session.variables.keys.filter { !$0.hasPrefix("\u{0}") && $0 != "?" }
      if let near = Suggest.nearest(name, in: Array(known)) {
        notes.insert("did you mean '$\(near)'?", at: 0)
      }
      throw Diagnostic(
        "undefined variable '\(name)'", code: .undefinedVariable, notes: notes, range: range)
    }
    var walked = name
    for field in path {
      guard let next = value[field] else {
        throw Interpreter.noField(walked, field, in: value, range: range)
      }
      value = next
      walked += "." + field
    }
    return value
  }

  package static func noField(
    _ walked: String, _ field: String, in value: Value, range: SourceRange
  )
    -> Diagnostic
  {
    var notes: [String] = []
    if case .record(let r) = value {
      notes.append("'\(walked)' has the fields: \(r.keys.joined(separator: ", "))")
      if let near = Suggest.nearest(field, in: r.keys) {
        notes.insert("did you mean '\(near)'?", at: 0)
      }
    } else if case .list(let l) = value {
      notes.append(
        "'\(walked)' is a list of \(l.count); use an index from 0 to \(max(0, l.count - 1))")
    } else {
      notes.append("'\(walked)' is '\(value.text)', which has no fields")
    }
    return Diagnostic(
      "'\(walked)' has no field '\(field)'", code: .undefinedVariable, notes: notes, range: range)
  }
}
