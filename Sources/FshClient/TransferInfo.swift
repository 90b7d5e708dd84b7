import FshModel

/// Timing and connection facts about the last request, for `--verbose` and tests.
public struct TransferInfo: Sendable, Equatable {
  /// New connections made by the last attempt (0 = the kept-alive connection was reused).
  public var newConnections: Int = 0
  /// Attempts made (1 + GET retries).
  public var attempts: Int = 0
  /// Seconds for the last attempt, and until TCP connect and TLS handshake were done.
  public var totalTime: Double = 0
  public var connectTime: Double = 0
  public var tlsTime: Double = 0
}
