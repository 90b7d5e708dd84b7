import FshLanguage
import Testing

@testable import FshKit
@testable import FshRuntime

/// fsh's connection, certificate and service errors print with no caret under the command word
/// (their cause is not in the line), once FshKit is in use.
struct FlockerCodeTests {
  @Test func connectionAndCertificateErrorsHaveNoCaret() {
    _ = CommandTable.standard
    let source = SourceText(name: "deploy.fsh", text: "echo a\ndatasets -l")
    let word = SourceRange(
      SourcePosition(line: 2, column: 1, offset: 7), SourcePosition(line: 2, column: 9, offset: 15))
    for code in [Diagnostic.Code.connection, .tls, .server, .cluster] {
      let d = Diagnostic("cannot reach the control service", code: code, notes: ["check --host"])
        .located(in: source, at: word)
      #expect(
        DiagnosticPrinter().render(d)
          == "deploy.fsh:2:1: error: cannot reach the control service\n  note: check --host\n",
        "\(code.rawValue)")
    }
    let other = Diagnostic("no such dataset", code: .notFound, range: word).located(
      in: source, at: nil)
    #expect(DiagnosticPrinter().render(other).contains("  datasets -l\n  ^~~~~~~~\n"))
  }
}
