import Vigil
import Logging
import CurlHTTP
import SlackWebClient

/// `vigil check` for every configured workspace, over the real libcurl driver.
public struct WorkspaceCheckCommand: Sendable {
    private let configuration: DaemonConfiguration
    private let logger: Logger

    /// - Parameters:
    ///   - configuration: The workspaces to check, with their tokens, alert channels and CA settings.
    ///   - logger: Receives the libcurl driver's and Web API client's logs.
    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Checks every workspace in turn, giving each line of its report to `output` as soon as the step finishes (see
    /// ``WorkspaceCheck/run(progress:)``).
    /// - Parameter output: Receives one line at a time; it should write the line out at once (unbuffered).
    /// - Returns: Whether every check of every workspace passed.
    /// - Throws: When the libcurl driver cannot be started.
    public func run(output: (String) -> Void) async throws -> Bool {
        let curl = try CurlMultiDriver(
            configuration: CurlMultiDriver.Configuration(extraCABundlePath: configuration.caFile), logger: logger)
        var allPassed = true
        for workspace in configuration.workspaces {
            let api = SlackWebAPI(
                baseURL: workspace.apiURL,
                botToken: SlackToken(workspace.botToken.reveal()),
                appToken: SlackToken(workspace.appToken.reveal()),
                transport: curl,
                configuration: SlackWebAPI.Configuration(maximumServerErrorRetries: 1),
                logger: logger
            )
            let report = await WorkspaceCheck(
                name: workspace.name, api: api, readsUserGroups: workspace.permissions.namesUserGroups,
                alertChannels: workspace.alertChannels
            ).run(progress: output)
            allPassed = allPassed && report.allPassed
        }
        await curl.shutdown()
        return allPassed
    }
}
