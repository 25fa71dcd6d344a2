import ArgumentParser
import Logging
import VigilDaemon

/// `vigil-demo` (`make demo`): plays a scripted day in an alert channel against the bundled Slack simulator, with the
/// real worker running in-process. It is an executable of its own so that the production `vigil` binary never links
/// the simulator (SwiftNIO, NIOSSL).
@main
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-demo",
        abstract: "Play a scripted day in an alert channel against the bundled Slack simulator (no tokens needed).",
        version: VigilVersion.current)

    @Option(name: .long, help: "Log level of the worker during the demo.")
    var logLevel: String = "warning"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        let levelSwitch = LogLevelSwitch(level)
        LoggingSystem.bootstrap { label in JournaldLogHandler(label: label, levelSwitch: levelSwitch) }
        let succeeded = try await DemoScript(logger: Logger(label: "vigil")).run { line in print(line) }
        if !succeeded { throw ExitCode.failure }
    }
}
