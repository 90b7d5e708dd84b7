import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

struct CertsUserCommand: DeclaredCommand {
  @Arg(.positional("NAME", "the user name (CN user-NAME)")) var name: CommandArgument
  @Arg(.caDir) var caDir: CommandArgument?
  @Arg(.outDir) var out: CommandArgument?
  @Arg(.keyBits) var keyBits: Certs.KeyBits = .bits4096
  static let help = CommandHelp(
    ["certs", "user"], summary: "issue an API user certificate (for fsh, flockerctl, kubelets)",
    parameters: declared,
    discussion: """
      Like `flocker-ca create-api-certificate NAME`: CN=user-NAME, OU=<cluster>, \
      extendedKeyUsage clientAuth. Writes NAME.crt and NAME.key.
      """,
    examples: ["certs user apiuser --ca-dir ~/flocker-ca"])

  var options: Certs.GeneratorOptions {
    Certs.GeneratorOptions(keyBits: keyBits.bits, caDir: caDir, out: out)
  }

  func run(in context: CommandContext) throws -> CommandResult {
    let user = try Certs.validated(name, what: "user name")
    let (credential, certificate, keyPath) = try options.issue(context, fileBase: user) {
      ca, bits in try ca.issueUser(name: user, keyBits: bits)
    }
    let paths = (certificate: certificate, key: keyPath)
    let crt = shellQuote("\(user).crt")
    let key = shellQuote("\(user).key")
    return Certs.result(
      credential, paths: paths, summary: "CN user-\(user), EKU clientAuth",
      steps: [
        "install -d -m 0700 /etc/flocker",
        "install -m 0644 cluster.crt /etc/flocker/cluster.crt",
        "install -m 0644 \(crt) /etc/flocker/\(crt)",
        "install -m 0600 \(key) /etc/flocker/\(key)",
      ],
      stepsIntro:
        "copy \(crt), \(key) and cluster.crt to each machine that calls the API (for a "
        + "kubelet: every Kubernetes node), then run there:",
      after: [
        "then `env export --for kubernetes` prints the kubelet's variables, and "
          + "`certs check --live` checks them"
      ])
  }
}
