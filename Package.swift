// swift-tools-version: 6.1
// fsh — the Flocker shell. See README.md and docs/ for the layout and why it is shaped this way.
import PackageDescription

let package = Package(
  name: "fsh",
  // Linux only: the code calls Glibc, libedit and libcurl directly, and nothing here builds or
  // tests for another platform (see README.md). No `platforms:` entry claims otherwise.
  products: [
    // The embeddable core: language, session, commands, Flocker client. No terminal, no libedit.
    // Its modules are imported by name: FshKit (session, commands), FshLanguage (source text,
    // positions, diagnostics) and FshClient (transports, models, the cluster view).
    .library(
      name: "FshKit", targets: ["FshKit", "FshRuntime", "FshLanguage", "FshClient", "FshModel"]),
    // The sandbox control service: a real mutual-TLS v1 API on 127.0.0.1 for trying fsh and for tests.
    .library(name: "FshSandbox", targets: ["FshSandbox"]),
    .executable(name: "fsh", targets: ["fsh"]),
    // The sandbox in a process of its own, started by `fsh --sandbox`, `fsh sandbox serve` and
    // rehearsals: its server (threads, OpenSSL) stays out of every fsh start-up.
    .executable(name: "fsh-sandbox", targets: ["fsh-sandbox"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
  ],
  targets: [
    // MARK: C shims (variadic C functions do not import into Swift; see docs/architecture.md)
    // libedit is loaded when the first prompt needs it (dlopen), so only its header is
    // needed to build: histedit.h from libedit-dev.
    .target(name: "CEditLine"),
    .systemLibrary(
      name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .target(name: "CFshSupport"),
    // The system's OpenSSL (libssl-dev): certificates (FshPKI) and the sandbox's TLS server.
    .target(
      name: "COpenSSL", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),

    // MARK: Writing files safely: one atomic and one exclusive writer (EINTR retried)
    .target(name: "FshFiles"),

    // MARK: Certificates the way flocker-ca makes and checks them
    // OpenSSL (COpenSSL), as Flocker's own tools (pyOpenSSL): no BoringSSL copy to build.
    .target(name: "FshPKI", dependencies: ["COpenSSL", "FshFiles"]),

    // MARK: The language: source text, lexer, parser, syntax tree, diagnostics. Imports nothing.
    .target(name: "FshLanguage"),

    // MARK: A strict JSON pull parser over bytes, shared by the client and the runtime.
    .target(name: "FshJSON"),

    // MARK: The Flocker model at the bottom: nodes, leases, dataset configuration and state,
    // statuses, each read and written as JSON with the API's field names (FshJSON).
    .target(name: "FshModel", dependencies: ["FshJSON"]),

    // MARK: The Flocker client: transport (libcurl), the merged cluster view.
    // Its errors are data; it knows no shell words, no `Value` and no parser.
    .target(name: "FshClient", dependencies: ["CCurl", "FshJSON", "FshPKI", "FshModel"]),

    // MARK: The language runtime: session, interpreter, values, the command protocol and its
    // arguments, completion, output, the language's own commands. No Flocker: the library
    // above brings that (as Lua's core stands apart from its libraries).
    .target(name: "FshRuntime", dependencies: ["FshLanguage", "FshJSON", "FshFiles"]),

    // MARK: The Flocker library on the runtime: configuration, connection, certs, agent, the
    // Flocker commands and the standard command table (embeddable)
    .target(
      name: "FshKit",
      dependencies: [
        "FshRuntime",
        "FshLanguage",
        "FshJSON",
        "FshModel",
        "FshClient",
        "FshFiles",
        "FshPKI",
        .product(name: "Yams", package: "Yams"),
      ]),

    // MARK: The sandbox control service (its server stack stays out of FshKit)
    .target(
      name: "FshSandbox",
      dependencies: [
        "COpenSSL",
        "FshFiles",
        "FshModel",
        "FshPKI",
      ]),

    // MARK: What fsh and fsh-sandbox say to each other over a pair of pipes (lines of FshJSON,
    // and FshFiles for writing to a pipe whose reader may be gone)
    .target(name: "FshSandboxProtocol", dependencies: ["FshFiles", "FshJSON", "FshModel"]),

    // MARK: The sandbox executable: FshSandbox behind the protocol
    .executableTarget(name: "fsh-sandbox", dependencies: ["FshSandbox", "FshSandboxProtocol"]),

    // MARK: The executable: flags, REPL, libedit, terminal (no server stack: fsh-sandbox)
    .executableTarget(
      name: "fsh",
      dependencies: [
        "FshKit",
        "FshRuntime",
        "FshClient",
        "FshLanguage",
        "FshModel",
        "FshFiles",
        "FshSandboxProtocol",
        "CEditLine",
        "CFshSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: The embedding example (examples/embed), built here too so that its test
    // (Tests/embed/run.sh) reuses this build instead of compiling every dependency again.
    .executableTarget(
      name: "embed-demo", dependencies: ["FshKit", "FshRuntime", "FshClient"],
      path: "examples/embed/Sources/embed-demo"),

    // MARK: Benchmarks (scripts/bench)
    .executableTarget(
      name: "fsh-bench", dependencies: ["FshKit", "FshRuntime", "FshClient", "FshLanguage"],
      path: "Benchmarks/FshBench"),

    // MARK: Tests
    // Tools found through PATH (a missing one fails naming its package), unprivileged runs, the
    // one test PKI (certificates made once per test process), odd certificates and keys made
    // with OpenSSL, the one hostile control service (python3; no FshKit), and the scripted
    // dataset the client's and the library's status tests share (FshClient, FshModel).
    .target(
      name: "FshTestSupport", dependencies: ["COpenSSL", "FshPKI", "FshClient", "FshModel"],
      path: "Tests/FshTestSupport"),
    // One test target per library module, each depending on its module (and what its tests
    // drive it with); FshKitTests holds the session, the commands and the golden scripts.
    .testTarget(name: "FshLanguageTests", dependencies: ["FshLanguage"]),
    .testTarget(name: "FshJSONTests", dependencies: ["FshJSON"]),
    .testTarget(name: "FshModelTests", dependencies: ["FshModel", "FshJSON"]),
    .testTarget(name: "FshRuntimeTests", dependencies: ["FshRuntime", "FshLanguage"]),
    .testTarget(name: "FshFilesTests", dependencies: ["FshFiles"]),
    .testTarget(name: "FshPKITests", dependencies: ["FshPKI", "FshTestSupport"]),
    .testTarget(
      name: "FshClientTests",
      dependencies: ["FshClient", "FshModel", "FshJSON", "FshPKI", "FshTestSupport"]),
    .testTarget(
      name: "FshSandboxProtocolTests", dependencies: ["FshSandboxProtocol", "FshModel"]),
    .testTarget(
      name: "FshKitTests",
      dependencies: [
        "FshKit", "FshRuntime", "FshLanguage", "FshJSON", "FshModel", "FshClient", "FshFiles",
        "FshSandbox", "FshPKI", "FshTestSupport",
      ],
      exclude: ["Scripts"]),
    .testTarget(
      name: "FshSandboxTests",
      dependencies: [
        "FshSandbox", "FshPKI", "FshTestSupport", .product(name: "Yams", package: "Yams"),
      ],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "fshTests",
      dependencies: ["fsh", "fsh-sandbox", "FshSandboxProtocol", "FshTestSupport"]),
  ],
  swiftLanguageModes: [.v5]
)
