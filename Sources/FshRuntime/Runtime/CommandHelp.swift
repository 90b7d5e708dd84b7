import Foundation
import FshLanguage

/// What a word of a command completes with: an open set of named sources. The generic runtime
/// knows only `none`, `file`, `command` and fixed `values`; a program's commands define their
/// own (fsh's dataset and node names live beside the Flocker commands).

public struct CompletionKind: Sendable, Equatable {
  /// The source's name, for equality and for tests: `dataset`, `file`, `values`.
  public var name: String
  /// Whether typed text matches candidates ignoring case (ids typed in any case).
  public var ignoresCase: Bool
  /// The candidates, from the completion engine and the positionals already typed.
  package let words: @Sendable (Completion, [String]) -> [String]
  /// A source that depends on an earlier positional (`set NAME VALUE`): the kind to use instead.
  package let refine: (@Sendable ([String]) -> CompletionKind)?

  public init(
    _ name: String, ignoresCase: Bool = false,
    words: @escaping @Sendable (Completion, [String]) -> [String] = { _, _ in [] },
    refine: (@Sendable ([String]) -> CompletionKind)? = nil
  ) {
    self.name = name
    self.ignoresCase = ignoresCase
    self.words = words
    self.refine = refine
  }

  /// Nothing to offer.
  public static let none = CompletionKind("none")
  /// File paths (directories end in `/`).
  public static let file = CompletionKind("file")
  /// Command words (and `language`), for `help COMMAND`.
  public static let command = CompletionKind("command") { c, _ in
    c.session.commands.firstWords + ["language"]
  }
  /// A fixed set of words.
  public static func values(_ v: [String]) -> CompletionKind {
    CompletionKind("values:" + v.joined(separator: ",")) { _, _ in v }
  }

  public static func == (a: CompletionKind, b: CompletionKind) -> Bool { a.name == b.name }
}

/// One thing a command takes: a positional, a flag, an option or keyword with a value, or an
/// optional word. Its declaration is all there is: parsing, usage, errors, completion, help and
/// the docs read it, and a command's `init` reads its value through it.
public struct Parameter: Sendable {
  package enum Kind: Sendable, Equatable {
    /// `NAME`, in order.
    case positional
    /// `--yes`: present or not.
    case flag
    /// `--for TARGET`, `--for=TARGET`, `-oTARGET`.
    case option
    /// A bare word and its value: `on NODE`.
    case keyword
    /// A bare word that may be written and means nothing more: `use [cluster] NAME`.
    case word
  }

  package var kind: Kind
  /// Spellings of a flag, option, keyword or word; empty for a positional.
  package var names: [String]
  /// The value's placeholder (`NODE`); a positional's name; nil for a flag or word.
  package var valueName: String?
  /// One line for help. Made when read (as `CommandHelp.discussion` is): building the command
  /// table at start-up then never spells out a list of choices no one asked to see.
  package var summary: String {
    get { makeSummary() }
    set { makeSummary = { newValue } }
  }
  private var makeSummary: @Sendable () -> String
  /// How its value completes: the given kind, or its choices.
  package var completion: CompletionKind {
    get { choices.map { CompletionKind.values($0) } ?? explicitCompletion ?? .none }
    set { explicitCompletion = newValue }
  }
  private var explicitCompletion: CompletionKind?
  package var isOptional: Bool
  /// A positional that takes every remaining word, or a keyword that takes the words after it
  /// up to the next keyword or option (`meta K=V …`).
  package var repeats: Bool
  /// The only accepted values (matched ignoring case); nil accepts any.
  package var choices: [String]?
  /// How messages name the value: `invalid timeout '3x'`. Default: the value name, lowercased.
  /// (Made when read: a command's parameters are declared each time it is made.)
  package var label: String {
    get { explicitLabel ?? valueName?.lowercased() ?? names.first ?? "" }
    set { explicitLabel = newValue }
  }
  private var explicitLabel: String?
  /// A positional given exactly when the optional one before it is: `set [NAME VALUE]`.
  package var pairsWithPrevious = false
  /// An option whose value may be left out: `--node [DIR]`.
  package var valueIsOptional = false
  /// An optional positional with choices that takes a word only when it is one of them; any
  /// other word fills the next positional: `api [GET|POST|DELETE] PATH`.
  package var onlyItsChoices = false

  package init(
    _ kind: Kind, _ names: [String], _ valueName: String?,
    _ summary: @escaping @Sendable () -> String, completion: CompletionKind, optional: Bool,
    repeats: Bool, choices: [String]?, label: String?
  ) {
    self.kind = kind
    self.names = names
    self.valueName = valueName
    self.makeSummary = summary
    self.explicitCompletion = completion == .none ? nil : completion
    self.isOptional = optional
    self.repeats = repeats
    self.choices = choices
    self.explicitLabel = label
  }

  /// A positional argument: `NAME`.
  public static func positional(
    _ name: String, _ summary: @autoclosure @escaping @Sendable () -> String,
    completion: CompletionKind = .none, optional: Bool = false,
    repeats: Bool = false, choices: [String]? = nil, label: String? = nil,
    pairsWithPrevious: Bool = false, onlyItsChoices: Bool = false
  ) -> Parameter {
    var p = Parameter(
      .positional, [], name, summary, completion: completion, optional: optional,
      repeats: repeats, choices: choices, label: label)
    p.pairsWithPrevious = pairsWithPrevious
    p.onlyItsChoices = onlyItsChoices && optional && choices != nil
    return p
  }

  /// A flag: `--yes`, `-y`.
  public static func flag(
    _ names: [String], _ summary: @autoclosure @escaping @Sendable () -> String
  ) -> Parameter {
    Parameter(
      .flag, names, nil, summary, completion: .none, optional: true, repeats: false,
      choices: nil, label: nil)
  }

  /// An option with a value: `--for CONSUMER`.
  public static func option(
    _ names: [String], _ valueName: String,
    _ summary: @autoclosure @escaping @Sendable () -> String,
    completion: CompletionKind = .none,
    required: Bool = false, choices: [String]? = nil, label: String? = nil,
    valueIsOptional: Bool = false
  ) -> Parameter {
    var p = Parameter(
      .option, names, valueName, summary, completion: completion, optional: !required,
      repeats: false, choices: choices, label: label)
    p.valueIsOptional = valueIsOptional
    return p
  }

  /// A keyword with a value: `on NODE`; repeating, it takes the words up to the next keyword.
  public static func keyword(
    _ name: String, _ valueName: String, _ summary: @autoclosure @escaping @Sendable () -> String,
    completion: CompletionKind = .none,
    required: Bool = false, repeats: Bool = false, choices: [String]? = nil, label: String? = nil
  ) -> Parameter {
    Parameter(
      .keyword, [name], valueName, summary, completion: completion, optional: !required,
      repeats: repeats, choices: choices, label: label ?? (valueName == "DURATION" ? name : nil))
  }

  /// An optional word that reads well and changes nothing: `[cluster]` in `use [cluster] NAME`.
  public static func word(
    _ name: String, _ summary: @autoclosure @escaping @Sendable () -> String
  ) -> Parameter {
    Parameter(
      .word, [name], nil, summary, completion: .none, optional: true, repeats: false,
      choices: nil, label: nil)
  }

  /// What identifies it among its command's parameters.
  package var key: String { names.first ?? valueName ?? "" }

  /// Whether it takes a value after its name.
  package var takesValue: Bool { kind == .option || kind == .keyword }

  /// How it reads in help: `--for <consumer>`, `<name>`.
  package var helpLabel: String {
    if kind == .positional { return "<\(key.lowercased())>" + (repeats ? " …" : "") }
    let value = valueName.map {
      valueIsOptional ? " [<\($0.lowercased())>]" : " <\($0.lowercased())>"
    }
    return names.joined(separator: ", ") + (value ?? "")
  }

  /// How it reads in a usage line: `NAME`, `[on NODE]`, `[meta K=V …]`, `[--yes]`; a
  /// positional's few choices are spelled out (`attached|detached|deleted`).
  public var usage: String { isOptional ? "[" + bareUsage + "]" : bareUsage }

  /// The usage without the brackets of an optional parameter.
  package var bareUsage: String {
    switch kind {
    case .positional:
      let spelled = choices.flatMap { $0.count <= 5 ? $0.joined(separator: "|") : nil }
      return (spelled ?? key) + (repeats ? " …" : "")
    case .flag, .word: return key
    case .option, .keyword:
      let value = valueIsOptional ? "[\(valueName ?? "")]" : (valueName ?? "")
      return key + " " + value + (repeats ? " …" : "")
    }
  }

  /// How messages name it: `NAME`, `on NODE`.
  package var spelling: String {
    kind == .positional || valueName == nil ? key : key + " " + (valueName ?? "")
  }
}

/// A command's one declaration: its words, summary and parameters, from which its parsing,
/// usage line, argument errors, completion, `help`, the Markdown reference and "did you mean"
/// all follow.
public struct CommandHelp: Sendable {
  /// The words that invoke the command: `["cluster", "add"]`.
  public var path: [String]
  /// Other spellings: `[["ls"]]`.
  public var aliases: [[String]]
  /// One line, lowercase start is fine: shown in command lists.
  public var summary: String
  /// Everything it takes, in usage order.
  public var parameters: [Parameter] {
    get { parameterList.value }
    set { parameterList = ParameterList { newValue } }
  }
  /// Made when first read: a `DeclaredCommand` collects its properties' declarations then, not
  /// when the command table is built at start-up.
  private var parameterList: ParameterList
  /// The paragraphs under the usage. Made when read, not when the command table is built:
  /// the table reads every command's help at start-up, and a discussion that spells out a
  /// table (`set`'s options, the agent backends) made each one-shot `fsh -c` pay for it.
  public var discussion: String? {
    get { makeDiscussion() }
    set { makeDiscussion = { newValue } }
  }
  private var makeDiscussion: @Sendable () -> String?
  public var examples: [String]
  /// Hidden from `help` listings (still callable).
  public var hidden: Bool
  /// Words a positional may not take, with a better way to say them (`datasets pending` →
  /// `datasets status pending`); nil uses the generic "unexpected argument".
  public var unexpected: (@Sendable (CommandArgument) -> Diagnostic?)?

  public init(
    _ path: [String], aliases: [[String]] = [], summary: String,
    parameters: @autoclosure @escaping @Sendable () -> [Parameter] = [],
    unexpected: (@Sendable (CommandArgument) -> Diagnostic?)? = nil,
    discussion: @autoclosure @escaping @Sendable () -> String? = nil,
    examples: [String] = [], hidden: Bool = false
  ) {
    self.path = path
    self.aliases = aliases
    self.summary = summary
    self.parameterList = ParameterList(parameters)
    self.makeDiscussion = discussion
    self.examples = examples
    self.hidden = hidden
    self.unexpected = unexpected
  }

  /// The command words as typed: `cluster add`.
  public var name: String { path.joined(separator: " ") }

  /// The synopsis after the command words, derived: `NAME SIZE on NODE [meta K=V …] [--yes]`.
  public var usage: String {
    var parts: [String] = []
    for p in parameters {
      if p.pairsWithPrevious, let last = parts.last, last.hasSuffix("]") {
        parts[parts.count - 1] = last.dropLast() + " " + p.bareUsage + "]"
      } else {
        parts.append(p.usage)
      }
    }
    return parts.joined(separator: " ")
  }

  /// The whole usage line: `create NAME SIZE on NODE …`.
  public var usageLine: String { usage.isEmpty ? name : name + " " + usage }

  /// The positionals, in order.
  public var arguments: [Parameter] { parameters.filter { $0.kind == .positional } }

  /// Flags, options, keywords and words.
  public var options: [Parameter] { parameters.filter { $0.kind != .positional } }
}

/// The options every command takes, declared once: the parser, completion, help and the docs
/// read them from here.
public enum GlobalOptions {
  /// `-o FORMAT`: the result's format for this command only.
  public static let output = Parameter.option(
    ["-o", "--output"], "FORMAT", formats + " (this command only)",
    choices: OutputFormat.allCases.map(\.rawValue), label: "output format")
  /// `-h`, `--help`: the command's help instead of running it.
  public static let help = Parameter.flag(["-h", "--help"], "show this help")

  public static let all = [output, help]

  /// The output formats in words, wherever they are named: `table, json or csv`.
  public static let formats: String = {
    let names = OutputFormat.allCases.map { $0.rawValue }
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
  }()
}

/// A command's parameters, made once on first read.
private final class ParameterList: @unchecked Sendable {
  private let make: @Sendable () -> [Parameter]
  private var made: [Parameter]?
  private let lock = NSLock()

  init(_ make: @escaping @Sendable () -> [Parameter]) { self.make = make }

  var value: [Parameter] {
    lock.lock()
    defer { lock.unlock() }
    if let made { return made }
    let m = make()
    made = m
    return m
  }
}
