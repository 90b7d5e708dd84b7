// Issue 30's details users noticed, where a unit test says it best: `api PATH` means GET, and
// the size note does not call fsh's binary G Kubernetes' (there G is 1000³).
import FshLanguage
import Testing

@testable import FshKit
@testable import FshRuntime

struct NoticedDetailsTests {
  func api(_ words: [String]) throws -> APICommand {
    var a = try Arguments(strings: words, for: APICommand.help)
    return try APICommand(arguments: &a)
  }

  @Test func apiWithoutAMethodMeansGET() throws {
    let plain = try api(["/v1/state/nodes"])
    #expect(plain.method == "GET")
    #expect(plain.path == "/v1/state/nodes")
    #expect(try api(["state/nodes"]).path == "/v1/state/nodes")
    let post = try api(["post", "configuration/datasets", "{}"])
    #expect(post.method == "POST")
    #expect(post.path == "/v1/configuration/datasets")
    #expect(post.body?.text == "{}")
    #expect(try api(["DELETE", "/v1/configuration/leases/x"]).method == "DELETE")
    #expect(APICommand.help.usageLine.hasPrefix("api [GET|POST|DELETE] PATH [JSON]"))
    // A body without POST, and a method without a path, are still errors.
    #expect(throws: Diagnostic.self) { try api(["/v1/version", "{}"]) }
    do {
      _ = try api(["GET"])
      Issue.record("no error for 'api GET'")
    } catch let d as Diagnostic {
      #expect(d.message == "'api' needs PATH")
    }
  }

  @Test func theSizeNoteDoesNotSayKubernetesMeansBinary() {
    #expect(!Sizes.unitsNote.contains("as in Kubernetes"))
    #expect(Sizes.unitsNote.contains("10×1024³"))
    #expect(Sizes.unitsNote.contains("not Kubernetes' 10G = 10×1000³"))
    do {
      _ = try Sizes.parse("ten")
      Issue.record("'ten' parsed")
    } catch let d as Diagnostic {
      #expect(d.notes.contains(Sizes.unitsNote))
    } catch {
      Issue.record("\(error)")
    }
  }
}
