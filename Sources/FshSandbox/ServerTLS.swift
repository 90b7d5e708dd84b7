// The sandbox's TLS: OpenSSL's server context with Flocker's client-certificate check, and one
// accepted connection.

import COpenSSL
import Foundation
import FshPKI

/// The server's SSL_CTX: `control-service.crt|.key`, TLS 1.2 at most (Twisted 16.6 with pyOpenSSL
/// on OpenSSL 1.0.x speaks no more), a client certificate required and checked as Flocker does.
final class TLSContext: @unchecked Sendable {
  let context: OpaquePointer
  /// Kept alive as long as the SSL_CTX whose verify callback reads it.
  private let validator: ValidatorBox

  init(directory: String) throws {
    guard let context = SSL_CTX_new(TLS_server_method()) else {
      throw SandboxError.certificates("OpenSSL cannot make a TLS context: \(openSSLError())")
    }
    self.context = context
    let caPath = directory + "/cluster.crt"
    guard let caPEM = FileManager.default.contents(atPath: caPath) else {
      SSL_CTX_free(context)
      throw SandboxError.certificates("Cannot read \(caPath).")
    }
    do {
      validator = ValidatorBox(
        try FlockerPeerValidator(caCertificatePEM: String(decoding: caPEM, as: UTF8.self)))
    } catch {
      SSL_CTX_free(context)
      throw error
    }
    for name in ["control-service.crt", "control-service.key"]
    where !FileManager.default.isReadableFile(atPath: directory + "/" + name) {
      SSL_CTX_free(context)
      throw SandboxError.certificates("Cannot read \(directory)/\(name).")
    }
    ERR_clear_error()
    guard
      SSL_CTX_use_certificate_chain_file(context, directory + "/control-service.crt") == 1,
      SSL_CTX_use_PrivateKey_file(context, directory + "/control-service.key", SSL_FILETYPE_PEM)
        == 1,
      SSL_CTX_check_private_key(context) == 1
    else {
      let reason = openSSLError()
      SSL_CTX_free(context)
      throw SandboxError.certificates(
        "OpenSSL cannot load the certificates in \(directory) (\(reason)); let the sandbox "
          + "generate its own in an empty directory.")
    }
    _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
    // Ask for a client certificate and fail the handshake without one
    // (VERIFY_PEER | VERIFY_FAIL_IF_NO_PEER_CERT), naming cluster.crt as the acceptable CA.
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
    if let names = SSL_load_client_CA_file(caPath) { SSL_CTX_set_client_CA_list(context, names) }
    // Resumed sessions (curl keeps them) need an id context when peers are verified.
    let contextName = Array("fsh-sandbox".utf8)
    _ = SSL_CTX_set_session_id_context(context, contextName, UInt32(contextName.count))
    // Flocker's check (`_validation.py`): the chain must verify to cluster.crt, the leaf's CN
    // must start with "user-", and the purpose check must allow client authentication.
    // FlockerPeerValidator does all three; a refusal fails the handshake with a TLS alert and
    // no HTTP response is sent.
    SSL_CTX_set_cert_verify_callback(
      context,
      { store, argument in
        guard let store, let argument, let leaf = X509_STORE_CTX_get0_cert(store) else { return 0 }
        let box = Unmanaged<ValidatorBox>.fromOpaque(argument).takeUnretainedValue()
        let length = i2d_X509(leaf, nil)
        guard length > 0 else { return 0 }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
          var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
          return i2d_X509(leaf, &cursor)
        }
        guard written == length else { return 0 }
        do {
          _ = try box.validator.validate(
            leafDER: der, commonNamePrefix: "user-", requireClientAuthentication: true)
          return 1
        } catch {
          // The alert OpenSSL's own checks would send for the same fault (an unknown issuer is
          // "unknown ca", a wrong purpose "unsupported certificate"); the CN check, Flocker's
          // own, rejects ("bad certificate").
          let reason =
            switch error as? PeerValidationError {
            case .notIssuedByCluster: X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
            case .expired: X509_V_ERR_CERT_HAS_EXPIRED
            case .notForClientAuthentication: X509_V_ERR_INVALID_PURPOSE
            default: X509_V_ERR_CERT_REJECTED
            }
          X509_STORE_CTX_set_error(store, reason)
          return 0
        }
      }, Unmanaged.passUnretained(validator).toOpaque())
  }

  deinit { SSL_CTX_free(context) }
}

private final class ValidatorBox: @unchecked Sendable {
  let validator: FlockerPeerValidator
  init(_ validator: FlockerPeerValidator) { self.validator = validator }
}

/// OpenSSL's queued error, as text (the first one), and the queue cleared.
private func openSSLError() -> String {
  let code = ERR_get_error()
  ERR_clear_error()
  guard code != 0 else { return "unknown error" }
  var buffer = [CChar](repeating: 0, count: 256)
  ERR_error_string_n(code, &buffer, buffer.count)
  return String(cString: buffer)
}

/// One accepted connection after its handshake.
final class TLSConnection {
  private let tls: TLSContext
  private let ssl: OpaquePointer

  init?(context: TLSContext, socket: Int32) {
    guard let ssl = SSL_new(context.context) else { return nil }
    SSL_set_fd(ssl, socket)
    ERR_clear_error()
    if SSL_accept(ssl) != 1 {
      ERR_clear_error()
      SSL_free(ssl)
      return nil
    }
    tls = context
    self.ssl = ssl
  }

  /// Up to `capacity` bytes; empty at the end of the stream or on any error.
  func read(into buffer: inout [UInt8]) -> Int {
    let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
    if count <= 0 { ERR_clear_error() }
    return max(0, Int(count))
  }

  /// Writes all of `bytes`; false when the connection failed.
  @discardableResult
  func write(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let chunk = min(bytes.count - offset, 1 << 20)
      let written = bytes.withUnsafeBytes {
        SSL_write(ssl, $0.baseAddress! + offset, Int32(chunk))
      }
      if written <= 0 {
        ERR_clear_error()
        return false
      }
      offset += Int(written)
    }
    return true
  }

  /// close_notify (not waiting for the client's), then the SSL object goes.
  func close() {
    SSL_shutdown(ssl)
    ERR_clear_error()
    SSL_free(ssl)
  }
}
