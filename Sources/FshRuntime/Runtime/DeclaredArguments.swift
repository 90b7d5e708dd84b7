/// Commands whose parameters are their properties: `@Arg(.dataset) var ref: DatasetRef` is the
/// one mention of a parameter — its declaration (help, usage, completion, docs), its place in
/// the usage line (the order of the properties) and its typed value. Whether it is required
/// follows from the property's type: `T` is required, `T?` and a default value are optional,
/// `[T]` takes every value given.

import Foundation
import FshLanguage

/// A value an argument parses itself into, as swift-argument-parser's `ExpressibleByArgument`.
public protocol ArgumentValue: Sendable {
  /// Parses one argument; a failure is a usage diagnostic pointing at it.
  static func parse(_ argument: CommandArgument, as parameter: Parameter) throws -> Self
}

/// A value with a fixed set of spellings: an enum's raw values are the parameter's choices,
/// and its help ("one of …"), completion and "did you mean" derive from them.
public protocol ChoiceValue: ArgumentValue, CaseIterable, RawRepresentable
where RawValue == String {}

extension ChoiceValue {
  /// The spellings, in declaration order.
  public static var choices: [String] { allCases.map(\.rawValue) }
  /// The spellings in words: `attached, detached or deleted`.
  public static var inWords: String {
    let c = choices
    return c.count < 2 ? c.joined() : c.dropLast().joined(separator: ", ") + " or " + c.last!
  }
  public static func parse(_ argument: CommandArgument, as parameter: Parameter) throws -> Self {
    // The parser has already matched the text against the choices and made it canonical.
    guard
      let v = Self(rawValue: argument.text)
        ?? allCases.first(where: {
          $0.rawValue.lowercased() == argument.text.lowercased()
        })
    else {
      throw Diagnostic.usage(
        "invalid \(parameter.label) '\(argument.text)'",
        notes: ["expected one of: \(choices.joined(separator: ", "))"], range: argument.range)
    }
    return v
  }
}

/// A parameter with the type of its value: the declaration a command's property names.
public struct Param<Value>: Sendable {
  public var parameter: Parameter
  package let parse: @Sendable (CommandArgument, Parameter) throws -> Value

  public init(
    _ parameter: Parameter,
    parse: @escaping @Sendable (CommandArgument, Parameter) throws -> Value
  ) {
    self.parameter = parameter
    self.parse = parse
  }
}

extension Param where Value: ArgumentValue {
  public init(_ parameter: Parameter) { self.init(parameter) { try Value.parse($0, as: $1) } }

  /// A positional argument: `NAME`.
  public static func positional(
    _ name: String, _ summary: @autoclosure @escaping @Sendable () -> String,
    completion: CompletionKind = .none, label: String? = nil
  ) -> Param {
    Param(.positional(name, summary(), completion: completion, label: label))
  }

  /// A keyword with a value: `on NODE`.
  public static func keyword(
    _ name: String, _ valueName: String, _ summary: @autoclosure @escaping @Sendable () -> String,
    completion: CompletionKind = .none, label: String? = nil
  ) -> Param {
    Param(.keyword(name, valueName, summary(), completion: completion, label: label))
  }

  /// An option with a value: `--for CONSUMER`.
  public static func option(
    _ names: [String], _ valueName: String,
    _ summary: @autoclosure @escaping @Sendable () -> String,
    completion: CompletionKind = .none, label: String? = nil
  ) -> Param {
    Param(.option(names, valueName, summary(), completion: completion, label: label))
  }
}

extension Param where Value: ChoiceValue {
  /// The same parameter taking one of the enum's values: its choices, completion and a summary
  /// that ends in the spellings (`one of attached, detached or deleted`) when none is given.
  fileprivate func choosing() -> Param {
    var p = self
    p.parameter.choices = Value.choices
    return p
  }

  /// A positional taking one of the enum's values.
  public static func positional(
    _ name: String, _ summary: @autoclosure @escaping @Sendable () -> String = Value.inWords,
    label: String? = nil
  ) -> Param {
    Param(.positional(name, summary(), label: label)).choosing()
  }

  /// A keyword taking one of the enum's values.
  public static func keyword(
    _ name: String, _ valueName: String,
    _ summary: @autoclosure @escaping @Sendable () -> String = Value.inWords, label: String? = nil
  ) -> Param {
    Param(.keyword(name, valueName, summary(), label: label)).choosing()
  }

  /// An option taking one of the enum's values.
  public static func option(
    _ names: [String], _ valueName: String,
    _ summary: @autoclosure @escaping @Sendable () -> String = Value.inWords, label: String? = nil
  ) -> Param {
    Param(.option(names, valueName, summary(), label: label)).choosing()
  }
}

extension Param {
  /// An optional positional that takes a word only when it is one of its choices; any other
  /// word fills the next positional: `api [GET|POST|DELETE] PATH`.
  public func onlyItsChoices() -> Param {
    var p = self
    p.parameter.onlyItsChoices = true
    return p
  }
}

/// A declared parameter's value, read from the command's arguments when the command is made.
@propertyWrapper
public struct Arg<T: Sendable>: Sendable {
  private var stored: T?

  /// The value; a command reads it only once made from arguments (where it is always set).
  public var wrappedValue: T {
    get { stored! }
    set { stored = newValue }
  }

  /// Required: `@Arg(.dataset) var ref: DatasetRef`.
  public init(_ p: Param<T>) {
    var q = p.parameter
    q.isOptional = false
    stored = ParameterBinding.take(q) { a in try p.parse(a.value(q), q) }
  }

  /// Optional: `@Arg(.on) var node: NodeRef?`.
  public init<V>(_ p: Param<V>) where T == V? {
    var q = p.parameter
    q.isOptional = true
    stored = ParameterBinding.take(q) { a in try a.optional(q).map { try p.parse($0, q) } }
  }

  /// Optional with a default: `@Arg(.timeout) var timeout: Seconds = 120`.
  public init(wrappedValue: T, _ p: Param<T>) {
    var q = p.parameter
    q.isOptional = true
    stored =
      ParameterBinding.take(q) { a in try a.optional(q).map { try p.parse($0, q) } ?? wrappedValue }
      ?? wrappedValue
  }

  /// Every value given (a repeating keyword or positional): `@Arg(.meta) var meta: [MetadataPair]`.
  public init<V>(_ p: Param<V>, atLeastOne: Bool = false) where T == [V] {
    var q = p.parameter
    q.isOptional = !atLeastOne
    q.repeats = true
    stored = ParameterBinding.take(q) { a in try a.all(q).map { try p.parse($0, q) } }
  }

  /// An option whose value may be left out (`--node [DIR]`): whether it was given, and its
  /// value when it has one.
  public init<V>(_ p: Param<V>) where T == OptionalValue<V> {
    var q = p.parameter
    q.isOptional = true
    q.valueIsOptional = true
    stored =
      ParameterBinding.take(q) { a in
        OptionalValue(isGiven: a.flag(q), value: try a.optional(q).map { try p.parse($0, q) })
      } ?? OptionalValue(isGiven: false, value: nil)
  }

  /// A group of optional keywords or options read together, by key (the settings of
  /// `cluster add`, declared in one table elsewhere): the values given.
  public init(group: [Parameter]) where T == [String: CommandArgument] {
    let ps = group.map { p -> Parameter in
      var q = p
      q.isOptional = true
      return q
    }
    stored =
      ParameterBinding.take(ps) { a in
        var given: [String: CommandArgument] = [:]
        for p in ps { given[p.key] = a.optional(p) }
        return given
      } ?? [:]
  }

  /// A flag or optional word: whether it was written. `@Arg(.yes) var yes: Bool`.
  public init(_ p: Parameter) where T == Bool {
    stored = ParameterBinding.take(p) { a in a.flag(p) } ?? false
  }

  /// A flag declared where it is used: `@Arg(["--long", "-l"], "full ids") var long: Bool`.
  public init(_ names: [String], _ summary: @autoclosure @escaping @Sendable () -> String)
  where T == Bool {
    self.init(.flag(names, summary()))
  }
}

/// An option whose value may be left out: `--node` alone, or `--node DIR`.
public struct OptionalValue<V: Sendable>: Sendable {
  public var isGiven: Bool
  public var value: V?
}

/// A command whose parameters are its `@Arg` properties.
public protocol DeclaredCommand: Command {
  /// Makes the command with its declared properties; each `Arg` fills itself.
  init()
  /// Checks what no one parameter can (combinations, limits across values) once every value
  /// is read; throws a usage diagnostic.
  mutating func validate(_ arguments: Arguments) throws
}

extension DeclaredCommand {
  public mutating func validate(_ arguments: Arguments) throws {}

  public init(arguments: inout Arguments) throws {
    var error: (any Error)?
    self = withUnsafePointer(to: &arguments) { a in
      var binding = ParameterBinding(arguments: a)
      let made = binding.bind { Self() }
      error = binding.error
      return made
    }
    if let error { throw error }
    try validate(arguments)
  }

  /// The parameters the properties declare, in order: what `CommandHelp(parameters:)` takes.
  public static var declared: [Parameter] {
    var binding = ParameterBinding(arguments: nil)
    _ = binding.bind { Self() }
    return binding.parameters
  }
}

/// While a declared command is made, what its properties read from: the arguments (reading) or
/// nothing (collecting the declarations). Per thread: sessions on other threads make commands
/// at the same time, and a property wrapper's initializer takes no context of its own. It lives
/// on the stack of the one making the command (making a command allocates nothing for it).
struct ParameterBinding {
  private let arguments: UnsafePointer<Arguments>?
  private(set) var parameters: [Parameter] = []
  /// The first value that failed to parse (the others are left unset).
  private(set) var error: (any Error)?

  init(arguments: UnsafePointer<Arguments>?) { self.arguments = arguments }

  private static let key: pthread_key_t = {
    var k = pthread_key_t()
    pthread_key_create(&k, nil)
    return k
  }()

  mutating func bind<C>(_ make: () -> C) -> C {
    withUnsafeMutablePointer(to: &self) { me in
      let previous = pthread_getspecific(Self.key)
      pthread_setspecific(Self.key, me)
      defer { pthread_setspecific(Self.key, previous) }
      return make()
    }
  }

  /// The value a property reads through `read`, or nil while collecting (or after an error).
  static func take<V>(_ p: Parameter, _ read: (Arguments) throws -> V) -> V? {
    guard let raw = pthread_getspecific(key) else { return nil }
    let b = raw.assumingMemoryBound(to: ParameterBinding.self)
    guard let arguments = b.pointee.arguments else {
      b.pointee.parameters.append(p)
      return nil
    }
    guard b.pointee.error == nil else { return nil }
    do { return try read(arguments.pointee) } catch {
      b.pointee.error = error
      return nil
    }
  }

  static func take<V>(_ ps: [Parameter], _ read: (Arguments) throws -> V) -> V? {
    guard let raw = pthread_getspecific(key) else { return nil }
    let b = raw.assumingMemoryBound(to: ParameterBinding.self)
    guard let arguments = b.pointee.arguments else {
      b.pointee.parameters += ps
      return nil
    }
    guard b.pointee.error == nil else { return nil }
    do { return try read(arguments.pointee) } catch {
      b.pointee.error = error
      return nil
    }
  }
}
