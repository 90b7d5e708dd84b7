import Foundation
import FshTestSupport
import Testing

/// Checks of what an ordinary user cannot do. Root reads every file, so when the suite runs as
/// root (as CI does) the binary, copied where `nobody` can reach it, runs as `nobody`.
@Suite(.blocking) struct UnprivilegedTests {
  @Test func unreadableCAFileFailsC1() throws {
    let dir = try Unprivileged.sharedDirectory("c1")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let fsh = dir + "/fsh"
    try FileManager.default.copyItem(atPath: BinaryTests.binary, toPath: fsh)
    chmod(fsh, 0o755)
    let certs = dir + "/certs"
    let made = try BinaryTests.run([
      "-c",
      "certs init c1 --dir \(certs) --key-bits 2048; "
        + "certs user alice --ca-dir \(certs) --out \(certs) --key-bits 2048",
    ])
    #expect(made.status == 0, "\(made.stderr)")
    // Everything readable by nobody but the CA certificate.
    chmod(certs, 0o755)
    for f in ["alice.crt", "alice.key"] { chmod(certs + "/" + f, 0o644) }
    chmod(certs + "/cluster.crt", 0)
    let home = dir + "/home"
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    chmod(home, 0o777)

    let argv = try Unprivileged.command(
      fsh, ["--certs", certs, "--user", "alice", "--host", "127.0.0.1", "-c", "certs check"])
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    p.environment = ["HOME": home, "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 1, "\(o)\(e)")
    let c1 = o.split(separator: "\n").first { $0.hasPrefix("C1") }.map(String.init) ?? ""
    #expect(c1.contains("fail"), "\(o)\(e)")
    #expect(c1.contains("cannot be read"), "\(o)\(e)")
  }
}
