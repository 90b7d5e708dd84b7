import Testing

@testable import FshKit
@testable import FshRuntime

/// Resolution is a pure function: every source is a plain dictionary here.
struct ConfigurationTests {
  /// Inputs with a fake file system: `files` maps paths to text, `dirs` to entries.
  func inputs(
    env: [String: String] = [:], files: [String: String] = [:], dirs: [String: [String]] = [:],
    cns: [String: String] = [:], profiles: String? = nil, cluster: (String, ConfigSource)? = nil,
    flags: [ConfigKey: String] = [:], sets: [ConfigKey: String] = [:], cwd: String = "/home/op"
  ) -> ConfigurationInputs {
    var i = ConfigurationInputs()
    i.environment = env
    i.workingDirectory = cwd
    i.profilesPath = "/home/op/.config/fsh/clusters.yml"
    i.profilesText = profiles
    i.selectedCluster = cluster.map { (name: $0.0, source: $0.1) }
    i.flags = flags
    i.sets = sets
    i.readFile = { files[$0] }
    i.listDirectory = { dirs[$0] }
    i.certificateCommonName = { cns[$0] }
    return i
  }

  @Test func defaultsApplyWhenNothingIsSet() {
    let c = Configuration.resolve(inputs(dirs: ["/etc/flocker": []]))
    #expect(c[.certs] == "/etc/flocker")
    #expect(c.values[.certs]?.source == .builtin)
    #expect(c.port == 4523)
    #expect(c[.ca] == "/etc/flocker/cluster.crt")
    #expect(c[.user] == "apiuser")
    #expect(c.host == nil)
    #expect(c.warnings.contains { $0.contains("no control service host") })
  }

  @Test func flockerctlDialectNamesEachSource() {
    let c = Configuration.resolve(
      inputs(env: [
        "FLOCKER_CERTS_PATH": "/srv/x", "FLOCKER_USER": "alice", "FLOCKER_CONTROL_SERVICE": "ctl",
      ]))
    #expect(c.host == "ctl")
    #expect(c.values[.host]?.source == .environment("FLOCKER_CONTROL_SERVICE"))
    #expect(c[.cert] == "/srv/x/alice.crt")
    #expect(c[.key] == "/srv/x/alice.key")
    #expect(c[.ca] == "/srv/x/cluster.crt")
    #expect(c.values[.user]?.source == .environment("FLOCKER_USER"))
    #expect(c.values[.cert]?.source.description.contains("FLOCKER_CERTS_PATH") == true)
  }

  @Test func kubernetesDialectAndForkDefaults() {
    let c = Configuration.resolve(
      inputs(env: [
        "FLOCKER_CONTROL_SERVICE_HOST": "10.0.0.5", "FLOCKER_USER_CA_DIR": "/srv/flocker",
      ]))
    #expect(c.host == "10.0.0.5")
    #expect(c[.certs] == "/srv/flocker")
    // docker-multinode assumes an API user called 'kubernetes'.
    #expect(c[.cert] == "/srv/flocker/kubernetes.crt")
    #expect(c[.key] == "/srv/flocker/kubernetes.key")
  }

  @Test func kubernetesFilesOverrideDerivedPaths() {
    let c = Configuration.resolve(
      inputs(env: [
        "FLOCKER_CONTROL_SERVICE_HOST": "h", "FLOCKER_CONTROL_SERVICE_CA_FILE": "/pki/ca.pem",
        "FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE": "/pki/u.crt",
        "FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE": "/pki/u.key",
        "FLOCKER_CONTROL_SERVICE_PORT": "4600",
      ]))
    #expect(c[.ca] == "/pki/ca.pem")
    #expect(c[.cert] == "/pki/u.crt")
    #expect(c.values[.key]?.source == .environment("FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"))
    #expect(c.port == 4600)
  }

  @Test func dialectsDisagreeKubernetesWinsWithAWarning() {
    let c = Configuration.resolve(
      inputs(env: [
        "FLOCKER_CONTROL_SERVICE_HOST": "k8s-host", "FLOCKER_CONTROL_SERVICE": "ctl-host",
        "FLOCKER_USER_CA_DIR": "/a", "FLOCKER_CERTS_PATH": "/b",
      ]))
    #expect(c.host == "k8s-host")
    #expect(c[.certs] == "/a")
    #expect(
      c.warnings.contains { $0.contains("FLOCKER_CONTROL_SERVICE_HOST") && $0.contains("disagree") }
    )
    #expect(
      c.warnings.contains {
        $0.contains("FLOCKER_USER_CA_DIR") && $0.contains("FLOCKER_CERTS_PATH")
      })
  }

  @Test func dialectsThatAgreeGiveNoWarning() {
    let c = Configuration.resolve(
      inputs(env: ["FLOCKER_CONTROL_SERVICE_HOST": "h", "FLOCKER_CONTROL_SERVICE": "h"]))
    #expect(!c.warnings.contains { $0.contains("disagree") })
  }

  @Test func explicitKubernetesFileThatDiffersFromFlockerctlLayoutWarns() {
    let c = Configuration.resolve(
      inputs(env: [
        "FLOCKER_CERTS_PATH": "/etc/flocker", "FLOCKER_USER": "alice",
        "FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE": "/other/bob.crt",
      ]))
    #expect(c[.cert] == "/other/bob.crt")
    #expect(c.warnings.contains { $0.contains("/etc/flocker/alice.crt") })
  }

  @Test func emptyVariablesCountAsUnset() {
    let c = Configuration.resolve(
      inputs(env: [
        "FLOCKER_CONTROL_SERVICE_HOST": "", "FLOCKER_CONTROL_SERVICE": "ctl", "FLOCKER_USER": "",
      ]))
    #expect(c.host == "ctl")
    #expect(c.warnings.contains { $0.contains("FLOCKER_CONTROL_SERVICE_HOST is set but empty") })
    #expect(c.warnings.contains { $0.contains("FLOCKER_USER is set but empty") })
  }

  @Test func masterIPIsOnlyAFallback() {
    let only = Configuration.resolve(inputs(env: ["MASTER_IP": "172.17.13.43"]))
    #expect(only.host == "172.17.13.43")
    #expect(only.values[.host]?.source == .environment("MASTER_IP"))
    let both = Configuration.resolve(
      inputs(env: ["MASTER_IP": "1.1.1.1", "FLOCKER_CONTROL_SERVICE_HOST": "h"]))
    #expect(both.host == "h")
  }

  @Test func precedenceDefaultProfileFileEnvFlagSet() {
    let profiles = """
      clusters:
        prod:
          host: profile-host
          port: 4600
          certs: /profile/certs
          user: pat
      """
    var i = inputs(profiles: profiles, cluster: ("prod", .flag("--cluster")))
    var c = Configuration.resolve(i)
    #expect(c.host == "profile-host")
    #expect(c.values[.host]?.source == .profile("prod"))
    #expect(c.port == 4600)
    #expect(c[.cert] == "/profile/certs/pat.crt")
    #expect(c.cluster?.value == "prod")

    // An explicitly chosen cluster takes its whole connection from its profile: the
    // environment is ignored, and `config` says so (issue 17).
    i.environment = [
      "FLOCKER_CONTROL_SERVICE_HOST": "env-host", "FLOCKER_CONTROL_SERVICE_PORT": "9",
    ]
    c = Configuration.resolve(i)
    #expect(c.host == "profile-host")
    #expect(c.port == 4600)
    #expect(
      c.ignored.contains {
        $0.what == "env FLOCKER_CONTROL_SERVICE_HOST=env-host"
          && $0.why == "cluster 'prod' was chosen with --cluster"
      })
    // The same profile as the file's default is ambient: the environment applies.
    var byDefault = i
    byDefault.selectedCluster = nil
    byDefault.profilesText = "default: prod\n" + profiles
    c = Configuration.resolve(byDefault)
    #expect(c.host == "env-host")
    #expect(c.port == 9)

    i.flags = [.host: "flag-host", .port: "4700"]
    c = Configuration.resolve(i)
    #expect(c.host == "flag-host")
    #expect(c.values[.host]?.source == .flag("--host"))
    #expect(c.port == 4700)

    i.sets = [.host: "set-host"]
    c = Configuration.resolve(i)
    #expect(c.host == "set-host")
    #expect(c.values[.host]?.source == .set)
    #expect(c.values[.host]?.source.description == "set")
  }

  @Test func flockerctlFilesSitBetweenProfileAndEnvironment() {
    let files = [
      "/work/cluster.yml": "users:\n  - carol\n  - dave\n",
      "/work/agent.yml":
        "version: 1\ncontrol-service:\n  hostname: ctl.example.com\n  port: 4524\ndataset:\n  backend: loopback\n",
    ]
    let c = Configuration.resolve(inputs(files: files, cwd: "/work"))
    #expect(c[.certs] == "/work")
    #expect(c.values[.certs]?.source == .file("/work/cluster.yml"))
    #expect(c[.user] == "carol")
    #expect(c.host == "ctl.example.com")
    #expect(c.values[.host]?.source == .file("/work/agent.yml"))
    // agent.yml's port is the agent port, never the API's.
    #expect(c.port == 4523)
    let overridden = Configuration.resolve(
      inputs(env: ["FLOCKER_CONTROL_SERVICE": "env"], files: files, cwd: "/work"))
    #expect(overridden.host == "env")
  }

  @Test func userIsDiscoveredInTheCertsDirectory() {
    let dir = "/etc/flocker"
    let entries = [
      "cluster.crt", "node.crt", "node.key", "zed.crt", "zed.key", "alice.crt", "alice.key",
      "lonely.crt",
    ]
    let cns = [
      "/etc/flocker/node.crt": "node-0b1c", "/etc/flocker/zed.crt": "user-zed",
      "/etc/flocker/alice.crt": "user-alice",
      "/etc/flocker/lonely.crt": "user-lonely", "/etc/flocker/cluster.crt": "mycluster",
    ]
    let c = Configuration.resolve(inputs(dirs: [dir: entries], cns: cns))
    #expect(c[.user] == "alice")
    #expect(c.values[.user]?.source == .discovered(dir))
    #expect(c[.cert] == "/etc/flocker/alice.crt")
    #expect(c.warnings.contains { $0.contains("alice, zed") && $0.contains("took 'alice'") })

    let single = Configuration.resolve(
      inputs(dirs: [dir: ["bob.crt", "bob.key"]], cns: ["/etc/flocker/bob.crt": "user-bob"]))
    #expect(single[.user] == "bob")
    #expect(!single.warnings.contains { $0.contains("several") })
  }

  @Test func derivedPathsFollowTheHigherSource() {
    let profiles = "default: p\nclusters:\n  p:\n    ca: /profile/ca.crt\n"
    let c = Configuration.resolve(
      inputs(env: ["FLOCKER_CERTS_PATH": "/env/certs"], profiles: profiles))
    // The certs dir comes from a higher layer than the profile's CA, so the CA follows it.
    #expect(c[.ca] == "/env/certs/cluster.crt")
    let low = Configuration.resolve(inputs(profiles: profiles, cluster: ("p", .set)))
    #expect(low[.ca] == "/profile/ca.crt")
    // Chosen with `use cluster`, the profile's CA stands whatever the environment says.
    let chosen = Configuration.resolve(
      inputs(env: ["FLOCKER_CERTS_PATH": "/env/certs"], profiles: profiles, cluster: ("p", .set)))
    #expect(chosen[.ca] == "/profile/ca.crt")
  }

  /// The one HOST:PORT parser (flags, `set host`, `cluster add host`).
  @Test func hostAndPortIsOneColonAHostAndDigits() {
    #expect(HostAndPort("10.0.0.1:4523") == HostAndPort("10.0.0.1:4523"))
    #expect(HostAndPort("control:4600").map { [$0.host, String($0.port)] } == ["control", "4600"])
    // Out of range is still the HOST:PORT shape: the caller reports the port.
    #expect(HostAndPort("h:99999")?.port == 99999)
    for notHostPort in [
      "h", "::1", "[::1]", "fe80::1:4523", ":4523", "h:", "h:45a", "h:+45", "h: 45",
    ] {
      #expect(HostAndPort(notHostPort) == nil, "\(notHostPort)")
    }
    // A flag's out-of-range port is an error naming the flag, not a host with a colon.
    var i = inputs()
    i.flags = [.host: "10.9.9.9:99999"]
    let c = Configuration.resolve(i)
    #expect(c.errors.contains { $0.message == "invalid port '99999' from flag --host" })
  }

  @Test func aHostGivenWithoutAPortMeansTheAPIPort() {
    let profiles = "clusters:\n  p:\n    host: h\n    port: 4600\n"
    var i = inputs(
      env: ["FLOCKER_CONTROL_SERVICE_PORT": "4700"], profiles: profiles,
      cluster: ("p", .flag("--cluster")))
    i.flags = [.host: "10.9.9.9"]
    #expect(Configuration.resolve(i).port == 4523)
    i.flags = [.host: "10.9.9.9:4800"]
    var c = Configuration.resolve(i)
    #expect(c.host == "10.9.9.9")
    #expect(c.port == 4800)
    i.flags = [.host: "10.9.9.9", .port: "4900"]
    #expect(Configuration.resolve(i).port == 4900)
    i.flags = [:]
    i.sets = [.host: "10.9.9.8"]
    c = Configuration.resolve(i)
    #expect(c.port == 4523)
    #expect(c.values[.port]?.source.description == "default: set named no port")
  }

  @Test func relativePathsBecomeAbsolute() {
    let c = Configuration.resolve(
      inputs(flags: [.certs: "certs/../pki", .key: "~/k.key"], cwd: "/home/op", ))
    #expect(c[.certs] == "/home/op/pki")
    let h = Configuration.resolve(inputs(env: ["HOME": "/root"], flags: [.key: "~/k.key"]))
    #expect(h[.key] == "/root/k.key")
  }

  @Test func badPortIsAnErrorNamingTheVariable() {
    let c = Configuration.resolve(inputs(env: ["FLOCKER_CONTROL_SERVICE_PORT": "http"]))
    #expect(c.errors.count == 1)
    #expect(c.errors[0].message == "invalid port 'http' from env FLOCKER_CONTROL_SERVICE_PORT")
    let agent = Configuration.resolve(inputs(flags: [.port: "4524"]))
    #expect(agent.errors.isEmpty)
    #expect(agent.warnings.contains { $0.contains("agent port") })
  }

  @Test func malformedProfilesFileIsAnErrorNamingTheFile() {
    let c = Configuration.resolve(inputs(profiles: "clusters: [unclosed", cluster: ("x", .set)))
    #expect(c.errors.contains { $0.message.contains("/home/op/.config/fsh/clusters.yml") })
    let typo = Configuration.resolve(inputs(profiles: "clusters:\n  a:\n    hots: x\n"))
    #expect(typo.errors.first?.message.contains("unknown key 'hots'") == true)
  }

  @Test func unknownProfileSuggestsTheNearest() {
    let c = Configuration.resolve(
      inputs(
        profiles: "clusters:\n  production:\n    host: h\n",
        cluster: ("prodution", .flag("--cluster"))))
    #expect(c.errors.first?.message.contains("no cluster profile 'prodution'") == true)
    #expect(c.errors.first?.notes.contains("did you mean 'production'?") == true)
  }

  @Test func defaultProfileIsUsedWhenNoneIsSelected() {
    let c = Configuration.resolve(
      inputs(profiles: "default: lab\nclusters:\n  lab:\n    host: lab-host\n"))
    #expect(c.host == "lab-host")
    #expect(c.cluster?.value == "lab")
    let env = Configuration.resolve(
      inputs(
        env: ["FSH_CLUSTER": "other"],
        profiles: "default: lab\nclusters:\n  lab: {host: a}\n  other: {host: b}\n"))
    #expect(env.host == "b")
  }

  @Test func missingCertsDirectoryIsAWarning() {
    let c = Configuration.resolve(inputs(flags: [.certs: "/nope"]))
    #expect(c.warnings.contains { $0.contains("'/nope'") && $0.contains("does not exist") })
  }

  /// A profile that names its three files does not use the default /etc/flocker: no warning
  /// about it. A profile that names only some of them still looks there, and is warned.
  @Test func theDefaultCertsDirectoryIsNotWarnedAboutWhenAProfileNamesItsFiles() {
    let files = """
      clusters:
        lab:
          host: lab-host
          ca: /pki/ca.pem
          cert: /pki/me.crt
          key: /pki/me.key
      """
    let c = Configuration.resolve(inputs(profiles: files, cluster: ("lab", .flag("--cluster"))))
    #expect(c[.ca] == "/pki/ca.pem")
    #expect(c.values[.certs]?.source == .builtin)
    #expect(!c.warnings.contains { $0.contains("/etc/flocker") }, "\(c.warnings)")
    let some = Configuration.resolve(
      inputs(
        profiles: "clusters:\n  lab:\n    host: h\n    ca: /pki/ca.pem\n",
        cluster: ("lab", .flag("--cluster"))))
    #expect(some[.cert] == "/etc/flocker/apiuser.crt")
    #expect(
      some.warnings.contains { $0.contains("'/etc/flocker'") && $0.contains("does not exist") })
  }
}
