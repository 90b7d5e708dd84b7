import Foundation
import FshTestSupport
import Testing

/// The binary as a user meets it: colour flags in a pipe, a broken configuration in JSON,
/// `api` then `curl`, and `if COMMAND ARGS` (the sandbox through `ServedSandbox`).
@Suite(.serialized, .blocking) struct UserDetailBinaryTests {
  /// `--color always` colours an error in a pipe; `--color never` and the default do not.
  @Test func colorFlagAppliesToErrors() throws {
    let always = try BinaryTests.run(["--color", "always", "-c", "datasets status bogus"])
    #expect(always.status == 2 || always.status == 1)
    #expect(
      always.stderr.contains("\u{1B}[1;31merror:\u{1B}[0m"), "\(always.stderr.debugDescription)")
    let never = try BinaryTests.run(["--color", "never", "-c", "datasets status bogus"])
    #expect(never.stderr.contains("error: invalid status 'bogus'"))
    #expect(!never.stderr.contains("\u{1B}["))
    // Scripts and -c keep the location head.
    #expect(never.stderr.hasPrefix("<-c>:1:17: error:"), "\(never.stderr)")
    let piped = try BinaryTests.run([], stdin: "datasets status bogus\n")
    #expect(piped.stderr.hasPrefix("<stdin>:1:17: error:"), "\(piped.stderr)")
  }

  /// A command that returns rows and fails shows the rows in every format, then exits 1.
  @Test func configWithBrokenProfilesPrintsJSONAndFails() throws {
    let home = BinaryTests.tempHome()
    try FileManager.default.createDirectory(
      atPath: home + "/.config/fsh", withIntermediateDirectories: true)
    try "clusters: [\n".write(
      toFile: home + "/.config/fsh/clusters.yml", atomically: true, encoding: .utf8)
    for format in ["json", "csv", "table"] {
      let r = try BinaryTests.run(["-c", "config -o \(format)"], env: ["HOME": home])
      #expect(r.status == 1, "\(format): \(r.stderr)")
      #expect(r.stderr.contains("the configuration has 1 error(s)"), "\(format): \(r.stderr)")
      switch format {
      case "json":
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.contains { $0["key"] as? String == "host" } == true, "\(r.stdout)")
      case "csv": #expect(r.stdout.hasPrefix("key,value,source\n"), "\(r.stdout)")
      default: #expect(r.stdout.hasPrefix("KEY"), "\(r.stdout)")
      }
    }
  }

  /// `api` goes through the client, so `curl` shows its request; `if dataset NAME` runs the
  /// command and takes its success.
  @Test func apiThenCurlAndIfCommand() throws {
    let served = try ServedSandbox(flags: [])
    let env = served.environment
    let r = try BinaryTests.run(["-c", "api GET /v1/version; curl"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    let curl = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(curl.hasPrefix("curl --cacert "), "\(r.stdout)")
    #expect(curl.hasSuffix("/v1/version"), "\(r.stdout)")
    #expect(!curl.contains("PRIVATE KEY"))

    let script =
      "let n = (nodes).0.uuid; create web-data 1G on $n; wait web-data attached timeout 60s; "
      + "if dataset web-data { echo yes } else { echo no }; "
      + "if dataset web-data-missing { echo yes } else { echo no }"
    let i = try BinaryTests.run(["-c", script], env: env)
    #expect(i.status == 0, "\(i.stderr)")
    let lines = i.stdout.split(separator: "\n").map(String.init)
    #expect(Array(lines.suffix(2)) == ["yes", "no"], "\(i.stdout)")
  }
}
