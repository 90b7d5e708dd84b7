import FshSandboxProtocol
import Testing

/// `fsh sandbox serve`'s options are one table: parsing and `--help` read it.
struct ServeOptionsTests {
  @Test func defaultsAndBothSpellings() throws {
    let d = try SandboxServeOption.parse([])
    #expect(d.start.port == 4523 && d.start.nodeCount == 3 && d.start.keyBits == 4096)
    #expect(d.start.convergenceDelay == 0.5 && d.start.pace == "fixed" && d.directory == nil)
    let r = try SandboxServeOption.parse([
      "--port", "0", "--dir=/tmp/x", "--pace", "upstream", "--pace-scale=0.02", "--kind-reports",
      "--fault-rate", "0.3", "--churn", "7", "--from", ".",
    ])
    #expect(r.start.port == 0 && r.directory == "/tmp/x" && r.start.pace == "upstream")
    #expect(r.start.paceScale == 0.02 && r.start.kindReports == true)
    #expect(r.start.faultRate == 0.3 && r.start.churnSeed == 7 && r.from == ".")
    let old = try SandboxServeOption.parse(["--seed", "5"])
    #expect(old.start.seedDatasets == 5 && old.notices == ["fsh: '--seed N' is now '--datasets N'"])
  }

  @Test func badValuesSayWhatIsExpected() {
    func message(_ args: [String]) -> String? {
      do {
        _ = try SandboxServeOption.parse(args)
        return nil
      } catch { return "\(error)" }
    }
    #expect(message(["--bogus"])?.contains("unknown option '--bogus'") == true)
    #expect(message(["--port", "x"]) == "--port takes a number, not 'x'")
    #expect(message(["--port"]) == "--port needs a value")
    #expect(
      message(["--fault-rate", "2"]) == "--fault-rate takes a share from 0 to 1, such as 0.3")
    #expect(message(["--pace", "slow"]) == "--pace takes 'fixed' or 'upstream', not 'slow'")
    #expect(message(["--kind-reports=yes"]) == "--kind-reports takes no value")
  }
}
