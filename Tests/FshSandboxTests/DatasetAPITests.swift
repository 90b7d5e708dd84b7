import Foundation
import FshTestSupport
import Testing

@testable import FshSandbox

private let decodeErrorBody =
  #"{"description": "The request body could not be decoded according to the value of the\nContent-Type header."}"#
private let uuidPatternRepr =
  "'^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-4[A-Fa-f0-9]{3}-[89abAB][A-Fa-f0-9]{3}-[A-Fa-f0-9]{12}$'"

@Suite("Datasets API")
struct DatasetAPITests {
  @Test func version() throws {
    let (sandbox, _) = try makeSandbox()
    let response = sandbox.get("/v1/version")
    #expect(response.status == 200)
    #expect(response.header("content-type") == "application/json")
    #expect(response.text == #"{"flocker": "1.15.0"}"#)
  }

  @Test func createMinimal() throws {
    let (sandbox, _) = try makeSandbox()
    let node = sandbox.nodes[0].uuid
    let response = sandbox.post("/v1/configuration/datasets", #"{"primary": "\#(node)"}"#)
    #expect(response.status == 201)
    let object = response.object
    let id = try #require(object["dataset_id"] as? String)
    #expect(matchesUUIDv4Pattern(id) && id == id.lowercased())
    #expect(object["primary"] as? String == node)
    #expect((object["metadata"] as? [String: Any])?.isEmpty == true)
    #expect(object["deleted"] as? Bool == false)
    #expect(object["maximum_size"] == nil)
    #expect(
      response.text
        == #"{"dataset_id": "\#(id)", "primary": "\#(node)", "metadata": {}, "deleted": false}"#)
  }

  @Test func createWithAllFieldsLowerCasesIds() throws {
    let (sandbox, _) = try makeSandbox()
    let node = sandbox.nodes[1].uuid
    let id = "AD0A05DD-A1ED-449F-B44B-E1E2757BDA00"
    let response = sandbox.post(
      "/v1/configuration/datasets",
      #"{"primary": "\#(node.uppercased())", "dataset_id": "\#(id)", "maximum_size": 1073741824, "metadata": {"name": "demo", "owner": "alice"}}"#
    )
    #expect(response.status == 201)
    #expect(
      response.text
        == #"{"dataset_id": "ad0a05dd-a1ed-449f-b44b-e1e2757bda00", "primary": "\#(node)", "maximum_size": 1073741824, "metadata": {"name": "demo", "owner": "alice"}, "deleted": false}"#
    )
    // Collision, also when the case differs: the stored id is lower-case.
    for candidate in [id, id.lowercased()] {
      let again = sandbox.post(
        "/v1/configuration/datasets", #"{"primary": "\#(node)", "dataset_id": "\#(candidate)"}"#)
      #expect(again.status == 409)
      #expect(again.text == #"{"description": "The provided dataset_id is already in use."}"#)
    }
  }

  @Test func createWithDeletedKeyIsInternalError() throws {
    let (sandbox, _) = try makeSandbox()
    let response = sandbox.post(
      "/v1/configuration/datasets", #"{"primary": "\#(sandbox.nodes[0].uuid)", "deleted": false}"#)
    #expect(response.status == 500)
    #expect(response.jsonValue is String)
    #expect(sandbox.get("/v1/configuration/datasets").text == "[]")
  }

  @Test(arguments: ["", "{", "not json", "{\"primary\": }", "[1,]", "\u{FEFF}{}", "{} x"])
  func undecodableBody(body: String) throws {
    let (sandbox, _) = try makeSandbox()
    let response = sandbox.post("/v1/configuration/datasets", body)
    #expect(response.status == 400)
    #expect(response.text == decodeErrorBody)
    #expect(response.description?.contains("\n") == true)
  }

  @Test func schemaErrors() throws {
    let (sandbox, _) = try makeSandbox()
    let node = sandbox.nodes[0].uuid
    func errors(_ body: String) -> [String] {
      let response = sandbox.post("/v1/configuration/datasets", body)
      #expect(response.status == 400, "\(body)")
      #expect(response.description == "The provided JSON doesn't match the required schema.")
      return response.errors
    }
    #expect(errors("{}") == ["'primary' is a required property"])
    #expect(
      errors(#"{"primary": "\#(node)", "junk": 1}"#)
        == ["Additional properties are not allowed (u'junk' was unexpected)"])
    #expect(
      errors(#"{"primary": "\#(node)", "maximum_size": 1073741824.0}"#)
        == ["1073741824.0 is not of type 'integer', 'null'"])
    #expect(
      errors(#"{"primary": "\#(node)", "maximum_size": 1024}"#)
        == ["1024 is less than the minimum of 67108864"])
    #expect(
      errors(#"{"primary": "\#(node)", "maximum_size": 67109000}"#)
        == ["67109000 is not a multiple of 1024"])
    #expect(
      errors(#"{"primary": "\#(node)", "maximum_size": "1G"}"#)
        == ["u'1G' is not of type 'integer', 'null'"])
    #expect(
      errors(#"{"primary": "abc"}"#)
        == ["u'abc' is too short", "u'abc' does not match \(uuidPatternRepr)"])
    // A version-1 UUID has the right length but not the v4 pattern.
    #expect(
      errors(#"{"primary": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}"#)
        == ["u'6ba7b810-9dad-11d1-80b4-00c04fd430c8' does not match \(uuidPatternRepr)"])
    #expect(errors("[]") == ["[] is not of type 'object'", "[] is not of type 'object'"])
    #expect(
      errors(#"{"primary": 5}"#) == ["5 is not of type 'string'", "5 is not of type 'string'"])
    let seventeen = (1...17).map { #""k\#($0)": "v""# }.joined(separator: ", ")
    let tooMany = errors(#"{"primary": "\#(node)", "metadata": {\#(seventeen)}}"#)
    #expect(tooMany.count == 1 && tooMany[0].hasSuffix("has too many properties"))
    #expect(tooMany.first?.hasPrefix("{u'k1': u'v', u'k2': u'v'") == true)
    let longKey = String(repeating: "k", count: 257)
    #expect(
      errors(#"{"primary": "\#(node)", "metadata": {"\#(longKey)": "v"}}"#)
        == ["Additional properties are not allowed (u'\(longKey)' was unexpected)"])
    #expect(
      errors(#"{"primary": "\#(node)", "metadata": {"": "v"}}"#)
        == ["Additional properties are not allowed (u'' was unexpected)"])
    let longValue = String(repeating: "v", count: 257)
    #expect(
      errors(#"{"primary": "\#(node)", "metadata": {"name": "\#(longValue)"}}"#)
        == ["u'\(longValue)' is too long"])
    #expect(
      errors(#"{"primary": "\#(node)", "metadata": {"name": 1}}"#)
        == ["1 is not of type 'string'"])
    #expect(
      errors(#"{"primary": "\#(node)", "it's": 1, "caf\u00e9": 2}"#)
        == [#"Additional properties are not allowed (u"it's", u'caf\xe9' were unexpected)"#])
    #expect(
      errors(#"{"primary": "\#(node)", "maximum_size": 100.5}"#)
        == [
          "100.5 is not of type 'integer', 'null'", "100.5 is less than the minimum of 67108864",
          "100.5 is not a multiple of 1024",
        ])
    #expect(
      errors(#"{"primary": "\#(node)", "maximum_size": 100000000000000000001}"#)
        == ["100000000000000000001L is not a multiple of 1024"])
    #expect(
      errors(#"{"primary": "\#(node)", "deleted": "yes"}"#)
        == ["u'yes' is not of type 'boolean'"])
    #expect(
      sandbox.post(
        "/v1/configuration/datasets", #"{"primary": "\#(node)", "metadata": {"n\u00e9": "it's"}}"#
      ).status == 201)
    // Accepted edge values: exactly 64 MiB, null, 16 keys, 256-character key and value.
    let sixteen = (1...16).map { #""k\#($0)": "v""# }.joined(separator: ", ")
    for body in [
      #"{"primary": "\#(node)", "maximum_size": 67108864}"#,
      #"{"primary": "\#(node)", "maximum_size": null}"#,
      #"{"primary": "\#(node)", "metadata": {\#(sixteen)}}"#,
      #"{"primary": "\#(node)", "metadata": {"\#(String(longKey.dropLast()))": "\#(String(longValue.dropLast()))"}}"#,
    ] {
      #expect(sandbox.post("/v1/configuration/datasets", body).status == 201, "\(body)")
    }
  }

  @Test func nonASCIIMetadataIsEscapedLikePython() throws {
    let (sandbox, _) = try makeSandbox()
    let response = sandbox.post(
      "/v1/configuration/datasets",
      #"{"primary": "\#(sandbox.nodes[0].uuid)", "metadata": {"name": "caf\u00e9 \ud83d\ude00"}}"#)
    #expect(response.status == 201)
    #expect(response.text.contains(#""name": "caf\u00e9 \ud83d\ude00""#))
    let metadata = response.object["metadata"] as? [String: String]
    #expect(metadata?["name"] == "café 😀")
  }

  @Test func configurationListIncludesDeleted() throws {
    let (sandbox, _) = try makeSandbox()
    let a = try sandbox.createDataset(primary: sandbox.nodes[0].uuid)
    let b = try sandbox.createDataset(primary: sandbox.nodes[1].uuid)
    #expect(sandbox.delete("/v1/configuration/datasets/\(a)").status == 200)
    let list = sandbox.get("/v1/configuration/datasets").array
    #expect(list.count == 2)
    let byID = Dictionary(uniqueKeysWithValues: list.map { ($0["dataset_id"] as! String, $0) })
    #expect(byID[a]?["deleted"] as? Bool == true)
    #expect(byID[b]?["deleted"] as? Bool == false)
  }

  @Test func updateMovesAndChecks() throws {
    let (sandbox, _) = try makeSandbox()
    let id = try sandbox.createDataset(primary: sandbox.nodes[0].uuid)
    let path = "/v1/configuration/datasets/\(id)"
    let moved = sandbox.post(path, #"{"primary": "\#(sandbox.nodes[1].uuid)"}"#)
    #expect(moved.status == 200)
    #expect(moved.object["primary"] as? String == sandbox.nodes[1].uuid)
    #expect(moved.object["metadata"] != nil && moved.object["deleted"] as? Bool == false)
    let noop = sandbox.post(path, "{}")
    #expect(noop.status == 200 && noop.object["primary"] as? String == sandbox.nodes[1].uuid)
    // Unknown nodes are accepted, like the real service.
    let elsewhere = UUID().uuidString.lowercased()
    #expect(sandbox.post(path, #"{"primary": "\#(elsewhere)"}"#).status == 200)
    let bad = sandbox.post(path, #"{"primary": "x", "maximum_size": 67108864}"#)
    #expect(bad.status == 400)
    #expect(
      bad.errors == [
        "u'x' is too short", "u'x' does not match \(uuidPatternRepr)",
        "Additional properties are not allowed (u'maximum_size' was unexpected)",
      ])
    let unknown = sandbox.post(
      "/v1/configuration/datasets/31d50a07-f679-4f95-ae0d-56c93513fbc2", "{}")
    #expect(unknown.status == 404)
    #expect(unknown.text == #"{"description": "Dataset not found."}"#)
    // Path ids are matched case-sensitively.
    #expect(sandbox.post("/v1/configuration/datasets/\(id.uppercased())", "{}").status == 404)
    #expect(sandbox.delete(path).status == 200)
    let deleted = sandbox.post(path, #"{"primary": "\#(sandbox.nodes[0].uuid)"}"#)
    #expect(deleted.status == 405)
    #expect(deleted.text == #"{"description": "The dataset has been deleted."}"#)
  }

  @Test func deleteIsIdempotent() throws {
    let (sandbox, _) = try makeSandbox()
    let id = try sandbox.createDataset(
      primary: sandbox.nodes[2].uuid, extra: #", "maximum_size": 1073741824"#)
    let path = "/v1/configuration/datasets/\(id)"
    let first = sandbox.delete(path)
    #expect(first.status == 200)
    #expect(
      first.text
        == #"{"dataset_id": "\#(id)", "primary": "\#(sandbox.nodes[2].uuid)", "maximum_size": 1073741824, "metadata": {}, "deleted": true}"#
    )
    let second = sandbox.delete(path)
    #expect(second.status == 200 && second.text == first.text)
    let missing = sandbox.delete("/v1/configuration/datasets/31d50a07-f679-4f95-ae0d-56c93513fbc2")
    #expect(missing.status == 404 && missing.description == "Dataset not found.")
  }

  @Test func configurationTagAndConditionalRequests() throws {
    let (sandbox, _) = try makeSandbox()
    let node = sandbox.nodes[0].uuid
    let list = sandbox.get("/v1/configuration/datasets")
    let tag = try #require(list.header("X-Configuration-Tag"))
    #expect(tag.count == 32 && tag.allSatisfy { "0123456789abcdef".contains($0) })
    #expect(sandbox.get("/v1/configuration/datasets").header("X-Configuration-Tag") == tag)
    // Other endpoints do not send it.
    #expect(sandbox.get("/v1/state/datasets").header("X-Configuration-Tag") == nil)

    // A stale tag gives 412, checked before the body is even decoded.
    let stale = "0123456789abcdef0123456789abcdef"
    let conditional = [("X-If-Configuration-Matches", stale)]
    for body in ["not json", "{}", #"{"primary": "\#(node)"}"#] {
      let response = sandbox.post("/v1/configuration/datasets", body, headers: conditional)
      #expect(response.status == 412)
      #expect(
        response.text
          == #"{"description": "Tag doesn't match. Required: \#(stale), current: \#(tag)"}"#)
    }
    // The matching tag (any of several values) passes; the tag then changes.
    let created = sandbox.post(
      "/v1/configuration/datasets", #"{"primary": "\#(node)"}"#,
      headers: [("x-if-configuration-matches", stale), ("X-If-Configuration-Matches", tag)])
    #expect(created.status == 201)
    let id = created.object["dataset_id"] as! String
    let newTag = try #require(
      sandbox.get("/v1/configuration/datasets").header("X-Configuration-Tag"))
    #expect(newTag != tag)
    // Update and delete honour it too.
    let oldCondition = [("X-If-Configuration-Matches", tag)]
    #expect(
      sandbox.post("/v1/configuration/datasets/\(id)", "{}", headers: oldCondition).status == 412)
    #expect(sandbox.delete("/v1/configuration/datasets/\(id)", headers: oldCondition).status == 412)
    #expect(
      sandbox.delete("/v1/configuration/datasets/nope", headers: oldCondition).status == 412)
    let current = [("X-If-Configuration-Matches", newTag)]
    #expect(sandbox.post("/v1/configuration/datasets/\(id)", "{}", headers: current).status == 200)
    #expect(sandbox.delete("/v1/configuration/datasets/\(id)", headers: current).status == 200)
    // Leases ignore the header.
    let lease = sandbox.post(
      "/v1/configuration/leases",
      #"{"dataset_id": "\#(id)", "node_uuid": "\#(node)", "expires": null}"#,
      headers: oldCondition)
    #expect(lease.status == 201)
  }

  @Test func routerErrorsAreNotJSON() throws {
    let (sandbox, _) = try makeSandbox()
    for path in [
      "/v1/nope", "/v2/version", "/v1", "/v1/version/", "/v1/configuration/datasets/",
      "/v1/configuration/datasets/a/b", "/",
    ] {
      let response = sandbox.get(path)
      #expect(response.status == 404, "\(path)")
      #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
      #expect(response.jsonValue == nil)
    }
    for (method, path) in [
      ("PUT", "/v1/version"), ("POST", "/v1/version"), ("DELETE", "/v1/configuration/datasets"),
      ("GET", "/v1/configuration/datasets/31d50a07-f679-4f95-ae0d-56c93513fbc2"),
      ("POST", "/v1/state/datasets"), ("GET", "/v1/configuration/leases/x"),
    ] {
      let response = sandbox.handle(method: method, path: path, headers: [], body: [])
      #expect(response.status == 405, "\(method) \(path)")
      #expect(response.jsonValue == nil)
      #expect(response.header("Allow") != nil)
    }
    // A query string is ignored.
    #expect(sandbox.get("/v1/version?x=1").status == 200)
  }
}
