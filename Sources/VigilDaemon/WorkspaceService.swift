import VigilBase
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import AlertInvestigation
import AlertReading
import SlackSocketMode
import SlackWebClient
import Vigil
import VigilStorage

/// Everything Vigil runs for one workspace: its token check, Socket Mode connections, alert monitor and catch-up,
/// and periodic token health.
///
/// A `Service` in the application's `ServiceGroup`, one per workspace. A workspace that fails for good (revoked
/// token, Socket Mode disabled) records why on the ``HealthBoard`` and waits for the group's shutdown; the other
/// workspaces keep working. The last one to fail throws ``NoWorkspaceLeft`` (the process exits 78).
public struct WorkspaceService: Service {
    /// What one workspace needs.
    public struct Configuration: Sendable {
        public var name: String
        /// Where the bot token came from (`SLACK_BOT_TOKEN`, `credential slack-bot-token`, …), named when Slack rejects it.
        public var botTokenSource: String
        public var alertChannels: [String]
        public var configuredChannels: [String]
        public var socketMode: SocketModeConfiguration
        public var alerts: AlertChannelSettings
        /// Mentions, DMs, `/vigil`, buttons and approvals.
        public var conversations: ConversationSettings
        /// How often `auth.test` re-checks the bot token.
        public var tokenCheckInterval: Duration

        public init(
            name: String,
            botTokenSource: String = "SLACK_BOT_TOKEN",
            alertChannels: [String],
            configuredChannels: [String] = [],
            socketMode: SocketModeConfiguration = SocketModeConfiguration(),
            alerts: AlertChannelSettings = AlertChannelSettings(),
            conversations: ConversationSettings = ConversationSettings(),
            tokenCheckInterval: Duration = .seconds(300)
        ) {
            self.conversations = conversations
            self.name = name
            self.botTokenSource = botTokenSource
            self.alertChannels = alertChannels
            self.configuredChannels = configuredChannels
            self.socketMode = socketMode
            self.alerts = alerts
            self.tokenCheckInterval = tokenCheckInterval
        }
    }

    /// The configuration a (re)start uses, and the running parts a reload reaches.
    private final class Runtime: Sendable {
        struct State {
            var configuration: Configuration
            var alerts: AlertChannelMonitor?
            var conversations: ConversationHandlers?
        }

        let state: Mutex<State>

        init(_ configuration: Configuration) {
            state = Mutex(State(configuration: configuration))
        }
    }

    private let runtime: Runtime
    private var configuration: Configuration { runtime.state.withLock { $0.configuration } }
    private let api: SlackWebAPI
    private let transport: WebSocketTransport
    private let store: any VigilStore
    private let health: HealthBoard
    private let probes: ProbeExecutor
    private let logger: Logger
    private let activity: WorkerActivityLog?

    /// - Parameters:
    ///   - configuration: the workspace's settings.
    ///   - api: its rate-limited Web API client.
    ///   - transport: the process's WebSocket transport.
    ///   - store: the process's store.
    ///   - health: the board the workspace reports to.
    ///   - probes: runs runbook checks.
    ///   - logger: the workspace's logger.
    ///   - activity: where the router and the alert monitor record what they did (``WorkerActivity``); `nil`
    ///     (production) records nothing.
    public init(
        configuration: Configuration,
        api: SlackWebAPI,
        transport: WebSocketTransport,
        store: any VigilStore,
        health: HealthBoard,
        probes: ProbeExecutor = ProbeExecutor(),
        logger: Logger,
        activity: WorkerActivityLog? = nil
    ) {
        self.runtime = Runtime(configuration)
        self.api = api
        self.transport = transport
        self.store = store
        self.health = health
        self.probes = probes
        self.logger = logger
        self.activity = activity
        // On the board from the start, so that "every workspace failed" counts the ones that have not reported yet.
        health.update(configuration.name) { _ in }
    }

    /// The workspace's name in the configuration.
    public var name: String { configuration.name }

    /// Applies a reloaded configuration to the running workspace: alert tuning and runbook rules, permissions,
    /// approvers and the slash command's name, and the channels listed in the configuration (newly listed ones are
    /// watched and caught up on; ones no longer listed stop being watched unless added with `/vigil watch`). The
    /// Socket Mode settings are kept (they need a restart). When the workspace is not running, the next start uses it.
    /// - Returns: what changed, one line each, for the log.
    /// - Throws: store errors while changing the watched channels (the other settings are applied by then).
    @discardableResult
    public func reload(_ new: Configuration) async throws -> [String] {
        let (old, alerts, conversations) = runtime.state.withLock { state in
            let old = state.configuration
            var kept = new
            kept.socketMode = old.socketMode
            kept.tokenCheckInterval = old.tokenCheckInterval
            kept.botTokenSource = old.botTokenSource
            state.configuration = kept
            return (old, state.alerts, state.conversations)
        }
        guard let alerts, let conversations else { return [] }
        await alerts.apply(new.alerts)
        await conversations.apply(new.conversations)
        let (added, removed) = try await alerts.replaceListedChannels(
            previous: old.alertChannels + old.configuredChannels, current: new.alertChannels + new.configuredChannels)
        var lines: [String] = []
        if !added.isEmpty { lines.append("now watching \(added.joined(separator: ", "))") }
        if !removed.isEmpty { lines.append("stopped watching \(removed.joined(separator: ", "))") }
        if !added.isEmpty { await alerts.catchUp() }
        return lines
    }

    private var tokenGauge: Gauge { Gauge(label: "vigil_token_healthy", dimensions: [("workspace", configuration.name)]) }
    /// 1 while Slack answers, 0 while the workspace waits for it (start-up or reconnects failing).
    private var slackReachableGauge: Gauge {
        Gauge(label: "vigil_slack_reachable", dimensions: [("workspace", configuration.name)])
    }

    /// Runs `call` until Slack answers it: transient failures (unreachable, DNS, TLS, timeouts, 5xx, 429 and Slack's
    /// transient errors) are retried for ever with capped, jittered backoff while the board says why Vigil waits.
    /// - Returns: the answer, or `nil` when a graceful shutdown came first.
    /// - Throws: what retrying cannot fix (rejected token, missing scope), and cancellation.
    private func untilSlackAnswers<T: Sendable>(logger: Logger, _ call: () async throws -> T) async throws -> T? {
        let name = configuration.name
        let answer = try await retryingForever(call) { error, attempt, wait in
            guard let error = error as? SlackAPIError, !error.isFatal, error.isTransient else { return false }
            health.setWaitingForSlack(name, Self.waitingReason(error))
            slackReachableGauge.record(0)
            logger.warning("waiting for Slack; retrying", metadata: [
                "vigil.reason": "\(error)", "vigil.attempt": "\(attempt)",
                "vigil.retry_in": "\(max(wait, error.retryAfter ?? .zero).seconds)s",
            ])
            return true
        }
        guard answer != nil else { return nil }
        if health.snapshot[name]?.waitingForSlack != nil {
            logger.notice("Slack answers again")
        }
        health.setWaitingForSlack(name, nil)
        slackReachableGauge.record(1)
        return answer
    }

    /// Runs `work` until the store accepts it: a failing store (disk full, I/O error) is retried for ever with
    /// capped backoff; the board shows it meanwhile.
    /// - Returns: the result, or `nil` when a graceful shutdown came first.
    private func untilStoreWorks<T: Sendable>(logger: Logger, _ work: () async throws -> T) async throws -> T? {
        var failed = false
        let result = try await retryingForever(work) { error, _, wait in
            if let error = error as? VigilStoreError, error.kind != .openFailed { return false }
            failed = true
            health.setStoreProblem("\(error)")
            logger.error("the store refused a write at start; retrying", metadata: [
                "vigil.reason": "\(error)", "vigil.retry_in": "\(wait.seconds)s",
            ])
            return true
        }
        if result != nil, failed { health.setStoreProblem(nil) }
        return result
    }

    /// The one retry loop of a workspace's start: runs `work` until it succeeds, sleeping with capped, jittered
    /// backoff (``retryBackoff``, at least a 429's `Retry-After`) after each failure that `shouldRetry` accepts
    /// (it also reports the failure: error, attempt number, planned wait).
    /// - Returns: the result, or `nil` when a graceful shutdown came first.
    /// - Throws: a failure `shouldRetry` refuses, and cancellation.
    private func retryingForever<T: Sendable>(
        _ work: () async throws -> T,
        shouldRetry: (any Error, Int, Duration) -> Bool
    ) async throws -> T? {
        var attempt = 0
        var random = SystemRandomNumberGenerator()
        while !Task.isShuttingDownGracefully {
            do {
                return try await work()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                attempt += 1
                let wait = Self.retryBackoff.delay(forAttempt: attempt, using: &random)
                guard shouldRetry(error, attempt, wait) else { throw error }
                let retryAfter = (error as? SlackAPIError)?.retryAfter ?? .zero
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: max(wait, retryAfter)) }
                } catch {
                    return nil
                }
            }
        }
        return nil
    }

    /// The lines `/vigil status` shows under problems: why the workspace stopped, why it waits for Slack, the last
    /// outage it waited through, and the store's trouble now or last.
    static func statusProblems(_ board: HealthBoard.WorkspaceHealth, storeProblem: String?, lastStoreOutage: String?) -> [String] {
        var problems: [String] = []
        if let failure = board.failure { problems.append(failure) }
        if let waiting = board.waitingForSlack { problems.append("waiting for Slack: \(waiting)") }
        if let outage = board.lastSlackOutage { problems.append(outage.summary) }
        if let storeProblem { problems.append("store failing: \(storeProblem)") }
        if let lastStoreOutage { problems.append(lastStoreOutage) }
        return problems
    }

    /// How often owed investigations are looked at while the workspace is connected.
    static let owedRetryInterval: Duration = .seconds(60)

    /// Backoff between attempts while Slack or the store is away: 1 s, doubling, at most 15 s, with jitter.
    static let retryBackoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(15))

    /// Why Vigil waits, in words for `STATUS=` (no token, no URL query).
    static func waitingReason(_ error: SlackAPIError) -> String {
        switch error.kind {
        case .unavailable(let detail): "\(error.method): \(detail)"
        case .rateLimited: "\(error.method) rate limited"
        case .slack(let code): "\(error.method): Slack answered \(code)"
        default: "\(error)"
        }
    }

    /// What a started workspace runs with: its identity in Slack and its handlers.
    private struct Started: Sendable {
        var identity: SlackWebAPI.AuthTestResult
        var alerts: AlertChannelMonitor
        var conversations: ConversationHandlers
        /// Approval requests for gated probes; reads the investigations the monitor posts.
        var approvals: ApprovalService
        /// The events the workspace's Socket Mode connections handed over and have not finished handling.
        var events: DispatchedEventCounter
        var logger: Logger
    }

    /// Runs the workspace until graceful shutdown or a failure that retrying cannot fix.
    ///
    /// In order: wait until Slack accepts the bot token (``startSession(logger:)``), start the alert monitor and the
    /// conversation layer (``startHandlers(_:logger:)``), then run the Socket Mode connections and the periodic work
    /// side by side (``runConnected(_:)``). A failure that retrying cannot fix (rejected token, Socket Mode disabled)
    /// is recorded on the ``HealthBoard`` and the workspace waits for the group's shutdown while the other workspaces
    /// keep working.
    /// - Throws: ``NoWorkspaceLeft`` when this failure leaves no workspace working (the process exits 78).
    public func run() async throws {
        var logger = logger
        logger[metadataKey: "slack.workspace"] = "\(configuration.name)"
        do {
            guard let identity = try await startSession(logger: logger) else { return }
            logger[metadataKey: "slack.team"] = "\(identity.teamID)"
            guard let started = try await startHandlers(identity, logger: logger) else { return }
            runtime.state.withLock {
                $0.alerts = started.alerts
                $0.conversations = started.conversations
            }
            defer {
                runtime.state.withLock {
                    $0.alerts = nil
                    $0.conversations = nil
                }
            }
            try await runConnected(started)
        } catch is CancellationError {
            return
        } catch {
            recordFailure(error, logger: logger)
            if health.allWorkspacesFailed {
                throw NoWorkspaceLeft(reasons: health.snapshot.compactMapValues(\.failure))
            }
        }
        // Stopped (failed, or every connection ended) while the process goes on: stay in the group until it stops.
        if !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await gracefulShutdown()
        }
    }

    /// Step 1: `auth.test` until Slack answers; records the token as healthy.
    /// - Returns: who the bot is, or `nil` when a graceful shutdown came first.
    private func startSession(logger: Logger) async throws -> SlackWebAPI.AuthTestResult? {
        guard let identity = try await untilSlackAnswers(logger: logger, { try await api.authTest(retryingUnavailable: false) })
        else { return nil }
        health.update(configuration.name) { $0.tokenHealthy = true }
        tokenGauge.record(1)
        var logger = logger
        logger[metadataKey: "slack.team"] = "\(identity.teamID)"
        logger.info("bot token works", metadata: [
            "slack.team_name": "\(identity.team)", "slack.bot_user": "\(identity.userID)", "slack.bot_id": "\(identity.botID ?? "-")",
        ])
        return identity
    }

    /// Step 2: the alert monitor (started once the store takes its channels) and the conversation layer.
    /// - Returns: the running parts, or `nil` when a graceful shutdown came first.
    private func startHandlers(_ identity: SlackWebAPI.AuthTestResult, logger: Logger) async throws -> Started? {
        let configuration = self.configuration
        let name = configuration.name
        var alertSettings = configuration.alerts
        if alertSettings.workspaceURL == nil, let url = identity.url {
            alertSettings.workspaceURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let alerts = AlertChannelMonitor(
            workspace: identity.teamID,
            store: store,
            slack: api,
            own: MessageClassifier.OwnIdentity(botID: identity.botID, userID: identity.userID),
            settings: alertSettings,
            probes: probes,
            logger: logger,
            activity: activity
        )
        guard try await untilStoreWorks(logger: logger, {
            try await alerts.start(environmentChannels: configuration.alertChannels,
                                   configuredChannels: configuration.configuredChannels)
        }) != nil else { return nil }
        var conversationSettings = configuration.conversations
        if conversationSettings.workspaceURL == nil { conversationSettings.workspaceURL = alertSettings.workspaceURL }
        let startedAt = Date()
        let events = DispatchedEventCounter()
        let approvals = ApprovalService(
            workspace: identity.teamID,
            store: store,
            slack: api,
            settings: conversationSettings,
            userGroups: ClosureUserGroupResolver { [api] group in try await api.userGroupMembers(group) },
            probeResults: alerts.probeResults,
            probes: probes,
            logger: logger
        )
        let conversations = ConversationHandlers(
            workspace: identity.teamID,
            store: store,
            slack: api,
            alertMonitor: alerts,
            approvals: approvals,
            own: MessageClassifier.OwnIdentity(botID: identity.botID, userID: identity.userID),
            settings: conversationSettings,
            status: { [health, api] in
                let board = health.snapshot[name] ?? HealthBoard.WorkspaceHealth()
                return VigilStatusReport(
                    liveConnections: board.liveConnections,
                    reconnects: board.reconnects,
                    queuedEnvelopes: events.inProgress,
                    queuedWebAPICalls: await api.queueDepth,
                    tokenHealthy: board.tokenHealthy,
                    startedAt: startedAt,
                    version: VigilVersion.current,
                    problems: Self.statusProblems(board, storeProblem: health.storeProblem,
                                                  lastStoreOutage: health.lastStoreOutage)
                )
            },
            logger: logger
        )
        _ = try? await approvals.expireApprovalsLeftOpenByRestart()
        return Started(identity: identity, alerts: alerts, conversations: conversations, approvals: approvals,
                       events: events, logger: logger)
    }

    /// Step 3: the Socket Mode connections, catch-up whenever one is live again after none was, the token check,
    /// owed investigations, store recovery and approval expiry, side by side until graceful shutdown.
    /// - Throws: what stops the workspace for good (``SocketModeError``, a rejected token).
    private func runConnected(_ started: Started) async throws {
        let name = configuration.name
        let (alerts, conversations, approvals, logger) = (started.alerts, started.conversations, started.approvals,
                                                           started.logger)
        let router = VigilEventRouter(workspace: started.identity.teamID, store: store, alerts: alerts,
                                      conversations: conversations, logger: logger, activity: activity)
        let (regained, regainedContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let wasLive = Mutex(false)
        let socketMode = try SocketModeService(
            configuration: configuration.socketMode,
            transport: transport,
            urlProvider: api,
            handler: router,
            logger: logger,
            metrics: SocketModeMetrics(workspace: name),
            events: started.events,
            statusDidChange: { [health] status in
                health.update(name) {
                    $0.liveConnections = status.liveConnections
                    $0.reconnects = status.reconnects
                }
                health.setWaitingForSlack(name, status.liveConnections > 0 ? nil : status.lastConnectFailure)
                slackReachableGauge.record(status.liveConnections > 0 || status.lastConnectFailure == nil ? 1 : 0)
                let becameLive = wasLive.withLock { live in
                    defer { live = status.liveConnections > 0 }
                    return !live && status.liveConnections > 0
                }
                if becameLive { regainedContinuation.yield() }
            }
        )
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                defer { regainedContinuation.finish() }
                try await socketMode.run()
            }
            group.addTask {
                // Catch up on what was posted while Vigil had no live connection (start, total disconnect).
                for await _ in regained {
                    await alerts.catchUp()
                    await alerts.resumeInterruptedInvestigations()
                    let open = (try? await store.openIncidents(workspace: started.identity.teamID, channel: nil).count) ?? 0
                    health.update(name) { $0.openIncidents = open }
                }
            }
            group.addTask {
                try await checkTokenPeriodically(logger: logger)
            }
            // Approval requests for the probes each posted investigation left waiting.
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await approvals.run(reading: alerts.postedInvestigations)
                }
            }
            // An investigation whose post Slack refused for good while the connections stayed up (Web API
            // outage, repeated 5xx) is tried again every minute, not only after the next reconnect.
            group.addTask {
                await everyInterval({ Self.owedRetryInterval }) { await alerts.resumeInterruptedInvestigations() }
            }
            // A store that refused writes: shown on the board (STATUS=, /metrics, /vigil status) until the posts
            // it left owed are caught up on.
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await reason in alerts.storeFailureReports {
                        health.setStoreProblem(reason)
                        await alerts.recoverOwedPosts()
                        if Task.isCancelled { return }
                        health.setStoreProblem(nil)
                        logger.notice("the store works again")
                    }
                }
            }
            // Approval requests expire even when nobody interacts with them: swept every minute, or more often
            // when requests live shorter (at most a quarter of their lifetime late; a reload may change it).
            group.addTask {
                await everyInterval({
                    let timeout = self.configuration.conversations.approvalTimeout
                    return min(.seconds(60), max(.milliseconds(250), timeout / 4))
                }) {
                    await approvals.expireApprovals(now: Date())
                }
            }
        }
    }

    /// Runs `work` after every `interval()` (read again each time) until graceful shutdown or cancellation.
    private func everyInterval(_ interval: () -> Duration, _ work: () async -> Void) async {
        while !Task.isShuttingDownGracefully {
            let wait = interval()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return
            }
            await work()
        }
    }

    /// Records on the board (and in the log) why the workspace stopped for good.
    private func recordFailure(_ error: any Error, logger: Logger) {
        let name = configuration.name
        switch error {
        case let error as SlackAPIError where error.isFatalAuth:
            let reason = "\(configuration.botTokenSource) was rejected by Slack (\(error.code ?? "invalid_auth")): replace the token"
            health.update(name) { $0.tokenHealthy = false; $0.failure = reason }
            tokenGauge.record(0)
            logger.critical("\(reason); this workspace stops")
        case let error as SocketModeError where error.isFatal:
            health.update(name) { $0.failure = "\(error)" }
            logger.critical("\(error)")
        default:
            health.update(name) { $0.failure = "\(error)" }
            logger.critical("workspace stopped: \(error)")
        }
    }

    private func checkTokenPeriodically(logger: Logger) async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.tokenCheckInterval) }
            } catch {
                return
            }
            do {
                _ = try await api.authTest()
                health.update(configuration.name) { $0.tokenHealthy = true }
                tokenGauge.record(1)
            } catch let error as SlackAPIError where error.isFatalAuth {
                logger.critical("TOKEN REVOKED OR INVALID: auth.test failed (\(error)); this workspace stops until the token is replaced")
                throw error
            } catch {
                logger.warning("token health check could not reach Slack: \(error)")
            }
        }
    }
}
