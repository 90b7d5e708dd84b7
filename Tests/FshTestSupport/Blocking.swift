// Tests that wait while holding a thread: for a process to exit, for a sandbox to converge in
// real time, for a server to answer. Swift Testing runs every test on Swift concurrency's
// cooperative pool, which has one thread per core: on a 2-core machine two such tests at a time
// keep every other test from starting while the CPU sits idle. `.blocking` moves a suite's
// tests onto threads of their own.
// Only where Swift Testing can be imported: `swift build -c release` (scripts/sandbox) builds
// this target too, without the testing library.
#if canImport(Testing)
  import Foundation
  import Testing

  /// A suite trait: each test of the suite (and of its nested suites) runs on a thread of a pool
  /// of its own (`BlockingTestExecutor`, 16 threads), not on the cooperative pool. What the tests
  /// check does not change; only where they wait.
  ///
  /// ```swift
  /// @Suite(.serialized, .blocking) struct ServedSandboxTests { … }
  /// ```
  public struct BlockingTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// A scope for each test case (the body of a test), none for a suite as a whole.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
      testCase == nil ? nil : self
    }

    public func provideScope(
      for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
      try await withTaskExecutorPreference(BlockingTestExecutor.shared) {
        try await function()
      }
    }
  }

  extension Trait where Self == BlockingTrait {
    /// Runs the tests on threads of their own: for tests that block while they wait.
    public static var blocking: Self { Self() }
  }

  /// A task executor with a fixed number of threads of its own: at most that many blocking tests
  /// run at once (more would only share the same cores), and none of them holds a thread of the
  /// cooperative pool. Jobs run in the order they came.
  public final class BlockingTestExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor of `.blocking` tests.
    public static let shared = BlockingTestExecutor(threads: 16)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(threads: Int) {
      for number in 0..<threads {
        let thread = Thread { [self] in work() }
        thread.name = "blocking-tests-\(number)"
        // The stack of a cooperative pool thread (deeply nested parses run here too).
        thread.stackSize = 8 << 20
        thread.start()
      }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
      let job = UnownedJob(job)
      condition.lock()
      jobs.append(job)
      condition.signal()
      condition.unlock()
    }

    private func work() {
      let executor = asUnownedTaskExecutor()
      while true {
        condition.lock()
        while jobs.isEmpty { condition.wait() }
        let job = jobs.removeFirst()
        condition.unlock()
        job.runSynchronously(on: executor)
      }
    }
  }
#endif
