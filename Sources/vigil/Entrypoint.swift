import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import VigilDaemon

/// `vigil` — the Slack worker for operations teams. The entry caps the allocator's arenas (``MallocArenas``)
/// before any thread starts, then parses the command line.
@main
enum VigilMain {
    static func main() async {
        MallocArenas.limit()
        await VigilCommand.main(nil)
    }
}

/// The command line: `vigil run` (the default) and `vigil check` (the demo is its own executable, `vigil-demo`, so the
/// worker never links the simulator); `vigil --version` prints
/// ``VigilVersion/current``.
struct VigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "A self-hosted Slack worker that investigates alerts in their threads.",
        version: VigilVersion.current,
        subcommands: [Run.self, Check.self],
        defaultSubcommand: Run.self
    )
}

/// Exit codes operators and systemd rely on.
enum ExitStatus {
    /// Bad configuration, rejected token, missing scope, Socket Mode disabled, another instance on the state folder, a
    /// corrupt, newer or unwritable store: a restart cannot fix it (`RestartPreventExitStatus=78`).
    static let configuration: Int32 = 78
}

/// Options shared by the commands that read the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default /etc/vigil/vigil.yaml; a missing default file is fine).")
    var config: String?
}

/// Bootstraps swift-log once, in the executable: journald-friendly lines on stderr, at a level every logger shares
/// (a configuration reload changes it through the returned switch).
func bootstrapLogging(level: Logger.Level) -> (Logger, LogLevelSwitch) {
    let levelSwitch = LogLevelSwitch(level)
    LoggingSystem.bootstrap { label in JournaldLogHandler(label: label, levelSwitch: levelSwitch) }
    return (Logger(label: "vigil"), levelSwitch)
}

/// Bootstraps swift-metrics once, in the executable, when the metrics endpoint is configured: every metric then
/// records into the returned registry, which the metrics page renders. Without `metrics.listen` nothing is
/// bootstrapped (metrics go to swift-metrics' no-op backend) and `nil` is returned.
func bootstrapMetrics(_ configuration: DaemonConfiguration) -> PrometheusCollectorRegistry? {
    guard configuration.metrics != nil else { return nil }
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(MetricsPage.factory(registry: registry))
    return registry
}

/// Loads the configuration or exits 78 with every problem listed (never a token).
func loadConfiguration(_ options: ConfigOptions, environment: [String: String]) async -> DaemonConfiguration {
    do {
        return try await DaemonConfiguration.load(configPath: options.config, environment: environment)
    } catch {
        FileHandle.standardError.write(Data("vigil: configuration error\n\(error.description)\n".utf8))
        Foundation.exit(ExitStatus.configuration)
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the worker (the default).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = await loadConfiguration(options, environment: environment)
        let (logger, levelSwitch) = bootstrapLogging(level: configuration.logLevel)
        let metricsRegistry = bootstrapMetrics(configuration)
        let configPath = options.config
        logger.info("starting", metadata: [
            "vigil.workspaces": "\(configuration.workspaces.count)", "vigil.state_dir": "\(configuration.stateDirectory)",
        ])
        do {
            let application = VigilApplication(
                configuration: configuration, environment: environment, logger: logger, metricsRegistry: metricsRegistry,
                reloadConfiguration: {
                    try await DaemonConfiguration.load(configPath: configPath, environment: environment)
                },
                logLevelSwitch: levelSwitch)
            switch try await application.run() {
            case .stopped:
                logger.info("stopped")
            case .noWorkspaceLeft(let reason), .cannotStart(let reason):
                logger.critical("\(reason)")
                FileHandle.standardError.write(Data("vigil: \(reason)\n".utf8))
                throw ExitCode(ExitStatus.configuration)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            logger.critical("stopped on an error: \(error)")
            throw ExitCode.failure
        }
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the tokens, granted scopes, alert-channel membership and Socket Mode access; exit 0 only when everything works.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = await loadConfiguration(options, environment: environment)
        let (logger, _) = bootstrapLogging(level: .warning)
        // Each step's line is written as soon as it is known (FileHandle is unbuffered, unlike print into a pipe
        // or file), so a slow or hanging check shows how far it got.
        let allPassed = try await WorkspaceCheckCommand(configuration: configuration, logger: logger).run { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        if !allPassed { throw ExitCode.failure }
    }
}
