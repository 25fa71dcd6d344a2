import Glibc
import Logging
import ServiceLifecycle
import Testing
import SlackSocketMode

private typealias Seen = WebSocketEventStream.Seen

/// The real shim (libwebsockets service thread) against plain loopback sockets: failure paths, cancellation and
/// shutdown, which need no WebSocket server. Echo, fragmentation, close codes, TLS and proxy behaviour are
/// exercised against the Slack simulator.
@Suite(.timeLimit(.minutes(1)))
struct WebSocketTransportTests {
    let logger = webSocketTestLogger()

    @Test func connectionRefusedFailsWithConnectFailed() async throws {
        let socket = try LoopbackSocket(listening: false)  // bound, not listening: the connect gets a RST
        defer { socket.close() }
        let transport = try WebSocketTransport(configuration: .init(), logger: logger)
        var ws = try transport.open("ws://127.0.0.1:\(socket.port)/link/?ticket=xapp-test-ticket")
        guard case .failed(let error)? = await ws.nextRaw() else {
            Issue.record("expected .failed")
            await transport.shutdown()
            return
        }
        #expect(error == .connectFailed)
        #expect(!"\(error)".contains("xapp-test-ticket"))
        await ws.expect(.end)
        await transport.shutdown()
    }

    @Test func silentServerTimesOutTheHandshake() async throws {
        let socket = try LoopbackSocket(listening: true)  // the kernel completes TCP; nobody answers the upgrade
        defer { socket.close() }
        let transport = try WebSocketTransport(configuration: .init(handshakeTimeout: .seconds(1)), logger: logger)
        var ws = try transport.open("ws://127.0.0.1:\(socket.port)/")
        await ws.expect(.failed(.timedOut))
        await ws.expect(.end)
        await transport.shutdown()
    }

    @Test func closeAndAbortCancelAConnectionStillConnecting() async throws {
        let socket = try LoopbackSocket(listening: true)
        defer { socket.close() }
        let transport = try WebSocketTransport(configuration: .init(), logger: logger)
        var closed = try transport.open("ws://127.0.0.1:\(socket.port)/")
        var aborted = try transport.open("ws://127.0.0.1:\(socket.port)/")
        #expect(transport.close(closed.id, code: 1000, reason: "never mind"))
        #expect(transport.abort(aborted.id))
        await closed.expect(.failed(.cancelled))
        await aborted.expect(.failed(.cancelled))
        #expect(!transport.send(text: "late", on: closed.id))
        await transport.shutdown()
    }

    @Test func shutdownFinishesConnectionsBeforeReturning() async throws {
        let socket = try LoopbackSocket(listening: true)
        defer { socket.close() }
        let transport = try WebSocketTransport(configuration: .init(), logger: logger)
        var pending = try (0..<3).map { _ in try transport.open("ws://127.0.0.1:\(socket.port)/") }
        #expect(transport.send(text: "queued before the handshake", on: pending[0].id))

        await transport.shutdown()

        // The final events were delivered before shutdown() returned, so the streams are already finished.
        for index in pending.indices {
            #expect(await pending[index].remaining() == [.failed(.cancelled)])
        }
        await transport.shutdown()  // idempotent
        #expect(throws: WebSocketError.transportShutDown) {
            _ = try transport.connect(url: "ws://127.0.0.1:\(socket.port)/") { _, _ in }
        }
        #expect(!transport.send(text: "after shutdown", on: pending[1].id))
    }

    @Test func shutdownWithoutConnectionsReturns() async throws {
        let socket = try LoopbackSocket(listening: true)
        defer { socket.close() }
        // Two concurrent shutdowns of a transport without connections both return, and it stays shut down.
        let idle = try WebSocketTransport(configuration: .init(), logger: logger)
        async let first: Void = idle.shutdown()
        async let second: Void = idle.shutdown()
        _ = await (first, second)
        #expect(throws: WebSocketError.transportShutDown) {
            _ = try idle.connect(url: "ws://127.0.0.1:\(socket.port)/") { _, _ in }
        }
    }

    @Test func asAServiceItShutsDownWithItsGroup() async throws {
        let socket = try LoopbackSocket(listening: true)
        defer { socket.close() }
        let transport = try WebSocketTransport(configuration: .init(), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [transport], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var connection = try transport.open("ws://127.0.0.1:\(socket.port)/")
            await group.triggerGracefulShutdown()
            // The group's shutdown finished the connection: its final event came from the transport's shutdown.
            #expect(await connection.remaining() == [.failed(.cancelled)])
            try await tasks.waitForAll()
        }
        #expect(throws: WebSocketError.transportShutDown) {
            _ = try transport.connect(url: "ws://127.0.0.1:\(socket.port)/") { _, _ in }
        }
    }

    @Test func invalidURLsThrowWithoutLeakingTheQuery() async throws {
        let transport = try WebSocketTransport(configuration: .init(), logger: logger)
        let urls = [
            "https://127.0.0.1/?ticket=secret", "ws://", "wss://[::1]:443/?ticket=secret", "nonsense",
            "ws://127.0.0.1:0/?ticket=secret", "ws://user@127.0.0.1/?ticket=secret", "ws://127.0.0.1:99999/",
        ]
        for url in urls {
            #expect {
                _ = try transport.connect(url: url) { _, _ in }
            } throws: { error in
                guard let error = error as? WebSocketError else { return false }
                return error == .invalidURL && !"\(error)".contains("secret")
            }
        }
        await transport.shutdown()
    }

    @Test func operationsOnUnknownConnectionsFail() async throws {
        let transport = try WebSocketTransport(configuration: .init(), logger: logger)
        let bogus = WebSocketConnectionID(rawValue: 4242)
        #expect(!transport.send(text: "x", on: bogus))
        #expect(!transport.ping(on: bogus))
        #expect(!transport.close(bogus))
        #expect(!transport.abort(bogus))
        await transport.shutdown()
        #expect(!transport.send(text: "x", on: bogus))
    }

    @Test func invalidCloseCodesAndPingPayloadsAreRejected() async throws {
        let socket = try LoopbackSocket(listening: true)
        defer { socket.close() }
        let transport = try WebSocketTransport(configuration: .init(), logger: logger)
        var ws = try transport.open("ws://127.0.0.1:\(socket.port)/")
        #expect(!transport.close(ws.id, code: 1005))
        #expect(!transport.close(ws.id, code: 1006))
        #expect(!transport.close(ws.id, code: 999))
        #expect(!transport.ping(on: ws.id, payload: [UInt8](repeating: 0, count: 126)))
        print("T abort", ContinuousClock.now)
        #expect(transport.abort(ws.id))
        await ws.expect(.failed(.cancelled))
        print("T failed", ContinuousClock.now)
        await transport.shutdown()
        print("T shut", ContinuousClock.now)
    }

    @Test func unreadableExtraCAFileFailsCreation() {
        #expect(throws: WebSocketError.contextCreationFailed) {
            _ = try WebSocketTransport(configuration: .init(extraCAFile: "/nonexistent/vigil-ca.pem"), logger: logger)
        }
    }
}
