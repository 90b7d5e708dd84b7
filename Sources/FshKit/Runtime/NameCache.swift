// The names the last listing saw, kept by the session for completion (and refreshed by the
// executable in the background).
import Foundation
import FshRuntime

/// Dataset and node names for completion, replaced as a whole when a refresh finishes.
package final class NameCache: @unchecked Sendable {
  private let lock = NSLock()
  private var datasets: [String] = []
  private var nodes: [String] = []
  private var generation = 0
  /// Words not made yet: a listing of 100 000 datasets hands over how to make them, and they
  /// are made when completion first asks (a one-shot `fsh -c datasets` never does).
  private var pending: (@Sendable () -> (datasets: [String], nodes: [String]))?

  package init() {}

  /// Replaces the cached words with those `words` makes, when they are first read.
  package func update(_ words: @escaping @Sendable () -> (datasets: [String], nodes: [String])) {
    lock.lock()
    pending = words
    generation += 1
    lock.unlock()
  }

  /// Makes the pending words (under the lock).
  private func resolve() {
    guard let words = pending else { return }
    pending = nil
    (datasets, nodes) = words()
  }

  /// Replaces the cached words: dataset names and ids, node id prefixes and hosts.
  package func update(datasets: [String], nodes: [String]) {
    lock.lock()
    pending = nil
    self.datasets = datasets
    self.nodes = nodes
    generation += 1
    lock.unlock()
  }

  /// Counts updates: a background refresh that started before a newer update drops its result.
  package var updates: Int {
    lock.lock()
    defer { lock.unlock() }
    return generation
  }

  /// Replaces the words only if nothing updated them since `updates` was `expected`.
  @discardableResult
  package func update(datasets: [String], nodes: [String], ifUpdatesAre expected: Int) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard generation == expected else { return false }
    pending = nil
    self.datasets = datasets
    self.nodes = nodes
    generation += 1
    return true
  }

  package var datasetWords: [String] {
    lock.lock()
    defer { lock.unlock() }
    resolve()
    return datasets
  }

  package var nodeWords: [String] {
    lock.lock()
    defer { lock.unlock() }
    resolve()
    return nodes
  }
}
