// The real transport: libcurl, mutual TLS, one easy handle (one kept-alive connection) per session.
import CCurl
import Foundation
import FshModel
import FshPKI
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Carries requests to a Flocker control service over HTTPS with a client certificate.
///
/// - Trusts only `settings.caFile` (CAINFO, CAPATH unset) and presents `certFile`/`keyFile`.
/// - Verifies the server as `control-service` whatever host is dialled (`CURLOPT_CONNECT_TO`).
/// - Requests are serialised; `cancel()` may be called from any thread.
package final class CurlTransport: ControlTransport, @unchecked Sendable {
  package let settings: TLSSettings
  /// `--verbose`: receives curl's informational lines (`* …`), request headers (`> …`) and
  /// response headers (`< …`). Bodies and key material are never passed.
  package var trace: ((String) -> Void)?
  /// One-time observations about the connection (e.g. the dialled host is not in the server
  /// certificate). Also passed to `onNote` as they are made.
  package internal(set) var notes: [String] = []
  package var onNote: ((String) -> Void)?
  /// Facts about the last request.
  package private(set) var lastInfo = TransferInfo()
  package var lastTransfer: TransferInfo? { lastInfo }
  package func setTrace(_ trace: ((String) -> Void)?) { self.trace = trace }
  /// The certificates the server presented on the first connection, leaf first, PEM (from
  /// libcurl's CERTINFO, after OpenSSL verified them). Empty until a request succeeded.
  package internal(set) var serverCertificates: [String] = []

  /// Responses larger than this are refused (a garbage server must not exhaust memory). 64 MiB
  /// is the configuration of about 250,000 datasets; a stream that never ends is cut here with
  /// the process at about 200 MiB (docs/reliability.md).
  package var maximumResponseBytes = 64 << 20

  let easy: UnsafeMutableRawPointer
  private let multi: UnsafeMutableRawPointer
  let errorBuffer: UnsafeMutablePointer<CChar>
  private let connectTo: UnsafeMutablePointer<curl_slist>?
  private let cancelRequested = Atomic<Bool>(false)
  private let lock = NSLock()
  /// Second connections for lists read side by side (CurlTransport+Concurrent.swift).
  let companions = CompanionTransports()
  var sanChecked = false
  var localCertificate: CertificateSummary??

  // Per-transfer state, touched by the C callbacks (always on the performing thread).
  fileprivate var responseBody: [UInt8] = []
  fileprivate var responseHeaders: [(String, String)] = []
  var bodyTooLarge = false
  /// Whether this transfer must not be sent twice (a mutation), and how many times libcurl was
  /// about to send it: libcurl re-sends any request on a reused connection that died before
  /// answering, which must not happen to a POST (`CURLOPT_PREREQFUNCTION` stops it).
  var sendOnce = false
  var sends = 0
  var resendRefused = false
  /// Where a streamed request's 200 body goes (see `perform(_:streamingBody:)`).
  fileprivate var bodyConsumer: ((UnsafeBufferPointer<UInt8>, Int) -> Void)?
  fileprivate var streamedBytes = 0

  private static let globalInit: Bool = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
  }()

  /// Call once early in `main`, before other threads start (libcurl's rule). Idempotent.
  package static func initializeLibrary() { _ = globalInit }

  package init(settings: TLSSettings, trace: ((String) -> Void)? = nil) throws {
    guard Self.globalInit, let easy = curl_easy_init(), let multi = curl_multi_init() else {
      throw ClientError(.transport, "libcurl could not be initialised; check the libcurl install")
    }
    self.settings = settings
    self.trace = trace
    self.easy = easy
    self.multi = multi
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    connectTo = curl_slist_append(nil, settings.connectTo)
    configureHandle()
  }

  deinit {
    curl_easy_cleanup(easy)
    curl_multi_cleanup(multi)
    curl_slist_free_all(connectTo)
    errorBuffer.deallocate()
  }

  package func url(for path: String) -> String { settings.url(for: path) }

  private func configureHandle() {
    let h = easy
    let me = Unmanaged.passUnretained(self).toOpaque()
    ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
    ccurl_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer)
    ccurl_setopt_str(h, CURLOPT_CAINFO, settings.caFile)
    ccurl_setopt_str(h, CURLOPT_CAPATH, nil)
    ccurl_setopt_str(h, CURLOPT_SSLCERT, settings.certFile)
    ccurl_setopt_str(h, CURLOPT_SSLCERTTYPE, "PEM")
    ccurl_setopt_str(h, CURLOPT_SSLKEY, settings.keyFile)
    ccurl_setopt_str(h, CURLOPT_SSLKEYTYPE, "PEM")
    ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
    ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
    // TLS 1.2 is the floor whatever the system OpenSSL configuration allows (docs/security.md).
    ccurl_setopt_long(h, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
    ccurl_setopt_slist(h, CURLOPT_CONNECT_TO, connectTo)
    ccurl_setopt_long(h, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTPS))
    ccurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
    ccurl_setopt_long(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
    ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout))
    ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(settings.requestTimeout))
    ccurl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
    ccurl_setopt_long(h, CURLOPT_CERTINFO, 1)
    ccurl_setopt_str(h, CURLOPT_ACCEPT_ENCODING, "")
    ccurl_setopt_str(h, CURLOPT_USERAGENT, "fsh (libcurl)")
    ccurl_setopt_ptr(h, CURLOPT_WRITEDATA, me)
    ccurl_setopt_writefn(h) { ptr, size, count, context in
      let n = size * count
      let t = Unmanaged<CurlTransport>.fromOpaque(context!).takeUnretainedValue()
      if let consume = t.bodyConsumer, n > 0, let ptr,
        t.getLong(CURLINFO_RESPONSE_CODE) == 200
      {
        // Streamed: handed over as it arrives, never kept; the size limit holds all the same.
        if t.streamedBytes + n > t.maximumResponseBytes {
          t.bodyTooLarge = true
          return 0
        }
        ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
          consume(UnsafeBufferPointer(start: $0, count: n), t.streamedBytes)
        }
        t.streamedBytes += n
        return n
      }
      if t.responseBody.count + n > t.maximumResponseBytes {
        t.bodyTooLarge = true
        return 0
      }
      if t.responseBody.isEmpty, let length = t.contentLength, length <= t.maximumResponseBytes {
        t.responseBody.reserveCapacity(length)  // one allocation, not a doubling series
      }
      if n > 0, let ptr {
        ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
          t.responseBody.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
        }
      }
      return n
    }
    ccurl_setopt_ptr(h, CURLOPT_PREREQDATA, me)
    ccurl_setopt_prereqfn(h) { context, _, _, _, _ in
      let t = Unmanaged<CurlTransport>.fromOpaque(context!).takeUnretainedValue()
      t.sends += 1
      guard t.sendOnce, t.sends > 1 else { return Int32(CURL_PREREQFUNC_OK) }
      t.resendRefused = true
      return Int32(CURL_PREREQFUNC_ABORT)
    }
    ccurl_setopt_ptr(h, CURLOPT_HEADERDATA, me)
    ccurl_setopt_headerfn(h) { ptr, size, count, context in
      let n = size * count
      let t = Unmanaged<CurlTransport>.fromOpaque(context!).takeUnretainedValue()
      guard n > 0, let ptr else { return n }
      // Byte-level parsing: Foundation's trimming costs more than the rest of a request.
      ptr.withMemoryRebound(to: UInt8.self, capacity: n) { p in
        let bytes = UnsafeBufferPointer(start: p, count: n)
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        func text(_ r: Range<Int>) -> String {
          var lo = r.lowerBound
          var hi = r.upperBound
          while lo < hi, isSpace(bytes[lo]) { lo += 1 }
          while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
          return String(decoding: bytes[lo..<hi], as: UTF8.self)
        }
        if n >= 5, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
          bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"),
          bytes[4] == UInt8(ascii: "/")
        {
          t.responseHeaders = []  // a new response (e.g. after 100 Continue)
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
          t.responseHeaders.append((text(0..<colon), text((colon + 1)..<n)))
        }
      }
      return n
    }
    updateTracing()
  }

  // MARK: - Performing

  package func cancel() {
    cancelRequested.store(true, ordering: .sequentiallyConsistent)
    curl_multi_wakeup(multi)
    companions.cancelAll()
  }

  private var isCancelled: Bool { cancelRequested.load(ordering: .sequentiallyConsistent) }

  package func perform(_ request: HTTPRequest) throws -> HTTPResponse {
    lock.lock()
    defer { lock.unlock() }
    cancelRequested.store(false, ordering: .sequentiallyConsistent)
    let idempotent = ["GET", "HEAD"].contains(request.method.uppercased())
    sendOnce = !idempotent
    var attempt = 0
    var delay = settings.retryBackoff
    while true {
      attempt += 1
      do {
        let response = try performOnce(request)
        lastInfo.attempts = attempt
        // A read that the server failed (5xx) is safe to ask again.
        if idempotent, response.status >= 500, attempt <= settings.retries {
          trace?("* '\(request.summary)' answered HTTP \(response.status)")
          trace?("* retrying \(request.summary) in \(Self.format(delay)) s")
          try sleepUnlessCancelled(delay, request: request)
          delay *= 2
          continue
        }
        return response
      } catch let error as ClientError {
        lastInfo.attempts = attempt
        guard idempotent, attempt <= settings.retries, Self.isRetryable(error) else { throw error }
        trace?("* \(error.message)")
        trace?("* retrying \(request.summary) in \(Self.format(delay)) s")
        try sleepUnlessCancelled(delay, request: request)
        delay *= 2
      }
    }
  }

  package func perform(
    _ request: HTTPRequest, streamingBody consume: (UnsafeBufferPointer<UInt8>, Int) -> Void
  ) throws -> HTTPResponse {
    try withoutActuallyEscaping(consume) { consume in
      bodyConsumer = consume
      defer { bodyConsumer = nil }
      return try perform(request)
    }
  }

  static func isRetryable(_ error: ClientError) -> Bool {
    [.refused, .unreachable, .connectionDropped].contains(error.code)
      && error.detail?.contains("resolve") != true
  }

  private func sleepUnlessCancelled(_ seconds: Double, request: HTTPRequest) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if isCancelled { throw cancelledError(request) }
      usleep(10_000)
    }
    if isCancelled { throw cancelledError(request) }
  }

  private func cancelledError(_ request: HTTPRequest) -> ClientError {
    ClientError(.cancelled, "'\(request.summary)' was cancelled")
  }

  private func performOnce(_ request: HTTPRequest) throws -> HTTPResponse {
    let h = easy
    responseBody = []
    streamedBytes = 0
    responseHeaders = []
    bodyTooLarge = false
    sends = 0
    resendRefused = false
    errorBuffer[0] = 0
    lastInfo = TransferInfo()
    updateTracing()

    ccurl_setopt_str(h, CURLOPT_URL, settings.url(for: request.path))
    let method = request.method.uppercased()
    // Reset the method state left by the previous request on this handle.
    ccurl_setopt_long(h, CURLOPT_HTTPGET, 1)
    ccurl_setopt_str(h, CURLOPT_CUSTOMREQUEST, nil)
    ccurl_setopt_long(h, CURLOPT_NOBODY, method == "HEAD" ? 1 : 0)
    if let body = request.body ?? (method == "POST" ? [] : nil) {
      ccurl_setopt_long(h, CURLOPT_POST, 1)
      ccurl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
      body.withUnsafeBytes { raw in
        // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes now; the buffer need not outlive the call.
        var zero: UInt8 = 0
        if let base = raw.baseAddress {
          ccurl_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
        } else {
          ccurl_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, &zero)
        }
      }
      if method != "POST" { ccurl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method) }
    } else if method != "GET" && method != "HEAD" {
      ccurl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
    }

    var headerList: UnsafeMutablePointer<curl_slist>? = nil
    var lines = request.headers.map { "\($0.0): \($0.1)" }
    if request.header("Accept") == nil { lines.append("Accept: application/json") }
    if request.body != nil, request.header("Content-Type") == nil {
      lines.append("Content-Type: application/json")
    }
    lines.append("Expect:")  // no 100-continue round trip for larger bodies
    for line in lines { headerList = curl_slist_append(headerList, line) }
    ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
    defer {
      ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, nil)
      curl_slist_free_all(headerList)
    }

    let code = try runTransfer(request)
    lastInfo.newConnections = Int(getLong(CURLINFO_NUM_CONNECTS))
    lastInfo.totalTime = getDouble(CURLINFO_TOTAL_TIME)
    lastInfo.connectTime = getDouble(CURLINFO_CONNECT_TIME)
    lastInfo.tlsTime = getDouble(CURLINFO_APPCONNECT_TIME)
    if code != CURLE_OK { throw mapError(code, request: request) }
    if lastInfo.newConnections > 0 { checkServerNames() }
    // The body moves out: the transport keeps no copy of a large listing alive.
    var body: [UInt8] = []
    swap(&body, &responseBody)
    return HTTPResponse(
      status: Int(getLong(CURLINFO_RESPONSE_CODE)), headers: responseHeaders, body: body)
  }

  /// The `Content-Length` of the response whose body is arriving, when it sent one.
  var bodyLength: Int? { contentLength.flatMap { $0 <= maximumResponseBytes ? $0 : nil } }

  /// The response's `Content-Length`, when it sent one.
  fileprivate var contentLength: Int? {
    responseHeaders.last { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) }
  }

  /// Drives the transfer through the multi interface so `cancel()` can wake the poll at once.
  private func runTransfer(_ request: HTTPRequest) throws -> CURLcode {
    let added = curl_multi_add_handle(multi, easy)
    guard added == CURLM_OK else {
      throw ClientError(
        .transport, "libcurl refused the request (multi error \(added.rawValue)); retry",
        detail: String(cString: curl_multi_strerror(added)))
    }
    defer { curl_multi_remove_handle(multi, easy) }
    var running: Int32 = 0
    var mcode = curl_multi_perform(multi, &running)
    while mcode == CURLM_OK && running > 0 {
      if isCancelled { throw cancelledError(request) }
      mcode = curl_multi_poll(multi, nil, 0, 100, nil)
      if isCancelled { throw cancelledError(request) }
      if mcode == CURLM_OK { mcode = curl_multi_perform(multi, &running) }
    }
    guard mcode == CURLM_OK else {
      throw ClientError(
        .transport, "libcurl failed while running '\(request.summary)'; retry",
        detail: String(cString: curl_multi_strerror(mcode)))
    }
    var left: Int32 = 0
    var result = CURLE_OK
    while let msg = curl_multi_info_read(multi, &left) {
      if msg.pointee.msg == CURLMSG_DONE && msg.pointee.easy_handle == easy {
        result = ccurl_msg_result(msg)
      }
    }
    return result
  }

  func getLong(_ info: CURLINFO) -> Int {
    var v = 0
    ccurl_getinfo_long(easy, info, &v)
    return v
  }

  func getDouble(_ info: CURLINFO) -> Double {
    var v = 0.0
    ccurl_getinfo_double(easy, info, &v)
    return v
  }
}
