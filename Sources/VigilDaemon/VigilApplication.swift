import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals
import AlertInvestigation
import CurlHTTP
import SlackSocketMode
import SlackWebClient
import Vigil
import VigilStorage

/// Assembles and runs the worker from a validated configuration: one libwebsockets transport and one libcurl
/// driver for the process, one store, and per workspace a Web API client, Socket Mode connections and the alert
/// pipeline, all under one `ServiceGroup` that stops on SIGTERM/SIGINT: the libcurl driver, the transport, one
/// ``WorkspaceService`` per workspace, systemd notification and (with a reload function) the SIGHUP reloader. With
/// `metrics.listen` configured, the transport's service thread also serves the metrics page (``MetricsPage``) on that
/// loopback address, so the transport's service is also the metrics endpoint's.
public struct VigilApplication: Sendable {
    /// How a run ended, for the process's exit code.
    public enum Outcome: Sendable, Equatable {
        /// Stopped by a signal or by the caller: exit 0.
        case stopped
        /// Every workspace failed in a way restarting cannot fix: exit 78.
        case noWorkspaceLeft(String)
        /// The worker cannot start and a restart would not change that: another instance holds the state folder, or
        /// the store is corrupt, of a newer schema or not writable. Exit 78.
        case cannotStart(String)
    }

    private let configuration: DaemonConfiguration
    private let environment: [String: String]
    private let logger: Logger
    /// How often each workspace re-checks its bot token with `auth.test`.
    private let tokenCheckInterval: Duration
    private let metricsRegistry: PrometheusCollectorRegistry?
    /// Loads the configuration again on SIGHUP; `nil` leaves SIGHUP alone.
    private let reloadConfiguration: (@Sendable () async throws -> DaemonConfiguration)?
    /// The process's log level, changed by a reload.
    private let logLevelSwitch: LogLevelSwitch?
    /// Where every workspace records what it did, for tests and the demo; `nil` in production.
    private let activity: WorkerActivityLog?

    /// Creates the application.
    /// - Parameters:
    ///   - configuration: The validated configuration.
    ///   - environment: The process environment (proxy variables, systemd's `NOTIFY_SOCKET`).
    ///   - logger: The root logger.
    ///   - metricsRegistry: The registry behind the process's `MetricsSystem` (bootstrapped by the executable);
    ///     the metrics page is served only when this and `configuration.metrics` are both set.
    ///   - tokenCheckInterval: How often each workspace re-checks its bot token.
    ///   - reloadConfiguration: Loads and validates the configuration again; given, SIGHUP reloads it
    ///     (``ConfigurationReloader``).
    ///   - logLevelSwitch: The level of `logger`'s handler, changed when a reload changes `log_level`.
    ///   - activity: Where every workspace's router and alert monitor record what they did (event outcomes and
    ///     recovery steps, ``WorkerActivity``), so that tests and the demo can wait for them; `nil` records nothing.
    public init(
        configuration: DaemonConfiguration,
        environment: [String: String],
        logger: Logger,
        metricsRegistry: PrometheusCollectorRegistry? = nil,
        tokenCheckInterval: Duration = .seconds(300),
        reloadConfiguration: (@Sendable () async throws -> DaemonConfiguration)? = nil,
        logLevelSwitch: LogLevelSwitch? = nil,
        activity: WorkerActivityLog? = nil
    ) {
        self.reloadConfiguration = reloadConfiguration
        self.logLevelSwitch = logLevelSwitch
        self.activity = activity
        self.tokenCheckInterval = tokenCheckInterval
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.metricsRegistry = metricsRegistry
    }

    /// Runs until a signal (or `shutdown` trigger) stops it.
    /// - Parameters:
    ///   - signals: the signals that start a graceful shutdown; tests pass none and cancel instead.
    ///   - health: the board workspaces report to (tests read it).
    public func run(signals: [UnixSignal] = [.sigterm, .sigint], health: HealthBoard = HealthBoard()) async throws -> Outcome {
        // One instance per state folder, taken before anything else is set up (threads, sockets, the database).
        let lock: StateDirectoryLock
        do {
            lock = try StateDirectoryLock(directory: configuration.stateDirectory)
        } catch let error as StateDirectoryLock.HeldElsewhere {
            return .cannotStart(error.description)
        } catch let error as VigilStoreError {
            return .cannotStart(error.description)
        }
        defer { lock.release() }
        // The store first: when it cannot be used, nothing else has been started that would need stopping.
        let store: SQLiteVigilStore
        do {
            store = try await SQLiteVigilStore(directory: configuration.stateDirectory, logger: logger)
        } catch let error as VigilStoreError where error.kind != .openFailed {
            // Corrupt, of a newer schema, not writable: the operator must act; restarting changes nothing.
            return .cannotStart(error.description)
        }
        var webSocketConfiguration = try WebSocketTransportConfiguration.fromEnvironment(environment)
        webSocketConfiguration.extraCAFile = configuration.caFile
        if let metrics = configuration.metrics {
            if let metricsRegistry {
                let page = MetricsPage(registry: metricsRegistry)
                webSocketConfiguration.httpListener = HTTPListener(address: metrics.host, port: metrics.port) { path in
                    page.page(for: path)
                }
            } else {
                logger.warning("metrics.listen is set but no metrics registry was given; not serving metrics")
            }
        }
        // The transport's service thread also serves the metrics page: both live as long as the transport's service.
        let transport = try WebSocketTransport(configuration: webSocketConfiguration, logger: logger)
        if let metrics = configuration.metrics, let port = transport.httpListenPort {
            logger.info("serving metrics", metadata: [
                "vigil.metrics_url": "http://\(WebSocketTransport.hostPort(metrics.host, port))/metrics",
            ])
        }
        let curl: CurlMultiDriver
        do {
            curl = try CurlMultiDriver(configuration: CurlMultiDriver.Configuration(extraCABundlePath: configuration.caFile), logger: logger)
        } catch {
            await transport.shutdown()
            throw error
        }
        health.setStoreProblem(nil)  // vigil_store_healthy 1 from the start
        let probes = ProbeExecutor(httpClient: CurlProbeHTTPClient(transport: curl),
                                   maximumConcurrency: configuration.limits.probeConcurrency)
        let workspaces = configuration.workspaces.map { workspace in
            let api = SlackWebAPI(
                baseURL: workspace.apiURL,
                botToken: SlackToken(workspace.botToken.reveal()),
                appToken: SlackToken(workspace.appToken.reveal()),
                transport: curl,
                logger: logger
            )
            return WorkspaceService(
                configuration: Self.workspaceConfiguration(
                    workspace, in: configuration, tokenCheckInterval: tokenCheckInterval),
                api: api,
                transport: transport,
                store: store,
                health: health,
                probes: probes,
                logger: logger,
                activity: activity
            )
        }
        // Started in this order and shut down in reverse: systemd hears STOPPING=1 first, the workspaces close
        // their connections and finish their handlers, and only then stop the transports they used.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: curl),
            .init(service: transport),
        ]
        services += workspaces.map { .init(service: $0) }
        services.append(.init(service: SystemdNotifyService(environment: environment, health: health, logger: logger)))
        if let reloadConfiguration {
            services.append(.init(service: ConfigurationReloader(
                running: configuration,
                load: reloadConfiguration,
                workspaces: workspaces,
                tokenCheckInterval: tokenCheckInterval,
                logLevelSwitch: logLevelSwitch,
                notifier: SystemdNotifier(environment: environment),
                logger: logger
            )))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: signals,
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = Swift.Duration.seconds(4)
        groupConfiguration.maximumCancellationDuration = Swift.Duration.seconds(1)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch let error as NoWorkspaceLeft {
            return .noWorkspaceLeft(error.description)
        } catch is ServiceGroupError where health.allWorkspacesFailed {
            return .noWorkspaceLeft(NoWorkspaceLeft(reasons: health.snapshot.compactMapValues(\.failure)).description)
        }
        return .stopped
    }

    /// What one workspace of `configuration` runs with (also what a reload applies).
    static func workspaceConfiguration(
        _ workspace: WorkspaceConfiguration,
        in configuration: DaemonConfiguration,
        tokenCheckInterval: Duration
    ) -> WorkspaceService.Configuration {
        var socketMode = SocketModeConfiguration(connectionCount: configuration.connections)
        socketMode.maximumConcurrentHandlers = configuration.limits.handlerConcurrency
        return WorkspaceService.Configuration(
            name: workspace.name,
            botTokenSource: workspace.botTokenSource,
            alertChannels: workspace.alertChannels,
            socketMode: socketMode,
            alerts: AlertChannelSettings(
                stormThreshold: configuration.limits.stormThreshold,
                flappingWindow: configuration.limits.flappingWindow,
                flappingThreshold: configuration.limits.flappingThreshold,
                relatedWindow: configuration.limits.relatedWindow,
                catchUpLimit: configuration.limits.catchUpLimit,
                runbooks: configuration.runbooks.map(\.runbookRule)
            ),
            conversations: ConversationSettings(
                slashCommand: workspace.slashCommand,
                permissions: workspace.permissions,
                approvers: workspace.approvers,
                approvalTimeout: configuration.limits.approvalTimeout,
                maximumSilence: configuration.limits.maxSilence,
                silencePatternMinLiterals: configuration.limits.silencePatternMinLiterals,
                allowSelfApproval: workspace.allowSelfApproval
            ),
            tokenCheckInterval: tokenCheckInterval
        )
    }
}
