// Writing an issued certificate and key the way flocker-ca does.
import Foundation
import FshFiles

/// Writes `<directory>/<name>.crt` and `<directory>/<name>.key` the way flocker-ca does: mode
/// 0600, created with `O_EXCL` so an existing file is never overwritten (throws
/// `FlockerPKIError.fileExists` naming it, before anything is written).
/// - Returns: the two paths, certificate first.
@discardableResult
public func writeCredentialFiles(
  certificatePEM: String, privateKeyPEM: String, directory: String, name: String
) throws -> (certificate: String, key: String) {
  let base = directory.hasSuffix("/") ? directory : directory + "/"
  let certificatePath = base + name + ".crt"
  let keyPath = base + name + ".key"
  for path in [certificatePath, keyPath] where FileManager.default.fileExists(atPath: path) {
    throw FlockerPKIError.fileExists(path: path)
  }
  try writeExclusive(path: certificatePath, contents: certificatePEM)
  try writeExclusive(path: keyPath, contents: privateKeyPEM)
  return (certificatePath, keyPath)
}

/// Writes an issued credential as `<directory>/<fileName>.crt|.key` (see the other overload).
@discardableResult
public func writeCredentialFiles(
  _ credential: IssuedCredential, directory: String, name: String? = nil
) throws -> (certificate: String, key: String) {
  try writeCredentialFiles(
    certificatePEM: credential.certificatePEM, privateKeyPEM: credential.privateKeyPEM,
    directory: directory, name: name ?? credential.suggestedFileName)
}

private func writeExclusive(path: String, contents: String) throws {
  do {
    try ExclusiveFile.write(contents, to: path, mode: 0o600)
  } catch let e as FileWriteError {
    if e.fileExists { throw FlockerPKIError.fileExists(path: path) }
    throw FlockerPKIError.writeFailed(path: path, errno: e.code)
  }
}
