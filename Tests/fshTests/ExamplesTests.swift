import Foundation
import FshTestSupport
import Testing

/// Every `examples/*.fsh` against a sandbox served by the binary, as an operator would run them.
@Suite(.serialized, .blocking) struct ExamplesTests {
  static let examples = DocsTests.root.appendingPathComponent("examples").path

  @Test func examplesRunAgainstTheSandbox() throws {
    let sandbox = try ServedSandbox(flags: [])
    let env = sandbox.environment
    func run(_ name: String, _ args: [String] = []) throws -> BinaryTests.Run {
      try BinaryTests.run([Self.examples + "/" + name] + args, env: env)
    }

    var r = try run("provision.fsh", ["shop", "10.0.0.2", "1G"])
    #expect(r.status == 0, "\(r.stderr)")
    for part in ["data", "logs", "cache"] {
      #expect(r.stdout.contains("shop-\(part): attached on 10.0.0.2 at /flocker/"), "\(r.stdout)")
    }
    r = try run("provision.fsh", ["shop", "10.0.0.2", "1G"])
    #expect(r.stdout.contains("shop-data exists already"))
    r = try run("provision.fsh")
    #expect(r.status == 2)

    r = try run("audit.fsh")
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("audit: 3 datasets, no duplicate names, none pending"))

    r = try run("drain.fsh", ["10.0.0.2"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("drained 10.0.0.2"))
    let left = try BinaryTests.run(["-c", "datasets on 10.0.0.2 -o json"], env: env)
    #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(left.stdout)")
    let moved = try BinaryTests.run(["-c", "datasets status attached -o json"], env: env)
    #expect(moved.stdout.components(separatedBy: "\"status\": \"attached\"").count - 1 == 3)

    _ = try BinaryTests.run(["-c", "create shop-data 1G on 10.0.0.1 --force"], env: env)
    r = try run("audit.fsh")
    #expect(r.status == 1)
    #expect(r.stdout.contains("duplicate name 'shop-data'"))

    r = try run("node-env.fsh")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.components(separatedBy: "# ---- node ").count - 1 == 3)
    #expect(r.stdout.contains("FLOCKER_CONTROL_SERVICE_HOST=127.0.0.1"))
  }
}
