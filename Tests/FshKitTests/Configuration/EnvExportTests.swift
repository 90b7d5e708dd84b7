import Foundation
import FshLanguage
import Testing

@testable import FshKit
@testable import FshRuntime

struct EnvExportTests {
  func config(_ env: [String: String], dirs: [String: [String]] = [:]) -> Configuration {
    var i = ConfigurationInputs()
    i.environment = env
    i.workingDirectory = "/w"
    i.listDirectory = { dirs[$0] }
    return Configuration.resolve(i)
  }

  let k8s = ["FLOCKER_CONTROL_SERVICE_HOST": "10.0.0.5", "FLOCKER_USER_CA_DIR": "/srv/flocker"]

  @Test func kubernetesShPrintsTheFiveVariables() throws {
    let e = try EnvExport.variables(for: .kubernetes, from: config(k8s))
    let text = EnvExport.render(e, format: .sh, consumer: .kubernetes)
    #expect(text.contains("export FLOCKER_CONTROL_SERVICE_HOST=10.0.0.5\n"))
    #expect(text.contains("export FLOCKER_CONTROL_SERVICE_PORT=4523\n"))
    #expect(text.contains("export FLOCKER_CONTROL_SERVICE_CA_FILE=/srv/flocker/cluster.crt\n"))
    #expect(
      text.contains("export FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=/srv/flocker/kubernetes.crt\n")
    )
    #expect(
      text.contains("export FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=/srv/flocker/kubernetes.key\n"))
    #expect(e.variables.count == 5)
    #expect(e.variables.allSatisfy { !$0.1.isEmpty })
  }

  @Test func kubernetesDefaultsToSystemdEnvironmentFile() throws {
    #expect(EnvExport.Consumer.kubernetes.defaultFormat == .systemd)
    let e = try EnvExport.variables(for: .kubernetes, from: config(k8s))
    let text = EnvExport.render(e, format: .systemd, consumer: .kubernetes)
    #expect(text.contains("\nFLOCKER_CONTROL_SERVICE_HOST=10.0.0.5\n"))
    #expect(text.contains("EnvironmentFile=/etc/flocker/env"))
    #expect(!text.contains("export "))
  }

  @Test func everyFormatRenders() throws {
    let e = try EnvExport.variables(for: .kubernetes, from: config(k8s))
    let fish = EnvExport.render(e, format: .fish, consumer: .kubernetes)
    #expect(fish.contains("set -gx FLOCKER_CONTROL_SERVICE_HOST '10.0.0.5'"))
    let docker = EnvExport.render(e, format: .docker, consumer: .kubernetes)
    #expect(docker.contains("-e FLOCKER_CONTROL_SERVICE_PORT=4523 \\\n"))
    #expect(docker.contains("-v /srv/flocker:/srv/flocker:ro"))
    #expect(docker.contains("-v /flocker:/flocker:rslave"))
    #expect(!docker.contains("#"))
    let json = EnvExport.render(e, format: .json, consumer: .kubernetes)
    let v = try JSON.decode(json)
    #expect(v["FLOCKER_CONTROL_SERVICE_HOST"] == .string("10.0.0.5"))
  }

  @Test func kubeDeployAddsTheDirectoryAndRefusesFilesOutsideIt() throws {
    let e = try EnvExport.variables(for: .kubeDeploy, from: config(k8s))
    #expect(e.variables.first?.0 == "FLOCKER_USER_CA_DIR")
    #expect(e.variables.count == 6)
    var outside = k8s
    outside["FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"] = "/root/secret/k.key"
    #expect(throws: Diagnostic.self) {
      try EnvExport.variables(for: .kubeDeploy, from: config(outside))
    }
  }

  @Test func flockerctlLayout() throws {
    let env = [
      "FLOCKER_CERTS_PATH": "/etc/flocker", "FLOCKER_USER": "alice",
      "FLOCKER_CONTROL_SERVICE": "ctl",
    ]
    let e = try EnvExport.variables(for: .flockerctl, from: config(env))
    let sh = EnvExport.render(e, format: .sh, consumer: .flockerctl)
    #expect(
      sh.contains(
        "export FLOCKER_CERTS_PATH=/etc/flocker\nexport FLOCKER_USER=alice\nexport FLOCKER_CONTROL_SERVICE=ctl\n"
      ))
    #expect(!sh.contains("control-port"))
    var port = env
    port["FLOCKER_CONTROL_SERVICE_PORT"] = "4600"
    let p = try EnvExport.variables(for: .flockerctl, from: config(port))
    #expect(p.notes.contains { $0.contains("--control-port 4600") })
  }

  @Test func flockerctlRefusesALayoutItCannotRead() {
    let env = [
      "FLOCKER_CONTROL_SERVICE_HOST": "h", "FLOCKER_CONTROL_SERVICE_CA_FILE": "/pki/ca.pem",
      "FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE": "/pki/me.crt",
      "FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE": "/pki/me.key",
    ]
    do {
      _ = try EnvExport.variables(for: .flockerctl, from: config(env))
      Issue.record("expected a refusal")
    } catch let d as Diagnostic {
      #expect(d.message.contains("flockerctl cannot express this layout"))
      #expect(d.notes.contains { $0.contains("/pki/ca.pem") })
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  /// A kubelet on another machine cannot reach a loopback control service: `env export --for
  /// kubernetes` warns (on standard error, in every format) and still prints the variables.
  @Test func aLoopbackHostIsWarnedAbout() throws {
    for host in [
      "127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST.", "ctl.localhost", "::1", "[::1]",
      "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
    ] {
      #expect(EnvExport.isLoopback(host), "\(host)")
    }
    for host in [
      "10.0.0.5", "128.0.0.1", "ctl.example.com", "localhost.example.com", "::2", "::",
      "fe80::1", "::ffff:10.0.0.1", "1270.0.0.1", "",
    ] {
      #expect(!EnvExport.isLoopback(host), "\(host)")
    }
    var local = k8s
    local["FLOCKER_CONTROL_SERVICE_HOST"] = "127.0.0.1"
    for consumer in [EnvExport.Consumer.kubernetes, .kubeDeploy] {
      let e = try EnvExport.variables(for: consumer, from: config(local))
      #expect(e.warnings.count == 1, "\(consumer)")
      #expect(e.warnings.first?.contains("'127.0.0.1' is a loopback address") == true)
      #expect(e.warnings.first?.contains("kubelet on another machine cannot reach it") == true)
      #expect(e.variables.contains { $0 == ("FLOCKER_CONTROL_SERVICE_HOST", "127.0.0.1") })
    }
    #expect(try EnvExport.variables(for: .kubernetes, from: config(k8s)).warnings.isEmpty)
    // The command reports it as a warning, whatever the format.
    for format in ["", " --format json", " --format docker"] {
      let host = TextHost()
      let session = Session(
        environment: SessionEnvironment(variables: ["HOME": "/nonexistent"], workingDirectory: "/"),
        host: host)
      let outcome = session.run(
        "set host localhost\nset certs /srv/flocker\nenv export --for kubernetes\(format)",
        name: "test")
      #expect(outcome.status == 0)
      #expect(host.output.contains("FLOCKER_CONTROL_SERVICE_HOST"))
      let warned = host.warnings.filter { $0.message.contains("loopback address") }
      #expect(warned.count == 1, "\(format): \(host.warnings.map(\.message))")
      #expect(warned.first?.severity == .warning)
    }
  }

  @Test func noHostMeansNoExport() {
    #expect(throws: Diagnostic.self) {
      try EnvExport.variables(for: .kubernetes, from: config([:]))
    }
  }

  @Test func quotingSurvivesTheShell() throws {
    #expect(shellQuote("/a b/it's") == "'/a b/it'\\''s'")
    #expect(shellQuote("/plain/path.crt") == "/plain/path.crt")
  }

  /// `eval` the sh output in bash and read the variables back.
  @Test func shOutputRoundTripsThroughBash() throws {
    let env = [
      "FLOCKER_CONTROL_SERVICE_HOST": "ctl.example.com",
      "FLOCKER_USER_CA_DIR": "/srv/my certs/it's",
    ]
    let e = try EnvExport.variables(for: .kubeDeploy, from: config(env))
    let text = EnvExport.render(e, format: .sh, consumer: .kubeDeploy)
    let names = e.variables.map(\.0)
    let script = text + names.map { "printf '%s\\n' \"$\($0)\"" }.joined(separator: "\n")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", script]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(out.split(separator: "\n").map(String.init) == e.variables.map(\.1))
  }
}
