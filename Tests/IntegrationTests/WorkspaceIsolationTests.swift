import Foundation
import Logging
import ServiceLifecycle
import SlackSimulator
import Synchronization
import Testing
import VigilBase
import VigilDaemon

/// Several workspaces in one process: a workspace whose token is rejected, or revoked while running, stops alone;
/// the process exits 78 only when none is left.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WorkspaceIsolationTests {
    private final class OutcomeBox: Sendable {
        let value = Mutex<VigilApplication.Outcome?>(nil)
    }

    private struct Worker: Service {
        let application: VigilApplication
        let health: HealthBoard
        let outcome: OutcomeBox

        func run() async throws {
            let result = try await application.run(signals: [], health: health)
            outcome.value.withLock { $0 = result }
        }
    }

    private func workspace(_ name: String, _ simulator: SlackSimulator, bot: String) -> WorkspaceConfiguration {
        WorkspaceConfiguration(name: name, appToken: SecretValue("xapp-test-\(name)"), botToken: SecretValue(bot),
                               botTokenSource: "credential \(name)-slack-bot-token", apiURL: simulator.apiBaseURL,
                               alertChannels: ["C0SIMALERTS"])
    }

    @Test func aRevokedWorkspaceDoesNotStopTheOthers() async throws {
        var revokedConfiguration = SlackSimulator.Configuration()
        revokedConfiguration.teamID = "T0REVOKED"
        revokedConfiguration.revokedTokens = ["xoxb-test-beta"]
        let healthy = try await SlackSimulator.start()
        let revoked = try await SlackSimulator.start(configuration: revokedConfiguration)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ws-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let configuration = DaemonConfiguration(stateDirectory: state, workspaces: [
            workspace("alpha", healthy, bot: "xoxb-test-alpha"), workspace("beta", revoked, bot: "xoxb-test-beta"),
        ])
        let health = HealthBoard()
        let outcome = OutcomeBox()
        let application = VigilApplication(configuration: configuration, environment: [:], logger: SocketModeHarness.quietLogger,
                                           tokenCheckInterval: .milliseconds(300))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: Worker(application: application, health: health, outcome: outcome),
                             successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [], logger: SocketModeHarness.quietLogger))
        let runner = Task { try await group.run() }

        // alpha works: live connections and an alert answered in its thread.
        _ = try await healthy.waitForLiveConnections(count: 2, timeout: .seconds(20))
        let alert = try healthy.postAsBot(channel: "C0SIMALERTS", text: "[FIRING:1] IsolationCheck (node-exporter critical)")
        try await waitUntil(timeout: .seconds(15)) {
            ((try? healthy.threadReplies(channel: "C0SIMALERTS", threadTS: alert)) ?? []).contains { $0.user == "U0SIMBOT" }
        }
        // beta stopped alone, with the reason naming its credential and no token.
        try await waitUntil { health.snapshot["beta"]?.failure != nil }
        let failure = try #require(health.snapshot["beta"]?.failure)
        #expect(failure.contains("credential beta-slack-bot-token"))
        #expect(!failure.contains("xoxb-test-beta"))
        #expect(revoked.liveConnections().isEmpty)
        #expect(health.snapshot["alpha"]?.isWorking == true)
        #expect(health.statusLine.contains("not working: beta"))

        // Token health: alpha's token is revoked while running → the periodic auth.test notices, and with no
        // workspace left the application ends with noWorkspaceLeft (the executable exits 78).
        healthy.revokeToken("xoxb-test-alpha")
        try await waitUntil(timeout: .seconds(20)) { outcome.value.withLock { $0 } != nil }
        #expect(health.snapshot["alpha"]?.tokenHealthy == false)
        guard case .noWorkspaceLeft(let reason)? = outcome.value.withLock({ $0 }) else {
            Issue.record("expected noWorkspaceLeft, got \(String(describing: outcome.value.withLock { $0 }))")
            return
        }
        #expect(reason.contains("alpha") && reason.contains("beta"))
        await group.triggerGracefulShutdown()
        try await runner.value
        await healthy.shutdown()
        await revoked.shutdown()
    }
}
