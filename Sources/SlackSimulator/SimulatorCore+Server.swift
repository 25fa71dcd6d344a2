import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization

/// The listening server and the per-connection pipeline.
extension SimulatorCore {
    /// The pipeline name of ``SimulatorHTTPHandler`` (removed after a WebSocket upgrade).
    static let httpHandlerName = "slack-simulator-http"

    /// Binds `127.0.0.1:0` and starts accepting.
    /// - Returns: The server channel and the bound port.
    func bind(sslContext: NIOSSLContext?) async throws -> (any Channel, Int) {
        let bootstrap = ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.initializeChild(channel, sslContext: sslContext)
                }
            }
        let server = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = server.localAddress?.port else {
            try? await server.close()
            throw SlackSimulatorError.startFailed("the server socket has no local port")
        }
        let secure = sslContext != nil
        self.state.withLock { state in
            state.httpBase = "\(secure ? "https" : "http")://127.0.0.1:\(port)"
            state.webSocketBase = "\(secure ? "wss" : "ws")://127.0.0.1:\(port)"
        }
        return (server, port)
    }

    /// Sets up one accepted connection: optional TLS, HTTP/1.1 with WebSocket upgrade on `/link/`.
    func initializeChild(_ channel: any Channel, sslContext: NIOSSLContext?) throws {
        let number: Int? = self.state.withLock { state in
            guard !state.isShutDown else { return nil }
            state.httpConnectionCount += 1
            state.openChannels[ObjectIdentifier(channel)] = channel
            return state.httpConnectionCount
        }
        guard let number else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { state in state.openChannels[ObjectIdentifier(channel)] = nil }
        }
        let operations = channel.pipeline.syncOperations
        if let sslContext {
            try operations.addHandler(NIOSSLServerHandler(context: sslContext))
        }
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: self.configuration.maxWebSocketFrameSize,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                guard let ticket = Self.ticket(in: head.uri), self.consumeTicket(ticket) else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SocketModeConnectionHandler(core: self, ticket: Self.ticket(in: head.uri) ?? "")
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        )
        try operations.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    context.pipeline.removeHandler(name: Self.httpHandlerName, promise: nil)
                }
            )
        )
        try operations.addHandler(
            SimulatorHTTPHandler(core: self, connectionNumber: number),
            name: Self.httpHandlerName
        )
    }

    /// The `ticket` query parameter of a `/link/` URI.
    static func ticket(in uri: String) -> String? {
        guard let mark = uri.firstIndex(of: "?") else { return nil }
        let path = uri[..<mark]
        guard path == "/link/" || path == "/link" else { return nil }
        let query = SimulatedHTTPExchange.Request.decodeForm(String(uri[uri.index(after: mark)...]))
        guard let ticket = query["ticket"], !ticket.isEmpty else { return nil }
        return ticket
    }

    /// Stops accepting, closes every connection, fails waiters and stops the event loops.
    func shutdown(server: any Channel) async {
        let channels: [any Channel] = self.state.withLock { state in
            state.isShutDown = true
            return Array(state.openChannels.values)
        }
        self.failAllWaiters()
        try? await server.close()
        for channel in channels {
            try? await channel.close()
        }
        try? await self.group.shutdownGracefully()
    }
}
