// What an embedding program gets with `import FshKit`: the language (source, positions,
// diagnostics) and the Flocker client (transports, models, the cluster view), on which the
// session and its commands are built. FshJSON stays inside the package.
@_exported import FshClient
@_exported import FshLanguage
