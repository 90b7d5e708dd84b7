// The checks the Flocker control service makes on a TLS peer (reference §4.4, `_validation.py`):
// the certificate must be issued by the cluster CA and its commonName must start with `user-`
// (REST API, port 4523) or `node-` (agent port 4524). Nothing else (OU, EKU, user name) is checked.

import COpenSSL
import Foundation

/// Why a peer certificate was refused.
public enum PeerValidationError: Error, CustomStringConvertible, Equatable {
  /// The certificate could not be parsed.
  case unparsable
  /// It was not issued by this cluster's CA (issuer name or signature).
  case notIssuedByCluster
  /// It is not valid at this time.
  case expired
  /// Its commonName does not start with the required prefix.
  case wrongCommonName(String?, requiredPrefix: String)
  /// Its key usage or extended key usage does not allow TLS client authentication.
  case notForClientAuthentication

  public var description: String {
    switch self {
    case .unparsable: return "The peer certificate cannot be parsed."
    case .notIssuedByCluster: return "The peer certificate was not issued by this cluster's CA."
    case .expired: return "The peer certificate is outside its validity period."
    case .wrongCommonName(let name, let prefix):
      return "The peer certificate's commonName \(name.map { "'\($0)'" } ?? "(none)") does not "
        + "start with '\(prefix)'."
    case .notForClientAuthentication:
      return "The peer certificate's key usage does not allow TLS client authentication."
    }
  }
}

/// Validates peer leaf certificates against one cluster CA, like Flocker's
/// `ControlServicePolicy`/`rest_api_context_factory` do.
public struct FlockerPeerValidator: Sendable {
  /// The CA certificate's DER and facts (the DER is parsed again to check each signature).
  private let ca: ParsedCertificate

  /// - Parameter caCertificatePEM: `cluster.crt`.
  public init(caCertificatePEM: String) throws {
    do {
      let block = try PEMBlock(single: caCertificatePEM)
      guard block.label == "CERTIFICATE" else {
        throw PEMError("PEM block is '\(block.label)', expected 'CERTIFICATE'")
      }
      ca = try ParsedCertificate(der: block.der)
    } catch {
      throw FlockerPKIError.invalidPEM(what: "CA certificate", reason: "\(error)")
    }
  }

  /// Checks a DER leaf certificate: issued (signed) by the CA, currently valid, commonName
  /// starting with `commonNamePrefix` (`"user-"` for the REST API) and, with
  /// `requireClientAuthentication`, usable as a TLS client certificate as OpenSSL's
  /// `X509_PURPOSE_SSL_CLIENT` check decides: an extendedKeyUsage, when present, must list
  /// clientAuth, and a keyUsage, when present, digitalSignature or keyAgreement. Returns the
  /// commonName.
  public func validate(
    leafDER: [UInt8], commonNamePrefix: String, requireClientAuthentication: Bool = false,
    now: Date = Date()
  ) throws -> String {
    guard let leaf = try? ParsedCertificate(der: leafDER) else {
      throw PeerValidationError.unparsable
    }
    guard leaf.issuer.der == ca.subject.der,
      verifySignature(certificate: leafDER, key: ca.publicKey)
    else { throw PeerValidationError.notIssuedByCluster }
    guard leaf.notValidBefore <= now, now <= leaf.notValidAfter,
      ca.notValidBefore <= now, now <= ca.notValidAfter
    else { throw PeerValidationError.expired }
    let name = leaf.subject.commonName
    guard let name, name.hasPrefix(commonNamePrefix) else {
      throw PeerValidationError.wrongCommonName(name, requiredPrefix: commonNamePrefix)
    }
    if requireClientAuthentication {
      switch (leaf.extendedKeyUsage, leaf.keyUsage) {
      case (.malformed, _), (_, .malformed):
        throw PeerValidationError.notForClientAuthentication  // present but malformed
      default:
        break
      }
      if let usage = leaf.extendedKeyUsage.value, !usage.contains("clientAuth") {
        throw PeerValidationError.notForClientAuthentication
      }
      if let keyUsage = leaf.keyUsage.value, !keyUsage.contains("digitalSignature"),
        !keyUsage.contains("keyAgreement")
      {
        throw PeerValidationError.notForClientAuthentication
      }
    }
    return name
  }
}
