// The OpenSSL calls FshPKI makes, behind a few helpers: every object is freed by the helper that
// made it, and what outlives a call is plain values (DER bytes, strings, dates), so FshPKI's
// types stay Sendable without sharing C pointers. The checks `ParsedCertificate` adds to
// d2i_X509 keep refusing what FshPKI refused before (it parsed with swift-certificates):
// trailing bytes, versions other than 1–3, more than 32 or repeated extensions, and public keys
// other than RSA ≥ 2048 bits, ECDSA P-256/384/521 and Ed25519.

import COpenSSL
import Foundation

/// An OpenSSL failure, with the library's reason when it gave one.
struct OpenSSLError: Error, CustomStringConvertible {
  let description: String

  /// `what`, followed by OpenSSL's oldest queued reason; the error queue is emptied.
  init(_ what: String) {
    let code = ERR_get_error()
    ERR_clear_error()
    guard code != 0, let reason = ERR_reason_error_string(code) else {
      description = what
      return
    }
    description = "\(what) (\(String(cString: reason)))"
  }
}

/// The DER an i2d function writes, or nil when it fails. `encode` is called twice: for the
/// length (nil output), then to write.
func encodeDER(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]?
{
  let length = encode(nil)
  guard length > 0 else { return nil }
  var bytes = [UInt8](repeating: 0, count: Int(length))
  let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var cursor = buffer.baseAddress
    return encode(&cursor)
  }
  return written == length ? bytes : nil
}

/// Runs `body` with what a d2i function decoded from all of `der` (trailing bytes refused), then
/// frees it; nil when it does not decode.
func withDecoded<T>(
  _ der: [UInt8],
  decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?,
  free: (OpaquePointer) -> Void, _ body: (OpaquePointer) throws -> T
) rethrows -> T? {
  let object: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
    guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
    var cursor: UnsafePointer<UInt8>? = base
    guard let object = decode(&cursor, buffer.count) else { return nil }
    guard cursor == base + buffer.count else {
      free(object)
      return nil
    }
    return object
  }
  ERR_clear_error()
  guard let object else { return nil }
  defer { free(object) }
  return try body(object)
}

/// Runs `body` with the X509 of a DER certificate; nil when the DER does not decode.
func withX509<T>(_ der: [UInt8], _ body: (OpaquePointer) throws -> T) rethrows -> T? {
  try withDecoded(
    der, decode: { d2i_X509(nil, $0, $1) }, free: { X509_free($0) }, body)
}

/// Runs `body` with the EVP_PKEY of a DER SubjectPublicKeyInfo; nil when it does not decode.
func withPublicKey<T>(_ der: [UInt8], _ body: (OpaquePointer) throws -> T) rethrows -> T? {
  try withDecoded(
    der, decode: { d2i_PUBKEY(nil, $0, $1) }, free: { EVP_PKEY_free($0) }, body)
}

/// Runs `body` with the EVP_PKEY of a DER PKCS#1 RSA private key; nil when it does not decode.
func withRSAPrivateKey<T>(_ der: [UInt8], _ body: (OpaquePointer) throws -> T) rethrows -> T? {
  try withDecoded(
    der, decode: { d2i_PrivateKey(EVP_PKEY_RSA, nil, $0, $1) }, free: { EVP_PKEY_free($0) },
    body)
}

/// A key's algorithm and size as FshPKI shows it (`RSA 4096`, `ECDSA P-256`, `Ed25519`), or nil
/// for a kind FshPKI does not read (other algorithms and curves, RSA below `minimumRSABits`).
func keyDescription(_ key: OpaquePointer, minimumRSABits: Int32) -> String? {
  switch EVP_PKEY_get_base_id(key) {
  case EVP_PKEY_RSA:
    let bits = EVP_PKEY_get_bits(key)
    return bits >= minimumRSABits ? "RSA \(bits)" : nil
  case EVP_PKEY_EC:
    var name = [CChar](repeating: 0, count: 64)
    guard EVP_PKEY_get_group_name(key, &name, name.count, nil) == 1 else {
      ERR_clear_error()
      return nil
    }
    switch String(cString: name) {
    case "prime256v1": return "ECDSA P-256"
    case "secp384r1": return "ECDSA P-384"
    case "secp521r1": return "ECDSA P-521"
    default: return nil
    }
  case EVP_PKEY_ED25519:
    return "Ed25519"
  default:
    return nil
  }
}

/// The SubjectPublicKeyInfo DER of a key.
func publicKeyDER(_ key: OpaquePointer) -> [UInt8]? {
  encodeDER { i2d_PUBKEY(key, $0) }
}

/// Whether two SubjectPublicKeyInfo DER hold the same key (compared as keys, not as bytes).
func samePublicKey(_ a: [UInt8], _ b: [UInt8]) -> Bool {
  withPublicKey(a) { first in withPublicKey(b) { EVP_PKEY_eq(first, $0) == 1 } ?? false } ?? false
}

/// The text in a memory BIO.
func contents(of bio: OpaquePointer) -> String {
  var data: UnsafePointer<CChar>?
  let count = fsh_pki_bio_contents(bio, &data)
  guard let data, count > 0 else { return "" }
  return data.withMemoryRebound(to: UInt8.self, capacity: count) {
    String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
  }
}

/// Runs `body` with a read-only memory BIO over `text`.
func withBIO<T>(reading text: String, _ body: (OpaquePointer) throws -> T) throws -> T {
  var bytes = Array(text.utf8)
  if bytes.isEmpty { bytes = [0] }
  return try bytes.withUnsafeBytes { raw in
    guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(text.utf8.count)) else {
      throw OpenSSLError("cannot make a memory BIO")
    }
    defer { BIO_free(bio) }
    return try body(bio)
  }
}

/// The dotted OID of an object (`2.5.4.3`).
func dottedOID(_ object: OpaquePointer) -> String {
  var buffer = [CChar](repeating: 0, count: 128)
  let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
  guard length > 0 else { return "" }
  if Int(length) < buffer.count { return String(cString: buffer) }
  var long = [CChar](repeating: 0, count: Int(length) + 1)
  _ = OBJ_obj2txt(&long, Int32(long.count), object, 1)
  return String(cString: long)
}

/// The bytes of an ASN1_STRING.
func bytes(of string: UnsafePointer<ASN1_STRING>) -> [UInt8] {
  let count = Int(ASN1_STRING_length(string))
  guard count > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
  return Array(UnsafeBufferPointer(start: data, count: count))
}

/// Reading an extension: absent, present but unreadable, or its decoded value.
enum ExtensionRead<Value> {
  case absent
  case malformed
  case value(Value)

  var value: Value? {
    if case .value(let value) = self { return value }
    return nil
  }
}

/// Decodes the extension `nid` of `x509` with `read` (given X509_get_ext_d2i's result, which it
/// must free).
func readExtension<Value>(
  _ x509: OpaquePointer, _ nid: Int32, _ read: (UnsafeMutableRawPointer) -> Value?
) -> ExtensionRead<Value> {
  guard X509_get_ext_by_NID(x509, nid, -1) >= 0 else { return .absent }
  defer { ERR_clear_error() }
  guard let decoded = X509_get_ext_d2i(x509, nid, nil, nil), let value = read(decoded) else {
    return .malformed
  }
  return .value(value)
}
