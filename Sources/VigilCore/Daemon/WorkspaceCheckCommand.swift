import Logging

/// `vigil check` for every configured workspace, over the real libcurl driver.
public struct WorkspaceCheckCommand: Sendable {
    private let configuration: DaemonConfiguration
    private let logger: Logger

    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Prints each workspace's report through `output`; returns whether everything passed.
    public func run(output: @Sendable (String) -> Void) async throws -> Bool {
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
                name: workspace.name, api: api, readsUserGroups: workspace.permissions.namesUserGroups
            ).run()
            output(report.rendered)
            allPassed = allPassed && report.allPassed
        }
        await curl.shutdown()
        return allPassed
    }
}
