// Keys and certificates that FshPKI would never issue, made with OpenSSL for the tests that
// check how unusual files are read: a certificate naming the cluster CA as issuer but signed by
// another key, EC keys, PKCS#8 keys. Test-only; errors name the step that failed.
import COpenSSL
import Foundation

/// Makes test keys and certificates with OpenSSL.
public enum TestCertificates {
  /// A failed OpenSSL step.
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  /// Kinds of test keys.
  public enum KeyKind: Sendable {
    case rsa2048
    case p256
  }

  /// A new private key, PEM: PKCS#1 (`RSA PRIVATE KEY`) for RSA, PKCS#8 (`PRIVATE KEY`) for EC.
  public static func makeKey(_ kind: KeyKind) throws -> String {
    let key: OpaquePointer?
    switch kind {
    case .rsa2048:
      key = fsh_pki_rsa_generate(2048)
    case .p256:
      key = generateP256()
    }
    guard let key else { throw Failure(description: "cannot generate a \(kind) key") }
    defer { EVP_PKEY_free(key) }
    return try writePEM { bio in
      kind == .rsa2048
        ? PEM_write_bio_PrivateKey_traditional(bio, key, nil, nil, 0, nil, nil)
        : PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil)
    }
  }

  /// The same private key as PKCS#8 PEM (`BEGIN PRIVATE KEY`).
  public static func pkcs8(_ keyPEM: String) throws -> String {
    try withKey(keyPEM) { key in
      try writePEM { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
    }
  }

  /// A version 3 certificate without extensions, PEM: subject `names` (`("OU", …)`, `("CN", …)`
  /// in order), the public key of `keyPEM`, the issuer name taken from the subject of
  /// `issuerCertificatePEM` (nil: self-issued), signed with `signerKeyPEM` and SHA-256.
  public static func certificate(
    subject names: [(String, String)], keyPEM: String, issuerCertificatePEM: String? = nil,
    signerKeyPEM: String, notBefore: Date, notAfter: Date
  ) throws -> String {
    guard let x509 = X509_new(), let name = X509_NAME_new() else {
      throw Failure(description: "out of memory")
    }
    defer {
      X509_free(x509)
      X509_NAME_free(name)
    }
    for (field, value) in names {
      let bytes = Array(value.utf8)
      guard
        X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
          == 1
      else { throw Failure(description: "cannot add \(field)=\(value) to a name") }
    }
    guard X509_set_version(x509, 2) == 1, ASN1_INTEGER_set(X509_get_serialNumber(x509), 4242) == 1,
      ASN1_TIME_set(X509_getm_notBefore(x509), time_t(notBefore.timeIntervalSince1970)) != nil,
      ASN1_TIME_set(X509_getm_notAfter(x509), time_t(notAfter.timeIntervalSince1970)) != nil,
      X509_set_subject_name(x509, name) == 1
    else { throw Failure(description: "cannot fill in the certificate") }
    if let issuerCertificatePEM {
      let issued = try withCertificate(issuerCertificatePEM) {
        X509_set_issuer_name(x509, X509_get_subject_name($0)) == 1
      }
      guard issued else { throw Failure(description: "cannot set the issuer") }
    } else {
      guard X509_set_issuer_name(x509, name) == 1 else {
        throw Failure(description: "cannot set the issuer")
      }
    }
    try withKey(keyPEM) { key in
      guard X509_set_pubkey(x509, key) == 1 else {
        throw Failure(description: "cannot set the public key")
      }
    }
    try withKey(signerKeyPEM) { key in
      guard X509_sign(x509, key, EVP_sha256()) > 0 else {
        throw Failure(description: "cannot sign the certificate")
      }
    }
    return try writePEM { PEM_write_bio_X509($0, x509) }
  }

  // MARK: - Internals

  private static func generateP256() -> OpaquePointer? {
    guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { return nil }
    defer { EVP_PKEY_CTX_free(context) }
    var key: OpaquePointer?
    guard EVP_PKEY_keygen_init(context) > 0,
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) > 0,
      EVP_PKEY_keygen(context, &key) > 0
    else {
      EVP_PKEY_free(key)
      return nil
    }
    return key
  }

  private static func withBIO<T>(_ text: String, _ body: (OpaquePointer) throws -> T) throws -> T {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBytes { raw in
      guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
        throw Failure(description: "cannot make a memory BIO")
      }
      defer { BIO_free(bio) }
      return try body(bio)
    }
  }

  private static func withKey<T>(_ pem: String, _ body: (OpaquePointer) throws -> T) throws -> T {
    try withBIO(pem) { bio in
      guard let key = fsh_pki_read_private_key(bio) else {
        throw Failure(description: "cannot read a private key")
      }
      defer { EVP_PKEY_free(key) }
      return try body(key)
    }
  }

  private static func withCertificate<T>(_ pem: String, _ body: (OpaquePointer) throws -> T)
    throws -> T
  {
    try withBIO(pem) { bio in
      guard let x509 = PEM_read_bio_X509(bio, nil, nil, nil) else {
        throw Failure(description: "cannot read a certificate")
      }
      defer { X509_free(x509) }
      return try body(x509)
    }
  }

  private static func writePEM(_ write: (OpaquePointer) -> Int32) throws -> String {
    guard let bio = BIO_new(BIO_s_mem()) else {
      throw Failure(description: "cannot make a memory BIO")
    }
    defer { BIO_free(bio) }
    guard write(bio) == 1 else { throw Failure(description: "cannot write PEM") }
    var data: UnsafePointer<CChar>?
    let count = fsh_pki_bio_contents(bio, &data)
    guard let data, count > 0 else { return "" }
    return data.withMemoryRebound(to: UInt8.self, capacity: count) {
      String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
    }
  }
}
