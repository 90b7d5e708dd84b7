// Typed access to the Flocker control service v1 API (reference flocker-api.md §1.4, endpoints 1–11).
import Foundation
import FshJSON
import FshModel

/// The request the client sent last, for the `curl` command. Holds paths and JSON, never keys.
package struct RecordedRequest: Sendable, Equatable {
  package var method: String
  package var path: String
  /// The full URL (`https://control-service:4523/v1/...` for the curl transport).
  package var url: String
  package var headers: [(String, String)]
  package var body: [UInt8]?

  package static func == (a: RecordedRequest, b: RecordedRequest) -> Bool {
    a.method == b.method && a.path == b.path && a.url == b.url && a.body == b.body
      && a.headers.map { [$0.0, $0.1] } == b.headers.map { [$0.0, $0.1] }
  }
}

public final class FlockerClient {
  public let transport: ControlTransport
  /// The last request sent (also when it failed), for `curl`.
  package private(set) var lastRequest: RecordedRequest?

  public init(transport: ControlTransport) {
    self.transport = transport
  }

  /// Aborts the request in progress from any thread (Ctrl-C).
  public func cancel() { transport.cancel() }

  // MARK: - Endpoints

  /// 1. `GET /v1/version`.
  public func version() throws -> VersionInfo {
    try decode(VersionInfo.self, from: send("GET", "/v1/version", expect: [200]))
  }

  /// 2. `GET /v1/configuration/datasets`: the desired configuration, deleted datasets included,
  /// and the `X-Configuration-Tag` to send back with a conditional mutation.
  public func configurationDatasets() throws -> (datasets: [DatasetConfiguration], tag: String?) {
    let (datasets, response) = try streamedList(
      "/v1/configuration/datasets", of: DatasetConfiguration.self)
    return (datasets, response.header("X-Configuration-Tag"))
  }

  /// 3. `POST /v1/configuration/datasets`. Never sends `deleted` (the server answers 500).
  public func createDataset(
    primary: String, datasetID: String? = nil, maximumSize: Int? = nil,
    metadata: [String: String] = [:], ifConfigurationMatches tag: String? = nil
  ) throws -> DatasetConfiguration {
    // Keys in sorted order, as before (a body is compared byte for byte in recorded examples).
    var fields: [(String, JSONText)] = []
    if let id = datasetID { fields.append(("dataset_id", .string(id.lowercased()))) }
    if let size = maximumSize { fields.append(("maximum_size", .int(size))) }
    fields.append(
      ("metadata", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    )
    fields.append(("primary", .string(primary.lowercased())))
    let body = JSONText.object(fields).bytes
    return try decode(
      DatasetConfiguration.self,
      from: send(
        "POST", "/v1/configuration/datasets", body: body, tag: tag, expect: [201],
        hints: [
          409: "choose another dataset id, or leave it out to get a new one",
          400:
            "check the size (at least 64 MiB, a multiple of 1 KiB), the node id and the metadata",
        ]))
  }

  /// 4. `POST /v1/configuration/datasets/<id>`: move the dataset to another primary node.
  public func moveDataset(
    _ datasetID: String, to primary: String, ifConfigurationMatches tag: String? = nil
  ) throws -> DatasetConfiguration {
    let id = try pathID(datasetID, what: "dataset id")
    return try decode(
      DatasetConfiguration.self,
      from: send(
        "POST", "/v1/configuration/datasets/\(id)",
        body: JSONText.object([("primary", .string(primary.lowercased()))]).bytes, tag: tag,
        expect: [200],
        hints: [
          405: "a deleted dataset cannot be moved",
          400: "the node id must be a UUID",
        ]))
  }

  /// 5. `DELETE /v1/configuration/datasets/<id>`: marks it deleted (idempotent).
  public func deleteDataset(_ datasetID: String, ifConfigurationMatches tag: String? = nil) throws
    -> DatasetConfiguration
  {
    let id = try pathID(datasetID, what: "dataset id")
    return try decode(
      DatasetConfiguration.self,
      from: send(
        "DELETE", "/v1/configuration/datasets/\(id)", tag: tag, expect: [200]))
  }

  /// 6. `GET /v1/state/datasets`: what the agents last reported.
  public func stateDatasets() throws -> [DatasetState] {
    try streamedList("/v1/state/datasets", of: DatasetState.self).0
  }

  /// 7. `GET /v1/state/nodes`: nodes with a live agent.
  public func nodes() throws -> [Node] {
    try decode([Node].self, from: send("GET", "/v1/state/nodes", expect: [200]))
  }

  /// 8. `GET /v1/state/nodes/by_era/<era>`: the node UUID for a boot id, or nil when no node has
  /// reported that era (yet: retry later).
  public func nodeUUID(forEra era: String) throws -> String? {
    struct Answer: JSONPullDecodable {
      var uuid = ""
      init(json r: inout JSONParser) throws {
        var uuid: String?
        try r.object { r, key in
          if key == "uuid", case .string(let s) = try r.scalar() {
            uuid = s
          } else {
            _ = try r.scalar()
          }
        }
        guard let uuid else {
          throw JSONParser.Failure(message: "no 'uuid' in the answer", offset: r.i)
        }
        self.uuid = uuid
      }
    }
    let id = try pathID(era, what: "era")
    do {
      return try decode(
        Answer.self, from: send("GET", "/v1/state/nodes/by_era/\(id)", expect: [200])
      ).uuid
    } catch let e as ClientError where e.code == .http && e.status == 404 {
      return nil
    }
  }

  /// 9. `GET /v1/configuration/leases`.
  public func leases() throws -> [Lease] {
    try decode([Lease].self, from: send("GET", "/v1/configuration/leases", expect: [200]))
  }

  /// 10. `POST /v1/configuration/leases`: acquire (201) or renew (200, `renewed`). `expires` in
  /// seconds from now; nil for a lease that never expires (sent as an explicit `null`).
  public func acquireLease(datasetID: String, nodeUUID: String, expires: Double?) throws -> (
    lease: Lease, renewed: Bool
  ) {
    let body = JSONText.object([
      ("dataset_id", .string(datasetID.lowercased())),
      ("expires", expires.map { .double($0) } ?? .null),
      ("node_uuid", .string(nodeUUID.lowercased())),
    ]).bytes
    let (request, response) = try send(
      "POST", "/v1/configuration/leases", body: body, expect: [200, 201],
      hints: [
        400: "the node id must be a UUID and the duration a number of seconds"
      ])
    return (try decode(Lease.self, from: (request, response)), response.status == 200)
  }

  /// 11. `DELETE /v1/configuration/leases/<dataset_id>`: releases it whoever holds it.
  public func releaseLease(datasetID: String) throws -> Lease {
    let id = try pathID(datasetID, what: "dataset id")
    return try decode(
      Lease.self,
      from: send(
        "DELETE", "/v1/configuration/leases/\(id)", expect: [200],
        hints: [404: "no lease is held on dataset '\(id)'"]))
  }

  // MARK: - Raw access (`api` command)

  /// Sends a request as it is and returns any answer, whatever its status (the `api`
  /// command); recorded for `curl` like every other request.
  public func send(_ request: HTTPRequest) throws -> HTTPResponse {
    try perform(request)
  }

  // MARK: - Plumbing

  func perform(
    _ request: HTTPRequest, streaming consume: ((UnsafeBufferPointer<UInt8>, Int) -> Void)? = nil
  ) throws -> HTTPResponse {
    lastRequest = RecordedRequest(
      method: request.method, path: request.path, url: transport.url(for: request.path),
      headers: request.headers, body: request.body)
    guard let consume else { return try transport.perform(request) }
    return try transport.perform(request, streamingBody: consume)
  }

  private func send(
    _ method: String, _ path: String, body: [UInt8]? = nil, tag: String? = nil,
    expect: [Int], hints: [Int: String] = [:]
  ) throws -> (HTTPRequest, HTTPResponse) {
    var headers: [(String, String)] = []
    if body != nil { headers.append(("Content-Type", "application/json")) }
    if let tag { headers.append(("X-If-Configuration-Matches", tag)) }
    let request = HTTPRequest(method: method, path: path, headers: headers, body: body)
    let response = try perform(request)
    try check(request, response, expect: expect, hints: hints)
    return (request, response)
  }

  /// Throws the error for a status the endpoint does not answer with. (`expect` is an array:
  /// a one-element `Set<Int>` cost the runtime a scan of every protocol conformance at start.)
  func check(
    _ request: HTTPRequest, _ response: HTTPResponse, expect: [Int], hints: [Int: String]
  ) throws {
    guard expect.contains(response.status) else {
      if (200..<300).contains(response.status) {
        throw ClientError(
          .badResponse,
          "'\(request.summary)' answered HTTP \(response.status) where the Flocker API sends "
            + expect.sorted().map(String.init).joined(separator: " or ")
            + "; is this a Flocker 1.x control service?", status: response.status)
      }
      throw Self.httpError(response, request: request, hints: hints)
    }
  }

  /// An answer's body as a `T`, read with FshJSON (every model type has a pull decoder).
  private func decode<T: JSONPullDecodable>(
    _ type: T.Type, from pair: (HTTPRequest, HTTPResponse)
  ) throws -> T {
    do {
      var r = JSONParser(bytes: pair.1.body)
      r.skipSpace()
      let value = try T(json: &r)
      r.skipSpace()
      if r.i < r.bytes.count {
        throw JSONParser.Failure(message: "unexpected data after the JSON value", offset: r.i)
      }
      return value
    } catch {
      throw Self.badJSON(pair.0, pair.1, underlying: error)
    }
  }

  /// Ids go into paths lower-cased (stored ids are lower-case; the match is case-sensitive) and
  /// must not change the path's shape.
  private func pathID(_ id: String, what: String) throws -> String {
    let lower = id.lowercased()
    let allowed = CharacterSet(charactersIn: "0123456789abcdefghijklmnopqrstuvwxyz-_")
    guard !lower.isEmpty, lower.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
      throw ClientError(.invalidRequest, "'\(id)' is not a valid \(what); expected a UUID")
    }
    return lower
  }

  /// `bytes`: the body's size when it was streamed rather than kept.
  static func badJSON(
    _ request: HTTPRequest, _ response: HTTPResponse, underlying: Error? = nil, bytes: Int? = nil
  ) -> ClientError {
    let size = bytes ?? response.body.count
    var why = "is not valid JSON"
    if let f = underlying as? JSONParser.Failure {
      if size == 0 {
        why = "is empty"
      } else if f.message.hasPrefix("missing '") {
        let field = f.message.dropFirst("missing '".count).dropLast()
        why = "lacks the field '\(field)' (object at byte \(f.offset))"
      } else if f.message.hasPrefix("'") || f.message.hasPrefix("expected an") {
        why = "has an unexpected value (\(f.description))"
      } else {
        why = "is not valid JSON (truncated or malformed: \(f.description))"
      }
    } else if size == 0 {
      why = "is empty"
    }
    return ClientError(
      .badResponse,
      "the answer to '\(request.summary)' (HTTP \(response.status), \(size) bytes) "
        + "\(why); retry, and check that this is a Flocker 1.x control service",
      status: response.status)
  }

  /// Turns a non-2xx response into the error the user sees.
  static func httpError(_ response: HTTPResponse, request: HTTPRequest, hints: [Int: String])
    -> ClientError
  {
    var error = httpErrorWithoutRequest(response, request: request, hints: hints)
    error.method = request.method
    error.path = request.path
    return error
  }

  private static func httpErrorWithoutRequest(
    _ response: HTTPResponse, request: HTTPRequest, hints: [Int: String]
  ) -> ClientError {
    let status = response.status
    let body = try? JSONParser.decode(ErrorBody.self, from: response.body)
    let description = body?.description
    let errors = body?.errors ?? []
    let where_ = "'\(request.summary)', HTTP \(status)"

    if (500..<600).contains(status) {
      if let incident = body?.incident {
        return ClientError(
          .serverError,
          "the control service failed on \(where_) (incident '\(incident)'); see its log "
            + "(search for the incident id)", status: status, description: incident)
      }
      let text = description.map { ": " + sentence($0) } ?? ""
      return ClientError(
        .serverError,
        "the control service failed on \(where_)\(text); retry later and check its log",
        status: status, description: description, errors: errors)
    }

    guard let description else {
      if status == 404 || status == 405 {
        return ClientError(
          .badResponse,
          "the control service does not know '\(request.summary)' (HTTP \(status)); is it a "
            + "Flocker control service of version 1.x?", status: status)
      }
      let snippet = String(response.bodyText.prefix(200)).trimmingCharacters(
        in: .whitespacesAndNewlines)
      return ClientError(
        .badResponse,
        "unexpected answer to \(where_)"
          + (snippet.isEmpty ? "" : " ('\(snippet)')")
          + "; is the host and port a Flocker 1.x control service?", status: status)
    }

    if status == 412 {
      return ClientError(
        .precondition,
        "the cluster configuration changed since it was read (\(sentence(description))); read it "
          + "again and retry", status: status, description: description, errors: errors)
    }
    var message = sentence(description)
    if !errors.isEmpty { message += ": " + errors.joined(separator: "; ") }
    message += " (\(where_))"
    if let hint = hints[status] {
      message += "; " + hint
    } else if status == 401 || status == 403 {
      message += "; check the client certificate"
    }
    return ClientError(
      .http, message, status: status, description: description, errors: errors)
  }
}

/// An error answer's body, read with FshJSON: Flocker's `{"description": …, "errors": […]}`
/// (Twisted's schema errors list strings; anything else in the list is kept as its JSON
/// scalar's text), or a bare JSON string (the incident id of a 500).
struct ErrorBody: JSONPullDecodable {
  var description: String?
  var errors: [String] = []
  var incident: String?

  init(json r: inout JSONParser) throws {
    r.skipSpace()
    guard r.i < r.bytes.count else { return }
    switch r.bytes[r.i] {
    case UInt8(ascii: "\""):
      incident = try r.parseString()
    case UInt8(ascii: "{"):
      var description: String?
      var errors: [String] = []
      try r.object { r, key in
        switch key {
        case "description":
          if case .string(let s) = try r.scalar() { description = s }
        case "errors":
          r.skipSpace()
          if r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "[") {
            try r.elements { r in
              switch try r.scalar() {
              case .string(let s): errors.append(s)
              case .number(.int(let n)): errors.append(String(n))
              case .number(.double(let d)): errors.append(String(d))
              case .bool(let b): errors.append(String(b))
              case .null: errors.append("null")
              case .object: errors.append("{…}")
              case .array: errors.append("[…]")
              }
            }
          } else {
            _ = try r.scalar()
          }
        default: _ = try r.scalar()
        }
      }
      self.description = description
      self.errors = errors
    default:
      _ = try r.scalar()
    }
  }
}
