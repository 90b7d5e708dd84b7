import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// A dataset named by an argument: a name, a unique id prefix, or a record (`$ds`).
struct DatasetRef: ArgumentValue {
  var argument: CommandArgument
  var text: String { argument.text }
  var range: SourceRange? { argument.range }
  static func parse(_ argument: CommandArgument, as parameter: Parameter) throws
    -> DatasetRef
  { DatasetRef(argument: argument) }
}

/// A node named by an argument: a unique id prefix or its host IP.
struct NodeRef: ArgumentValue {
  var argument: CommandArgument
  var text: String { argument.text }
  var range: SourceRange? { argument.range }
  static func parse(_ argument: CommandArgument, as parameter: Parameter) throws -> NodeRef {
    NodeRef(argument: argument)
  }
}

/// A dataset size in bytes, checked against the API's rules (see `Sizes`).
struct ByteSize: ArgumentValue {
  var bytes: Int
  static func parse(_ argument: CommandArgument, as parameter: Parameter) throws
    -> ByteSize
  {
    do { return ByteSize(bytes: try Sizes.parse(argument.text)) } catch var d as Diagnostic {
      d.range = argument.range
      throw d
    }
  }
}

/// A version 4 UUID (the only ids the API accepts), lowercased.
struct UUIDv4: ArgumentValue {
  var text: String
  static func parse(_ argument: CommandArgument, as parameter: Parameter) throws -> UUIDv4 {
    guard UUIDs.isV4(argument.text) else {
      throw Diagnostic.usage(
        "invalid \(parameter.label) '\(argument.text)'",
        notes: ["the API accepts version 4 UUIDs only, e.g. from uuidgen"], range: argument.range)
    }
    return UUIDv4(text: argument.text.lowercased())
  }
}

/// `KEY=VALUE` metadata, checked against the API's limits (see `Metadata.pair`).
struct MetadataPair: ArgumentValue {
  var key: String
  var value: String
  static func parse(_ argument: CommandArgument, as parameter: Parameter) throws
    -> MetadataPair
  {
    let (k, v) = try Metadata.pair(argument)
    return MetadataPair(key: k, value: v)
  }
}

/// The statuses `wait` waits for: those an operator asks a dataset to reach.
enum WaitStatus: String, ChoiceValue {
  /// `converged`: attached on its configured node, or (deleted) gone from the state.
  case attached, detached, deleted, converged
}

extension DatasetStatus: ChoiceValue {}

// The parameters several commands share, declared once.

extension Param where Value == DatasetRef {
  /// `NAME|ID`: the dataset a command acts on.
  static var dataset: Param {
    .positional("NAME|ID", "a name or a unique id prefix", completion: .dataset)
  }
}

extension Param where Value == NodeRef {
  /// `on NODE`, `to NODE`: a node by id prefix or host.
  static func node(_ keyword: String, _ summary: @autoclosure @escaping @Sendable () -> String)
    -> Param
  {
    .keyword(keyword, "NODE", summary(), completion: .node)
  }
}

extension Param where Value == MetadataPair {
  /// `meta K=V …`.
  static func meta(_ summary: @autoclosure @escaping @Sendable () -> String) -> Param {
    .keyword("meta", "K=V", summary())
  }
}
