import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

struct CertsControlCommand: DeclaredCommand {
  @Arg(.positional("HOST", "the name or IP clients dial")) var host: CommandArgument
  @Arg(.caDir) var caDir: CommandArgument?
  @Arg(.outDir) var out: CommandArgument?
  @Arg(.keyBits) var keyBits: Certs.KeyBits = .bits4096
  static let help = CommandHelp(
    ["certs", "control"], summary: "issue the control service certificate",
    parameters: declared,
    discussion: """
      Like `flocker-ca create-control-certificate HOST`: CN=control-service, OU=<cluster>, \
      subjectAltName DNS:control-service plus IP:HOST or DNS:HOST. Writes control-HOST.crt \
      and .key. Clients that verify host names (curl, Go, kubelets) must dial exactly HOST.
      """,
    examples: ["certs control 10.0.0.5 --ca-dir ~/flocker-ca"])

  var options: Certs.GeneratorOptions {
    Certs.GeneratorOptions(keyBits: keyBits.bits, caDir: caDir, out: out)
  }

  func run(in context: CommandContext) throws -> CommandResult {
    let hostName = try Certs.validated(host, what: "host")
    let (credential, certificate, keyPath) = try options.issue(
      context, fileBase: "control-\(hostName)"
    ) { ca, bits in try ca.issueControl(hostname: hostName, keyBits: bits) }
    let paths = (certificate: certificate, key: keyPath)
    let isIP = FshPKIHost.isIPAddress(hostName)
    let crt = shellQuote((paths.certificate as NSString).lastPathComponent)
    let key = shellQuote((paths.key as NSString).lastPathComponent)
    return Certs.result(
      credential, paths: paths,
      summary: "CN control-service, SAN DNS:control-service, \(isIP ? "IP" : "DNS"):\(hostName)",
      steps: [
        "install -d -m 0700 /etc/flocker",
        "install -m 0644 cluster.crt /etc/flocker/cluster.crt",
        "install -m 0600 \(crt) /etc/flocker/control-service.crt",
        "install -m 0600 \(key) /etc/flocker/control-service.key",
        "systemctl restart flocker-control",
      ],
      stepsIntro:
        "copy \(crt), \(key) and cluster.crt to the control service machine, then run there:",
      after: [
        "clients that check host names (curl, Go, kubelets) must dial '\(hostName)': "
          + "FLOCKER_CONTROL_SERVICE_HOST=\(hostName)"
      ])
  }
}
