import Foundation
import FshRuntime

/// The completion sources fsh's own commands declare: names from the cluster (through the
/// session's name cache, never fetched on a Tab), cluster profiles, session options.
extension CompletionKind {
  /// Dataset names and ids.
  public static let dataset = CompletionKind("dataset", ignoresCase: true) { c, _ in
    c.willReadNames?()
    return c.session.names.datasetWords
  }
  /// Node id prefixes and hosts.
  public static let node = CompletionKind("node", ignoresCase: true) { c, _ in
    c.willReadNames?()
    return c.session.names.nodeWords
  }
  /// Cluster profile names.
  public static let cluster = CompletionKind("cluster") { c, _ in
    Completion.profileNames(c.session.environment)
  }
  /// Session options and configuration keys (`set NAME`).
  public static let sessionOption = CompletionKind("session-option") { _, _ in
    SessionOptions.descriptors.map(\.name) + ConfigKey.allCases.map(\.rawValue)
  }
  /// The value of the session option or configuration key named before it (`set output V`).
  public static let sessionOptionValue = CompletionKind("session-option-value") { positionals in
    guard let name = positionals.first else { return .none }
    if let d = SessionOptions.descriptor(name) { return .values(d.values) }
    return ConfigKey(rawValue: name)?.isPath == true ? .file : .none
  }
}

extension Completion {
  /// The cluster profile names in the profiles file.
  public static func profileNames(_ environment: SessionEnvironment) -> [String] {
    guard let text = try? String(contentsOfFile: environment.profilesPath, encoding: .utf8),
      let file = try? ProfilesFile.parse(text)
    else { return [] }
    return file.clusters.keys.sorted()
  }
}

extension CompletionKind {
  /// A kind whose candidates depend on the positionals before it.
  init(_ name: String, refine: @escaping @Sendable ([String]) -> CompletionKind) {
    self.init(name, words: { _, _ in [] }, refine: refine)
  }
}
