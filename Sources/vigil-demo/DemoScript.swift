import AlertReading
import Foundation
import Logging
import ServiceLifecycle
import SlackSimulator
import Vigil
import VigilBase
import VigilDaemon
import VigilStorage

/// `vigil-demo`: plays a short scripted day in `#alerts` against the bundled Slack simulator, with the real worker
/// (``VigilApplication``) running in-process, and prints the conversation as it would read in Slack.
///
/// Nothing leaves the machine and no token is needed: the simulator listens on `127.0.0.1:<ephemeral port>` and
/// accepts the demo's obviously fake `xoxb-demo-…`/`xapp-demo-…` tokens. The worker gets a configuration built
/// here — one workspace pointing at the simulator, `#alerts` watched, a runbook rule with one harmless command
/// probe (`/bin/uname -sr`) and one link, a temporary state directory (deleted at the end).
///
/// Every step waits for Vigil's effect with the simulator's event-driven waits (or, for a decision with no visible
/// effect, for the worker's log record); a missing effect ends the demo with a message naming what did not
/// happen, and ``run(output:)`` returns `false`.
struct DemoScript: Sendable {
    /// A step whose expected effect did not appear in time.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let logger: Logger
    /// How long each expected effect may take (an investigation runs a probe first).
    private let effectTimeout: Duration

    /// - Parameters:
    ///   - logger: the process's logger; the worker logs through it at its level (default warning).
    ///   - effectTimeout: how long each step may wait for Vigil's effect.
    init(logger: Logger, effectTimeout: Duration = .seconds(15)) {
        self.logger = logger
        self.effectTimeout = effectTimeout
    }

    /// Plays the day.
    /// - Parameter output: receives the transcript, one line per call.
    /// - Returns: `true` when every expected effect appeared.
    /// - Throws: when the simulator or the state directory cannot be set up.
    func run(output: @escaping @Sendable (String) -> Void) async throws -> Bool {
        let started = ContinuousClock.now
        let stateDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-demo-\(UUID().uuidString.prefix(8).lowercased())").path
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }

        var simulatorConfiguration = SlackSimulator.Configuration()
        simulatorConfiguration.botTokenPrefix = "xoxb-demo-"
        simulatorConfiguration.appTokenPrefix = "xapp-demo-"
        // Vigil paces its own posts (one per second per channel); the demo does not need Slack's 429s on top.
        simulatorConfiguration.channelPostRateLimit = nil
        let simulator = try await SlackSimulator.start(configuration: simulatorConfiguration)

        let configuration = Self.workerConfiguration(apiURL: simulator.apiBaseURL, stateDirectory: stateDirectory)
        let activity = WorkerActivityLog()
        let health = HealthBoard()
        let worker = DemoWorker(
            application: VigilApplication(configuration: configuration, environment: [:], logger: logger,
                                          activity: activity),
            health: health
        )
        var quiet = Logger(label: "vigil.demo") { _ in SwiftLogNoOpLogHandler() }
        quiet.logLevel = .critical
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: worker)], gracefulShutdownSignals: [], logger: quiet))

        output("Vigil demo: a scripted day in #alerts, played against the bundled Slack simulator (no tokens, no network).")
        output("  Slack (simulated): \(simulator.apiBaseURL) · workspace \"\(simulatorConfiguration.teamName)\" · bot @\(simulatorConfiguration.botUserName)")
        output("  Vigil (in-process): watching #alerts · runbook rule \"db and web hosts\" (check `/bin/uname -sr`, one runbook link)")
        output("  · runbook rule \"api restarts\" (a `restart-api` step that needs approval; bob is the approver)")
        output("  flapping threshold lowered to 2 flips per hour for the demo · state in \(stateDirectory) (deleted at the end)")
        output("")

        let play = DemoPlay(simulator: simulator, activity: activity, timeout: effectTimeout, output: output)
        var failure: String?
        var summary: DemoPlay.Summary?
        do {
            summary = try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                defer { tasks.cancelAll() }
                do {
                    let result = try await play.run()
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                    return result
                } catch {
                    await group.triggerGracefulShutdown()
                    try? await tasks.waitForAll()
                    throw error
                }
            }
        } catch let error as Failure {
            failure = error.description
        } catch let error as SlackSimulatorError {
            failure = "the simulator refused a step: \(error)"
        } catch {
            failure = "the worker stopped: \(error)"
        }
        await simulator.shutdown()

        if let failure {
            output("")
            output("DEMO FAILED: \(failure)")
            let problems = health.snapshot.compactMapValues(\.failure)
            for (workspace, problem) in problems.sorted(by: { $0.key < $1.key }) {
                output("  worker problem in workspace \(workspace): \(problem)")
            }
            output("  (run `vigil-demo --log-level info` (`swift run vigil-demo --log-level info`) to see what the worker did)")
            return false
        }
        guard let summary else { return false }
        let open = try await Self.openIncidents(stateDirectory: stateDirectory, workspace: simulatorConfiguration.teamID)
        let elapsed = ContinuousClock.now - started
        output("")
        output(summary.paragraph(openIncidents: open.count,
                                 acknowledged: open.filter { $0.status == .acknowledged }.count,
                                 seconds: Double(elapsed.components.seconds)
                                    + Double(elapsed.components.attoseconds) / 1e18))
        return true
    }

    /// The worker's configuration: one workspace on the simulator, `#alerts` watched, a runbook rule with one
    /// command probe and one link, and permissions that let the demo user act.
    static func workerConfiguration(apiURL: String, stateDirectory: String) -> DaemonConfiguration {
        DaemonConfiguration(
            logLevel: .warning,
            stateDirectory: stateDirectory,
            connections: 2,
            workspaces: [
                WorkspaceConfiguration(
                    name: "demo",
                    appToken: SecretValue("xapp-demo-1-A0SIMAPP-0000-demo"),
                    botToken: SecretValue("xoxb-demo-0000-0000-demo"),
                    appTokenSource: "vigil-demo",
                    botTokenSource: "vigil-demo",
                    apiURL: apiURL,
                    alertChannels: [DemoPlay.alerts],
                    permissions: PermissionsConfiguration(
                        ack: .everyone, resolve: .everyone, silence: .everyone,
                        watch: Audience(userIDs: [DemoPlay.alice]), approve: Audience(userIDs: [DemoPlay.bob])
                    ),
                    approvers: [DemoPlay.bob]
                )
            ],
            limits: LimitsConfiguration(flappingThreshold: 2),
            runbooks: [
                RunbookRuleConfiguration(
                    name: "db and web hosts",
                    match: RunbookRuleConfiguration.Match(sources: [.alertmanager, .grafana, .zabbix]),
                    links: [.init(label: "Runbook", urlTemplate: "https://runbooks.example/alerts/{{name}}")],
                    probes: [
                        ProbeConfiguration(
                            name: "kernel", action: .command(executable: "/bin/uname", arguments: ["-sr"]),
                            timeout: .seconds(5))
                    ]
                ),
                RunbookRuleConfiguration(
                    name: "api restarts",
                    match: RunbookRuleConfiguration.Match(sources: [.cloudwatch]),
                    probes: [
                        ProbeConfiguration(
                            name: "restart-api",
                            action: .command(
                                executable: "/bin/echo",
                                arguments: ["deployment api restarted (demo: nothing was touched)"]),
                            timeout: .seconds(5), requiresApproval: true)
                    ]
                ),
            ]
        )
    }

    /// The incidents still open after the worker stopped, read back from its state directory.
    private static func openIncidents(stateDirectory: String, workspace: String) async throws -> [Incident] {
        var quiet = Logger(label: "vigil.demo") { _ in SwiftLogNoOpLogHandler() }
        quiet.logLevel = .critical
        let store = try await SQLiteVigilStore(directory: stateDirectory, logger: quiet)
        return try await store.openIncidents(workspace: workspace, channel: nil)
    }
}

/// The worker as a service of the demo's own group, so the demo can stop it gracefully (the group's graceful
/// shutdown reaches ``VigilApplication``'s group).
private struct DemoWorker: Service {
    let application: VigilApplication
    let health: HealthBoard

    func run() async throws {
        _ = try await application.run(signals: [], health: health)
    }
}
