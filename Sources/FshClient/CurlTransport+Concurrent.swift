import Foundation
import FshModel

// A second connection for reading lists side by side. `datasets` reads the configuration and
// the state, each decoded while it arrives; on one connection the second waits for the first
// to be decoded. On two connections the two decodings run on two cores.

/// The extra connections a transport opened, so that `cancel()` reaches them too.
final class CompanionTransports: @unchecked Sendable {
  private let lock = NSLock()
  private var spare: CurlTransport?
  private var busy: [CurlTransport] = []

  /// The spare connection (made once, then reused) while `body` runs, or nil if none is free.
  func borrow(
    make: () -> CurlTransport?, _ body: (CurlTransport?) throws -> Void
  ) rethrows {
    let taken: CurlTransport? = lock.withLock {
      defer { spare = nil }
      return spare
    }
    let t = taken ?? make()
    if let t { lock.withLock { busy.append(t) } }
    defer {
      if let t {
        lock.withLock {
          busy.removeAll { $0 === t }
          if spare == nil { spare = t }
        }
      }
    }
    try body(t)
  }

  func cancelAll() {
    for t in lock.withLock({ busy }) { t.cancel() }
  }
}

extension CurlTransport {
  /// Runs `body` with a second connection to the same service (nil when none can be made, or
  /// when tracing: interleaved traces of two connections would not read as one story).
  package func withCompanion(_ body: (ControlTransport?) throws -> Void) rethrows {
    guard trace == nil else { return try body(nil) }
    try companions.borrow(
      make: {
        guard let t = try? CurlTransport(settings: settings) else { return nil }
        t.maximumResponseBytes = maximumResponseBytes
        return t
      }, { try body($0) })
  }
}
