// The checks the Flocker control service makes on a TLS peer (reference §4.4, `_validation.py`):
// the certificate must be issued by the cluster CA and its commonName must start with `user-`
// (REST API, port 4523) or `node-` (agent port 4524). Nothing else (OU, EKU, user name) is checked.

import Foundation
import X509

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

  public var description: String {
    switch self {
    case .unparsable: return "The peer certificate cannot be parsed."
    case .notIssuedByCluster: return "The peer certificate was not issued by this cluster's CA."
    case .expired: return "The peer certificate is outside its validity period."
    case .wrongCommonName(let name, let prefix):
      return "The peer certificate's commonName \(name.map { "'\($0)'" } ?? "(none)") does not "
        + "start with '\(prefix)'."
    }
  }
}

/// Validates peer leaf certificates against one cluster CA, like Flocker's
/// `ControlServicePolicy`/`rest_api_context_factory` do.
public struct FlockerPeerValidator: Sendable {
  private let ca: Certificate

  /// - Parameter caCertificatePEM: `cluster.crt`.
  public init(caCertificatePEM: String) throws {
    do {
      ca = try Certificate(pemEncoded: caCertificatePEM)
    } catch {
      throw FlockerPKIError.invalidPEM(what: "CA certificate", reason: "\(error)")
    }
  }

  /// Checks a DER leaf certificate: issued (signed) by the CA, currently valid, commonName
  /// starting with `commonNamePrefix` (`"user-"` for the REST API). Returns the commonName.
  public func validate(leafDER: [UInt8], commonNamePrefix: String, now: Date = Date()) throws
    -> String
  {
    guard let leaf = try? Certificate(derEncoded: leafDER) else {
      throw PeerValidationError.unparsable
    }
    guard leaf.issuer == ca.subject, ca.publicKey.isValidSignature(leaf.signature, for: leaf)
    else { throw PeerValidationError.notIssuedByCluster }
    guard leaf.notValidBefore <= now, now <= leaf.notValidAfter,
      ca.notValidBefore <= now, now <= ca.notValidAfter
    else { throw PeerValidationError.expired }
    let name = CertificateSummary(leaf).commonName
    guard let name, name.hasPrefix(commonNamePrefix) else {
      throw PeerValidationError.wrongCommonName(name, requiredPrefix: commonNamePrefix)
    }
    return name
  }
}
