// Running a program and naming a scratch directory: what the test targets share.
import Foundation

/// Runs a program; returns (exit status, stdout, stderr).
@discardableResult
public func runProgram(_ executable: String, _ arguments: [String]) throws -> (
  Int32, String, String
) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (
    process.terminationStatus, String(decoding: outData, as: UTF8.self),
    String(decoding: errData, as: UTF8.self)
  )
}

/// A fresh, unique temporary directory path (not created).
public func temporaryDirectory(_ label: String = "sandbox") -> String {
  NSTemporaryDirectory() + "fsh-\(label)-\(UUID().uuidString.prefix(8))"
}
