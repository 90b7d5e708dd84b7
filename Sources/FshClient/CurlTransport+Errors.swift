// libcurl's failures as client errors that say what happened and what to do.
import CCurl
import Foundation
import FshModel
import FshPKI

#if canImport(Glibc)
  import Glibc
#endif

extension CurlTransport {
  // MARK: - Errors

  func localCertificateSummary() -> CertificateSummary? {
    if let cached = localCertificate { return cached }
    let s = FileManager.default.contents(atPath: settings.certFile).flatMap {
      try? CertificateSummary(pem: String(decoding: $0, as: UTF8.self))
    }
    localCertificate = .some(s)
    return s
  }

  /// What can be told wrong with the client certificate without the server: its validity
  /// dates. Checked before a TLS failure is put on the CA or the server, so an expired
  /// certificate is named as expired (a certificate from another CA is named by the server's
  /// alert, below).
  func localCredentialError(detail: String) -> ClientError? {
    guard let mine = localCertificateSummary() else { return nil }
    let now = Date()
    func day(_ d: Date) -> String {
      let f = DateFormatter()
      f.locale = Locale(identifier: "en_US_POSIX")
      f.timeZone = TimeZone(identifier: "UTC")
      f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
      return f.string(from: d)
    }
    if now > mine.notValidAfter {
      return ClientError(
        .expired,
        "the client certificate '\(settings.certFile)' expired on \(day(mine.notValidAfter)); "
          + "issue a new one ('certs user NAME', or 'flocker-ca create-api-certificate NAME')",
        detail: detail)
    }
    if now < mine.notValidBefore {
      return ClientError(
        .expired,
        "the client certificate '\(settings.certFile)' is not valid before "
          + "\(day(mine.notValidBefore)); check this machine's clock",
        detail: detail)
    }
    return nil
  }

  func mapError(_ code: CURLcode, request: HTTPRequest) -> ClientError {
    let text = String(cString: errorBuffer)
    let curlText = text.isEmpty ? String(cString: curl_easy_strerror(code)) : text
    let detail = "curl error \(code.rawValue): \(curlText)"
    let hp = "'\(settings.hostPort)'"
    let lower = curlText.lowercased()
    func err(_ c: ClientError.Code, _ m: String) -> ClientError {
      ClientError(c, m, detail: detail)
    }
    func nodeCertificateError() -> ClientError? {
      guard let cn = localCertificateSummary()?.commonName, cn.hasPrefix("node-") else {
        return nil
      }
      return err(
        .tlsNodeCertificate,
        "the client certificate '\(settings.certFile)' is a node (agent) certificate with CN "
          + "'\(cn)'; the control service API accepts only user certificates (CN 'user-…'): "
          + "create one with 'flocker-ca create-api-certificate NAME' and use its .crt and .key")
    }
    let portHint =
      settings.port == 4524
      ? "; port 4524 is the agents' port, the API listens on 4523" : ""

    switch code {
    case CURLE_COULDNT_RESOLVE_HOST:
      return err(
        .unreachable,
        "cannot resolve host '\(settings.host)'; check the control service host name and DNS")
    case CURLE_COULDNT_CONNECT:
      if lower.contains("refused") || getLong(CURLINFO_OS_ERRNO) == Int(ECONNREFUSED) {
        return err(
          .refused,
          "cannot reach control service at \(hp): connection refused; is flocker-control "
            + "running and is port \(settings.port) open?")
      }
      let reason =
        lower.contains("no route")
        ? "no route to host"
        : lower.contains("unreachable") ? "network unreachable" : "connection failed"
      return err(
        .unreachable,
        "cannot reach control service at \(hp): \(reason); check the host address, the network "
          + "and any firewall")
    case CURLE_OPERATION_TIMEDOUT:
      if lower.contains("connection timed out") || lower.contains("resolving timed out")
        || (lastInfo.tlsTime == 0 && !lower.contains("operation timed out"))
      {
        return err(
          .timeout,
          "connecting to the control service at \(hp) timed out after "
            + "\(Self.format(settings.connectTimeout)) s (connect timeout); check the host, port "
            + "and firewall, or raise the connect timeout")
      }
      return err(
        .timeout,
        "'\(request.summary)' got no complete answer from \(hp) within "
          + "\(Self.format(settings.requestTimeout)) s (request timeout); the control service may "
          + "be overloaded or hung; raise the request timeout if it is only slow")
    case CURLE_PEER_FAILED_VERIFICATION:
      if let mine = localCredentialError(detail: detail) { return mine }
      if lower.contains("expired") {
        return err(
          .expired,
          "the control service's certificate at \(hp) has expired; re-issue it with "
            + "'flocker-ca create-control-certificate' and restart flocker-control")
      }
      if lower.contains("not yet valid") {
        return err(
          .expired,
          "the control service's certificate at \(hp) is not yet valid; check the clocks of "
            + "both machines")
      }
      if lower.contains("subject name") || lower.contains("host name")
        || lower.contains("hostname")
      {
        return err(
          .tlsServerName,
          "the certificate of the server at \(hp) does not carry the name 'control-service'; "
            + "it is not a flocker-ca control certificate: re-issue it with "
            + "'flocker-ca create-control-certificate'")
      }
      return err(
        .tlsUnknownCA,
        "the server at \(hp) presented a certificate that '\(settings.caFile)' does not trust; "
          + "check that this cluster.crt belongs to the cluster you are dialling")
    case CURLE_SSL_CERTPROBLEM:
      let fm = FileManager.default
      if !fm.isReadableFile(atPath: settings.certFile) {
        return err(
          .tlsLocalCredentials,
          "cannot read the client certificate '\(settings.certFile)'; check that it exists and "
            + "is readable")
      }
      if !fm.isReadableFile(atPath: settings.keyFile) {
        return err(
          .tlsLocalCredentials,
          "cannot read the client key '\(settings.keyFile)'; check that it exists and is readable")
      }
      if localCertificateSummary() == nil {
        return err(
          .tlsLocalCredentials,
          "the client certificate '\(settings.certFile)' is not a PEM certificate; use the .crt "
            + "file flocker-ca wrote")
      }
      return err(
        .tlsLocalCredentials,
        "the client key '\(settings.keyFile)' does not match the certificate "
          + "'\(settings.certFile)' or is not a PEM key; use the .key issued with that certificate")
    case CURLE_SSL_CACERT_BADFILE:
      return err(
        .caFileUnreadable,
        "cannot read the CA file '\(settings.caFile)'; check that cluster.crt exists, is "
          + "readable and is PEM")
    case CURLE_SSL_CONNECT_ERROR, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
      let tlsAlert =
        lower.contains("alert") || lower.contains("ssl") || lower.contains("errno 107")
        || code == CURLE_SSL_CONNECT_ERROR
      if lower.contains("wrong version number") || lower.contains("packet length too long") {
        return err(
          .tlsClientRejected,
          "the server at \(hp) does not speak TLS; is this the control service's API port "
            + "(4523)?")
      }
      if let nodeError = nodeCertificateError() { return nodeError }
      if tlsAlert, let mine = localCredentialError(detail: detail) { return mine }
      if lower.contains("certificate expired") {
        return err(
          .expired,
          "the control service rejected the client certificate '\(settings.certFile)' as "
            + "expired; issue a new one with 'flocker-ca create-api-certificate'")
      }
      if !tlsAlert {
        return err(
          .connectionDropped,
          "the control service at \(hp) closed the connection before answering "
            + "'\(request.summary)'; check its log, and retry")
      }
      var message =
        "the server refused the client certificate '\(settings.certFile)': it must be signed by "
        + "cluster.crt and have a CN starting with 'user-'"
      if let s = localCertificateSummary(), let cn = s.commonName {
        message += " (its CN is '\(cn)'"
        if let issuer = s.issuerCommonName { message += ", issued by '\(issuer)'" }
        message += ")"
      }
      if lower.contains("unknown ca") {
        message += "; this certificate was signed by another CA than the server's cluster.crt"
      }
      return err(.tlsClientRejected, message + portHint)
    case CURLE_ABORTED_BY_CALLBACK where resendRefused:
      return err(
        .connectionDropped,
        "the connection to \(hp) closed after '\(request.summary)' was sent and before it was "
          + "answered; the control service may have acted on it, so it was not sent again: read "
          + "the cluster before retrying")
    case CURLE_ABORTED_BY_CALLBACK:
      return err(.cancelled, "'\(request.summary)' was cancelled")
    case CURLE_PARTIAL_FILE:
      return err(
        .badResponse,
        "the response to '\(request.summary)' was cut off before its end; retry, and check the "
          + "control service's log")
    case CURLE_WRITE_ERROR where bodyTooLarge:
      return err(
        .badResponse,
        "the response to '\(request.summary)' is larger than "
          + "\(maximumResponseBytes >> 20) MiB; this is not a Flocker control service answer")
    default:
      return err(
        .transport,
        "'\(request.summary)' to \(hp) failed: \(curlText) (curl error \(code.rawValue))")
    }
  }
}
