// swift-tools-version: 6.1
// An example of a Swift program that embeds fsh: its own command, a script, structured results.
import PackageDescription

let package = Package(
  name: "embed-demo",
  dependencies: [.package(name: "fsh", path: "../..")],
  targets: [
    .executableTarget(
      name: "embed-demo",
      dependencies: [.product(name: "FshKit", package: "fsh")])
  ],
  swiftLanguageModes: [.v5]
)
