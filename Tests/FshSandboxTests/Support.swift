import Foundation
import FshTestSupport
import Testing

@testable import FshSandbox

/// A clock the tests move by hand.
final class ManualClock: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Double

  init(_ start: Double = 1_700_000_000) { value = start }

  var now: Double {
    lock.lock()
    defer { lock.unlock() }
    return value
  }

  func advance(_ seconds: Double) {
    lock.lock()
    value += seconds
    lock.unlock()
  }
}

/// Options for fast tests: 2048-bit keys, no persistence unless asked. With `premade` (the
/// default) a directory without certificates gets the test PKI's (`FlockerTestPKI`), so the
/// sandbox generates no keys; a test of the sandbox's own certificate files passes false.
func testOptions(
  directory: String = temporaryDirectory(), persist: Bool = false, delay: Double = 0.5,
  premade: Bool = true
) -> SandboxOptions {
  var options = SandboxOptions(directory: directory)
  if premade {
    do {
      try FlockerTestPKI.fillSandboxDirectory(directory)
    } catch {
      Issue.record("the test PKI could not fill \(directory): \(error)")
    }
  }
  options.keyBits = 2048
  options.persist = persist
  options.convergenceDelay = delay
  return options
}

/// A sandbox on a manual clock.
func makeSandbox(_ options: SandboxOptions = testOptions()) throws -> (Sandbox, ManualClock) {
  let sandbox = try Sandbox(options: options)
  let clock = ManualClock()
  sandbox.clock = { clock.now }
  return (sandbox, clock)
}

extension Sandbox {
  func get(_ path: String) -> SandboxResponse {
    handle(method: "GET", path: path, headers: [], body: [])
  }

  func post(_ path: String, _ body: String, headers: [(String, String)] = []) -> SandboxResponse {
    handle(method: "POST", path: path, headers: headers, body: Array(body.utf8))
  }

  func delete(_ path: String, headers: [(String, String)] = []) -> SandboxResponse {
    handle(method: "DELETE", path: path, headers: headers, body: [])
  }

  /// Creates a dataset and returns its id.
  func createDataset(primary: String, extra: String = "") throws -> String {
    let response = post(
      "/v1/configuration/datasets", #"{"primary": "\#(primary)"\#(extra)}"#)
    try #require(response.status == 201, "\(response.status) \(response.text)")
    return try #require(response.object["dataset_id"] as? String)
  }
}

extension SandboxResponse {
  var jsonValue: Any? {
    try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
  }

  var object: [String: Any] { jsonValue as? [String: Any] ?? [:] }

  var array: [[String: Any]] { jsonValue as? [[String: Any]] ?? [] }

  var errors: [String] { object["errors"] as? [String] ?? [] }

  var description: String? { object["description"] as? String }
}
