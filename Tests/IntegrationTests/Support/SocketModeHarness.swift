import Foundation
import Logging
import ServiceLifecycle
import SlackSimulator
import Synchronization
import CurlHTTP
import SlackSocketMode
import SlackWebClient
import VigilBase

/// Records what the Socket Mode client handed to its handler.
final class RecordingHandler: SocketModeEnvelopeHandler {
    private let state = Mutex<[InboundEnvelope]>([])
    private let delay: Duration?
    private let declines: @Sendable (InboundEnvelope) -> Bool
    private let declinedState = Mutex<[InboundEnvelope]>([])

    /// - Parameters:
    ///   - delay: how long each `handle` takes.
    ///   - declines: envelopes `needsHandling` answers `false` for (recorded in ``declined``).
    init(delay: Duration? = nil, declines: @escaping @Sendable (InboundEnvelope) -> Bool = { _ in false }) {
        self.delay = delay
        self.declines = declines
    }

    func needsHandling(_ envelope: InboundEnvelope) -> Bool {
        guard declines(envelope) else { return true }
        declinedState.withLock { $0.append(envelope) }
        return false
    }

    var declined: [InboundEnvelope] { declinedState.withLock { $0 } }

    func handle(_ envelope: InboundEnvelope) async throws -> JSONValue? {
        state.withLock { $0.append(envelope) }
        if let delay { try? await Task.sleep(for: delay) }
        return nil
    }

    var envelopes: [InboundEnvelope] { state.withLock { $0 } }
    var eventIDs: [String] { envelopes.compactMap(\.eventID) }
}

/// The real client stack against a simulator: libwebsockets transport, libcurl driver, Web API actor, Socket Mode
/// service, all on 127.0.0.1.
final class SocketModeHarness: Sendable {
    let simulator: SlackSimulator
    let transport: WebSocketTransport
    let curl: CurlMultiDriver
    let api: SlackWebAPI
    let handler: RecordingHandler
    let service: SocketModeService
    private let group: ServiceGroup
    private let runner: Task<Void, any Error>

    static let quietLogger: Logger = {
        var logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        return logger
    }()

    init(
        simulatorConfiguration: SlackSimulator.Configuration = .init(),
        socketMode: SocketModeConfiguration = SocketModeHarness.fastSocketMode(),
        handler: RecordingHandler = RecordingHandler(),
        caFile: String? = nil,
        appToken: String = "xapp-test-harness",
        httpListener: HTTPListener? = nil
    ) async throws {
        simulator = try await SlackSimulator.start(configuration: simulatorConfiguration)
        var webSocketConfiguration = WebSocketTransportConfiguration()
        webSocketConfiguration.extraCAFile = caFile
        webSocketConfiguration.httpListener = httpListener
        transport = try WebSocketTransport(configuration: webSocketConfiguration, logger: Self.quietLogger)
        curl = try CurlMultiDriver(configuration: CurlMultiDriver.Configuration(extraCABundlePath: caFile), logger: Self.quietLogger)
        var apiConfiguration = SlackWebAPI.Configuration()
        apiConfiguration.budgets = .unlimited
        api = SlackWebAPI(baseURL: simulator.apiBaseURL, botToken: SlackToken("xoxb-test-harness"),
                          appToken: SlackToken(appToken), transport: curl, configuration: apiConfiguration,
                          logger: Self.quietLogger)
        self.handler = handler
        service = try SocketModeService(configuration: socketMode, transport: transport, urlProvider: api,
                                        handler: handler, logger: Self.quietLogger)
        group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: service)], gracefulShutdownSignals: [], logger: Self.quietLogger))
        let group = self.group
        runner = Task { try await group.run() }
    }

    /// Socket Mode settings that make liveness tests quick: ping every 200 ms, stale after 1.5 s.
    static func fastSocketMode(connections: Int = 2) -> SocketModeConfiguration {
        var configuration = SocketModeConfiguration(connectionCount: connections)
        configuration.pingInterval = .milliseconds(200)
        configuration.staleAfter = .milliseconds(1_500)
        configuration.helloTimeout = .seconds(5)
        configuration.backoff = ReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(500))
        return configuration
    }

    /// A `message` event from a person in #random (not an alert channel), unique per `index`.
    static func humanMessage(_ index: Int) -> String {
        #"{"type":"message","channel":"C0SIMRANDOM","user":"U0SIMALICE","text":"message \#(index)","ts":"1700000000.\#(String(format: "%06d", index))","channel_type":"channel"}"#
    }

    /// Stops the service the way SIGTERM does, then the C threads.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await runner.value
        await transport.shutdown()
        await curl.shutdown()
        await simulator.shutdown()
    }
}
