// The HTTPS listener: swift-nio + NIOHTTP1 + NIOSSL, mutual TLS, HTTP/1.1 keep-alive, TCP_NODELAY.

import Foundation
import FshPKI
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Largest request body accepted (the API's bodies are tiny).
private let maximumRequestBody = 16 << 20

final class SandboxServer: @unchecked Sendable {
  let port: Int
  private let group: MultiThreadedEventLoopGroup
  private let channel: Channel
  private let timer: RepeatedTask

  init(sandbox: Sandbox, host: String, port: Int, certificatesDirectory: String) throws {
    let directory = certificatesDirectory
    func pem(_ name: String) throws -> [UInt8] {
      guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
        throw SandboxError.certificates("Cannot read \(directory)/\(name).")
      }
      return Array(data)
    }
    let caPEM = try pem("cluster.crt")
    let certificateChain: [NIOSSLCertificate]
    let clusterCertificates: [NIOSSLCertificate]
    let privateKey: NIOSSLPrivateKey
    do {
      certificateChain = try NIOSSLCertificate.fromPEMBytes(try pem("control-service.crt"))
      clusterCertificates = try NIOSSLCertificate.fromPEMBytes(caPEM)
      privateKey = try NIOSSLPrivateKey(bytes: try pem("control-service.key"), format: .pem)
    } catch let error as SandboxError {
      throw error
    } catch {
      throw SandboxError.certificates(
        "BoringSSL cannot load the certificates in \(directory) (\(error)). X.509 v1 "
          + "certificates with extensions, as flocker-ca writes them, are refused by BoringSSL; "
          + "let the sandbox generate its own in an empty directory.")
    }
    let validator = try FlockerPeerValidator(
      caCertificatePEM: String(decoding: caPEM, as: UTF8.self))

    var configuration = TLSConfiguration.makeServerConfiguration(
      certificateChain: certificateChain.map { .certificate($0) },
      privateKey: .privateKey(privateKey))
    configuration.trustRoots = .certificates(clusterCertificates)
    // Require a client certificate (VERIFY_PEER | VERIFY_FAIL_IF_NO_PEER_CERT).
    configuration.certificateVerification = .noHostnameVerification
    configuration.sendCANameList = true
    // Twisted 16.6 with pyOpenSSL on OpenSSL 1.0.x speaks TLS 1.2 at most.
    configuration.maximumTLSVersion = .tlsv12
    // On stop, do not wait for clients to answer close_notify (NIOSSL's default is 5 s): a
    // client holding a kept-alive connection would delay every `fsh --sandbox` exit.
    configuration.shutdownTimeout = .milliseconds(100)
    let context = try NIOSSLContext(configuration: configuration)

    // Flocker's check (`_validation.py`): the chain must verify to cluster.crt, the leaf's CN
    // must start with "user-", and OpenSSL's purpose check must allow client authentication. The custom callback replaces BoringSSL's chain check, so it
    // verifies the signature against cluster.crt itself (pathlen:0: the leaf is issued by it).
    // A refusal fails the handshake with a TLS alert; no HTTP response is sent.
    let verify: NIOSSLCustomVerificationCallback = { certificates, promise in
      guard let leaf = certificates.first, let der = try? leaf.toDERBytes() else {
        promise.succeed(.failed)
        return
      }
      do {
        _ = try validator.validate(
          leafDER: der, commonNamePrefix: "user-", requireClientAuthentication: true)
        promise.succeed(.certificateVerified)
      } catch {
        promise.succeed(.failed)
      }
    }

    let group = MultiThreadedEventLoopGroup(numberOfThreads: min(2, System.coreCount))
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelOption(.maxMessagesPerRead, value: 16)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let sync = channel.pipeline.syncOperations
          try sync.addHandler(
            NIOSSLServerHandler(context: context, customVerificationCallback: verify))
          try sync.configureHTTPServerPipeline(withErrorHandling: true)
          try sync.addHandler(SandboxHTTPHandler(sandbox: sandbox))
        }
      }
    do {
      channel = try bootstrap.bind(host: host, port: port).wait()
    } catch {
      try? group.syncShutdownGracefully()
      throw SandboxError.server("Cannot listen on \(host):\(port): \(error)")
    }
    self.group = group
    self.port = channel.localAddress?.port ?? port
    // The real LeaseService expires leases every second; agents converge on the same tick.
    timer = group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) {
      _ in
      sandbox.tick()
      sandbox.saveAgentState()
    }
  }

  func stop() {
    timer.cancel()
    try? channel.close().wait()
    try? group.syncShutdownGracefully()
  }
}

/// Collects one request, lets `Sandbox` answer it and writes the response (after any injected
/// latency), keeping the connection open when the client wants keep-alive.
private final class SandboxHTTPHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let sandbox: Sandbox
  private var head: HTTPRequestHead?
  private var body: [UInt8] = []
  private var tooLarge = false

  init(sandbox: Sandbox) { self.sandbox = sandbox }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let requestHead):
      head = requestHead
      body = []
      tooLarge = false
    case .body(var buffer):
      if body.count + buffer.readableBytes > maximumRequestBody {
        tooLarge = true
      } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
        body.append(contentsOf: bytes)
      }
    case .end:
      guard let requestHead = head else { return }
      head = nil
      let requestBody = body
      body = []
      var (response, latency) =
        tooLarge
        ? (
          SandboxResponse(
            status: 413, headers: [("Content-Type", "text/plain")],
            body: Array("Request body too large\n".utf8)), 0.0
        )
        : sandbox.process(
          method: requestHead.method.rawValue, path: requestHead.uri,
          headers: requestHead.headers.map { ($0.name, $0.value) }, body: requestBody)
      if requestHead.method == .HEAD { response.body = [] }
      let loop = context.eventLoop.assumeIsolated()
      if latency > 0 {
        loop.scheduleTask(in: .nanoseconds(Int64(latency * 1e9))) {
          self.send(response, for: requestHead, context: context)
        }
      } else {
        send(response, for: requestHead, context: context)
      }
    }
  }

  private func send(
    _ response: SandboxResponse, for request: HTTPRequestHead, context: ChannelHandlerContext
  ) {
    if response.dropConnection {
      context.close(promise: nil)
      return
    }
    let keepAlive = request.isKeepAlive
    var headers = HTTPHeaders(response.headers)
    headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
    if keepAlive {
      if request.version.major == 1 && request.version.minor == 0 {
        headers.replaceOrAdd(name: "Connection", value: "keep-alive")
      }
    } else {
      headers.replaceOrAdd(name: "Connection", value: "close")
    }
    let head = HTTPResponseHead(
      version: request.version, status: HTTPResponseStatus(statusCode: response.status),
      headers: headers)
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    if !response.body.isEmpty {
      var buffer = context.channel.allocator.buffer(capacity: response.body.count)
      buffer.writeBytes(response.body)
      context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }
    if keepAlive {
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    } else {
      let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
      context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
        loopBoundContext.value.close(promise: nil)
      }
    }
  }
}
