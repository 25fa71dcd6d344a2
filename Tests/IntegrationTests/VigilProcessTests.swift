import Foundation
import SlackSimulator
import Testing
import VigilCore

/// The executable's outside contract: exit codes, signals, `vigil check`, and no token in any output.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct VigilProcessTests {
    private func environment(_ simulator: SlackSimulator, bot: String = "xoxb-test-process", app: String = "xapp-test-process",
                             stateDirectory: String) -> [String: String] {
        [
            "SLACK_APP_TOKEN": app, "SLACK_BOT_TOKEN": bot, "SLACK_API_URL": simulator.apiBaseURL,
            "VIGIL_STATE_DIR": stateDirectory, "VIGIL_ALERT_CHANNELS": "C0SIMALERTS", "VIGIL_LOG_LEVEL": "info",
        ]
    }

    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-process-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func sigtermClosesTheWebSocketsAndExitsZero() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        let vigil = try VigilProcess(arguments: ["run"], environment: environment(simulator, stateDirectory: state))
        let live = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
        let stopAsked = ContinuousClock.now
        kill(vigil.process.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2_000))")
        #expect(ContinuousClock.now - stopAsked < .seconds(5), "exits within 5 s")
        for connection in live {
            let closed = try await simulator.waitForClose(connection: connection.id, timeout: .seconds(5))
            #expect(closed.clientCloseCode == 1000, "closed with a close frame")
        }
        #expect(!result.stderr.contains("xoxb-test-process") && !result.stderr.contains("xapp-test-process"))
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test func aRejectedBotTokenExits78NamingTheVariable() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.revokedTokens = ["xoxb-test-revoked-process"]
        let simulator = try await SlackSimulator.start(configuration: configuration)
        let state = try temporaryDirectory()
        let vigil = try VigilProcess(arguments: ["run"],
                                     environment: environment(simulator, bot: "xoxb-test-revoked-process", stateDirectory: state))
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 78)
        let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.contains("SLACK_BOT_TOKEN"), "one-line error naming the variable: \(lastLine)")
        #expect(!result.stderr.contains("xoxb-test-revoked-process"), "never print a token")
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test func aMalformedTokenIsAConfigurationErrorExit78() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        let vigil = try VigilProcess(arguments: ["run"],
                                     environment: environment(simulator, bot: "not-a-token", stateDirectory: state))
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 78)
        #expect(result.stderr.contains("SLACK_BOT_TOKEN"))
        #expect(!result.stderr.contains("not-a-token"))
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test func checkReportsAWorkingSetup() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.grantedScopes = WorkspaceCheck.requiredScopes.joined(separator: ",")
        let simulator = try await SlackSimulator.start(configuration: configuration)
        let state = try temporaryDirectory()
        let vigil = try VigilProcess(arguments: ["check"], environment: environment(simulator, stateDirectory: state))
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("✔ bot token: workspace Vigil Simulated (T0SIMTEAM)"))
        #expect(result.stdout.contains("✔ scopes"))
        #expect(result.stdout.contains("✔ app token / Socket Mode"))
        #expect(!result.stdout.contains("xoxb-test") && !result.stdout.contains("xapp-test"))
        await simulator.shutdown()
    }

    @Test func checkReportsABadToken() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.revokedTokens = ["xoxb-test-revoked-check"]
        let simulator = try await SlackSimulator.start(configuration: configuration)
        let state = try temporaryDirectory()
        let vigil = try VigilProcess(arguments: ["check"],
                                     environment: environment(simulator, bot: "xoxb-test-revoked-check", stateDirectory: state))
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status != 0)
        #expect(result.stdout.contains("✘ bot token: auth.test failed: token_revoked"))
        #expect(result.stdout.contains("✔ app token / Socket Mode"))
        #expect(!result.stdout.contains("xoxb-test-revoked-check"))
        await simulator.shutdown()
    }

    @Test func checkNamesMissingScopes() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.grantedScopes = WorkspaceCheck.requiredScopes.filter { $0 != "reactions:write" && $0 != "im:write" }.joined(separator: ",")
        let simulator = try await SlackSimulator.start(configuration: configuration)
        let state = try temporaryDirectory()
        let vigil = try VigilProcess(arguments: ["check"], environment: environment(simulator, stateDirectory: state))
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status != 0)
        #expect(result.stdout.contains("✘ scopes: missing im:write, reactions:write"))
        await simulator.shutdown()
    }
}
