import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP (`systemctl reload vigil`) without dropping a connection.
///
/// The file and the credentials are read and validated again. A configuration with errors is rejected as a whole:
/// every error is logged (with its key, never a token) and the running configuration stays in force. A valid one
/// is compared with the running one (``ConfigurationChanges``): what can change in place is applied (log level,
/// watched channels, permissions, approvers, runbook rules, alert tuning); what needs a restart is named in a
/// warning and keeps its old value until then. systemd is told `RELOADING=1` and then `READY=1`.
public actor ConfigurationReloader: Service {
    /// How one reload ended.
    public enum Outcome: Sendable, Equatable {
        /// The new configuration was valid; these were its changes.
        case reloaded(ConfigurationChanges)
        /// The new configuration was refused; the running one stays. The text lists the problems.
        case rejected(String)
    }

    private var running: DaemonConfiguration
    private let load: @Sendable () async throws -> DaemonConfiguration
    private let workspaces: [WorkspaceService]
    private let tokenCheckInterval: Duration
    private let logLevelSwitch: LogLevelSwitch?
    private let notifier: SystemdNotifier
    private let logger: Logger

    /// - Parameters:
    ///   - running: The configuration the process started with.
    ///   - load: Reads and validates the configuration again (the same file, environment and credentials).
    ///   - workspaces: The running workspaces, matched to the configuration by name.
    ///   - tokenCheckInterval: Kept for the workspaces.
    ///   - logLevelSwitch: The root logger's level, set from `log_level`.
    ///   - notifier: Tells systemd about the reload.
    ///   - logger: For the outcome.
    public init(
        running: DaemonConfiguration,
        load: @escaping @Sendable () async throws -> DaemonConfiguration,
        workspaces: [WorkspaceService],
        tokenCheckInterval: Duration,
        logLevelSwitch: LogLevelSwitch?,
        notifier: SystemdNotifier,
        logger: Logger
    ) {
        self.running = running
        self.load = load
        self.workspaces = workspaces
        self.tokenCheckInterval = tokenCheckInterval
        self.logLevelSwitch = logLevelSwitch
        self.notifier = notifier
        self.logger = logger
    }

    /// Reloads on every SIGHUP until graceful shutdown.
    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// Reads the configuration again and applies it (what SIGHUP does).
    @discardableResult
    public func reload() async -> Outcome {
        // MONOTONIC_USEC is only required by Type=notify-reload (systemd 253+); the unit uses ExecReload with kill.
        notifier.notify("RELOADING=1")
        defer { notifier.notify("READY=1") }
        logger.notice("reloading the configuration (SIGHUP)")
        let new: DaemonConfiguration
        do {
            new = try await load()
        } catch {
            logger.error("configuration reload rejected; the running configuration stays in force:\n\(error)")
            return .rejected("\(error)")
        }
        let changes = ConfigurationChanges(from: running, to: new)
        if new.logLevel != running.logLevel { logLevelSwitch?.level = new.logLevel }
        var applied = new
        // What needs a restart keeps its running value, so the next reload still reports it.
        applied.stateDirectory = running.stateDirectory
        applied.caFile = running.caFile
        applied.metrics = running.metrics
        applied.connections = running.connections
        applied.limits.handlerConcurrency = running.limits.handlerConcurrency
        applied.limits.probeConcurrency = running.limits.probeConcurrency
        applied.limits.historyRetention = running.limits.historyRetention
        if new.workspaces.map(\.name) == running.workspaces.map(\.name) {
            for (index, workspace) in new.workspaces.enumerated() {
                var kept = workspace
                kept.appToken = running.workspaces[index].appToken
                kept.botToken = running.workspaces[index].botToken
                kept.apiURL = running.workspaces[index].apiURL
                applied.workspaces[index] = kept
                guard let service = workspaces.first(where: { $0.name == workspace.name }) else { continue }
                do {
                    let lines = try await service.reload(
                        VigilApplication.workspaceConfiguration(kept, in: applied, tokenCheckInterval: tokenCheckInterval))
                    for line in lines {
                        logger.notice("\(line)", metadata: ["slack.workspace": "\(workspace.name)"])
                    }
                } catch {
                    logger.error(
                        "could not apply the reloaded alert channels: \(error)",
                        metadata: ["slack.workspace": "\(workspace.name)"])
                }
            }
        } else {
            applied.workspaces = running.workspaces
        }
        running = applied
        if changes.isEmpty {
            logger.notice("configuration reloaded: nothing changed")
        } else {
            logger.notice(
                "configuration reloaded",
                metadata: [
                    "vigil.applied": "\(changes.applied.isEmpty ? "-" : changes.applied.joined(separator: ","))",
                    "vigil.needs_restart": "\(changes.needRestart.isEmpty ? "-" : changes.needRestart.joined(separator: ","))",
                ])
        }
        if !changes.needRestart.isEmpty {
            logger.warning(
                "these settings changed but only take effect after a restart (systemctl restart vigil): \(changes.needRestart.joined(separator: ", "))")
        }
        return .reloaded(changes)
    }
}
