import Foundation
import Logging
import SlackSimulator
import Testing
import CurlHTTP
import SlackWebClient
import VigilBase
import VigilDaemon

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

    @Test func servesMetricsOnTheAddressFromTheEnvironment() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        let port = try LoopbackSocket.freePort()
        var environment = environment(simulator, stateDirectory: state)
        environment["VIGIL_METRICS_LISTEN"] = "127.0.0.1:\(port)"
        let vigil = try VigilProcess(arguments: ["run"], environment: environment)
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
        for index in 0..<5 {
            try simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(index))
        }
        _ = try await simulator.waitForAcknowledgedEnvelopes(count: 5, timeout: .seconds(15))

        let curl = try CurlMultiDriver(logger: SocketModeHarness.quietLogger)
        // Vigil records the gauge when it reads `hello`, a moment after the simulator counts the connection live.
        var exposition = MetricsExposition("")
        let deadline = ContinuousClock.now + .seconds(15)
        repeat {
            let response = try await curl.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics"))
            #expect(response.status == 200)
            #expect(response[header: "content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            exposition = MetricsExposition(String(decoding: response.body, as: UTF8.self))
            if exposition.value(#"vigil_socket_connections_live{workspace="default"}"#) == 2,
                exposition.value(#"vigil_envelopes_acked_total{workspace="default"}"#) == 5
            {
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        #expect(exposition.value(#"vigil_envelopes_received_total{workspace="default"}"#) == 5, "\(exposition.text)")
        #expect(exposition.value(#"vigil_envelopes_acked_total{workspace="default"}"#) == 5)
        #expect(exposition.value(#"vigil_socket_connections_live{workspace="default"}"#) == 2)
        #expect(exposition.text.contains("# TYPE vigil_ack_latency_seconds histogram"))
        #expect(exposition.value(#"vigil_ack_latency_seconds_count{workspace="default"}"#) == 5)
        #expect(!exposition.text.contains("xoxb-test-process") && !exposition.text.contains("xapp-test-process"))
        await curl.shutdown()

        kill(vigil.process.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2_000))")
        #expect(result.stderr.contains("serving metrics"))
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test func aMetricsPortInUseStopsTheStartNamingTheAddress() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        let taken = try LoopbackSocket(listening: true)
        defer { taken.close() }
        var environment = environment(simulator, stateDirectory: state)
        environment["VIGIL_METRICS_LISTEN"] = "127.0.0.1:\(taken.port)"
        let vigil = try VigilProcess(arguments: ["run"], environment: environment)
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(taken.port): Address already in use"),
                "stderr: \(result.stderr.suffix(2_000))")
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test func sighupReloadsTheConfigurationWithoutDroppingAConnection() async throws {
        var simulatorConfiguration = SlackSimulator.Configuration()
        simulatorConfiguration.channels.append(SimulatedChannel(id: "C0SIMINFRA", name: "infra"))
        let simulator = try await SlackSimulator.start(configuration: simulatorConfiguration)
        let state = try temporaryDirectory()
        let configPath = state + "/vigil.yaml"
        func writeConfiguration(_ text: String) throws {
            try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        func configuration(channels: [String], logLevel: String, connections: Int = 2) -> String {
            """
            log_level: \(logLevel)
            connections: \(connections)
            workspaces:
              - name: test
                alert_channels: [\(channels.joined(separator: ", "))]
            """
        }
        try writeConfiguration(configuration(channels: ["C0SIMALERTS"], logLevel: "info"))
        var environment = environment(simulator, stateDirectory: state)
        environment["VIGIL_ALERT_CHANNELS"] = nil
        environment["VIGIL_LOG_LEVEL"] = nil
        let vigil = try VigilProcess(arguments: ["run", "--config", configPath], environment: environment)
        let live = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
        try await vigil.waitForErrorOutput(containing: "watching alert channels")

        // A broken file is refused as a whole; the worker keeps running on the old configuration.
        try writeConfiguration(configuration(channels: ["C0SIMALERTS"], logLevel: "loud"))
        kill(vigil.processIdentifier, SIGHUP)
        try await vigil.waitForErrorOutput(containing: "configuration reload rejected")
        #expect(vigil.errorOutput.contains("log_level"), "the error names the key")

        // A good one: #ops is watched from now on, the log level is debug, and the connection count waits for a restart.
        try writeConfiguration(configuration(channels: ["C0SIMALERTS", "C0SIMINFRA"], logLevel: "debug", connections: 3))
        kill(vigil.processIdentifier, SIGHUP)
        try await vigil.waitForErrorOutput(containing: "configuration reloaded")
        #expect(vigil.errorOutput.contains("only take effect after a restart (systemctl restart vigil): connections"))
        #expect(vigil.errorOutput.contains("now watching C0SIMINFRA"))
        let alert = try simulator.postAsBot(channel: "C0SIMINFRA", fieldsJSON: TestAlerts.alertmanager("OpsDiskFull"))
        try await simulator.waitForCalls(method: "chat.postMessage", count: 1, timeout: .seconds(15))
        let reply = try #require(try simulator.threadReplies(channel: "C0SIMINFRA", threadTS: alert).first)
        #expect(reply.text?.contains("OpsDiskFull") == true || reply.jsonText.contains("OpsDiskFull"))
        // No connection was dropped or added by the reload.
        #expect(Set(simulator.liveConnections().map(\.id)) == Set(live.map(\.id)))

        kill(vigil.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2_000))")
        let afterReload = result.stderr.components(separatedBy: "configuration reloaded").last ?? ""
        #expect(afterReload.contains("<7>"), "debug records appear once the reload set log_level: debug")
        #expect(!result.stderr.contains("xoxb-test-process") && !result.stderr.contains("xapp-test-process"))
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    /// The system trust store is a hashed certificate directory (`SSL_CERT_DIR` overrides the default one), read by
    /// both the WebSocket client and the Web API client; with a private CA only there, `vigil run` connects over
    /// wss and answers an alert over https, and `vigil check` without it fails on the certificate.
    @Test func trustsTheCertificateDirectoryForBothClients() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try await TestCertificateAuthority.make(in: directory)
        let trusted = directory + "/trusted"
        try FileManager.default.createDirectory(atPath: trusted, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: authority.caPEMPath, toPath: trusted + "/vigil-test-ca.pem")
        let rehash = Process()
        rehash.executableURL = URL(fileURLWithPath: TestCertificateAuthority.opensslPath)
        rehash.arguments = ["rehash", trusted]
        try rehash.run()
        rehash.waitUntilExit()
        try #require(rehash.terminationStatus == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: trusted).contains { $0.hasSuffix(".0") })

        var configuration = SlackSimulator.Configuration()
        configuration.tls = .init(certificateChainPEMPath: authority.certPEMPath, privateKeyPEMPath: authority.keyPEMPath)
        configuration.grantedScopes = WorkspaceCheck.requiredScopes.joined(separator: ",")
        let simulator = try await SlackSimulator.start(configuration: configuration)
        #expect(simulator.apiBaseURL.hasPrefix("https://"))
        let state = try temporaryDirectory()

        let untrusted = try VigilProcess(arguments: ["check"], environment: environment(simulator, stateDirectory: state))
        let refused = try await untrusted.finish(within: .seconds(30))
        #expect(refused.status != 0, "the test CA is not in the system store: \(refused.stdout)")
        #expect(refused.stdout.lowercased().contains("certificate"), "\(refused.stdout)")

        var trustingEnvironment = environment(simulator, stateDirectory: state)
        trustingEnvironment["SSL_CERT_DIR"] = trusted
        let vigil = try VigilProcess(arguments: ["run"], environment: trustingEnvironment)
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
        let alert = try simulator.postAsBot(channel: "C0SIMALERTS", fieldsJSON: TestAlerts.alertmanager("TrustDirectoryCheck"))
        try await simulator.waitForCalls(method: "chat.postMessage", count: 1, timeout: .seconds(15))
        #expect(try simulator.threadReplies(channel: "C0SIMALERTS", threadTS: alert).count == 1)
        kill(vigil.process.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2_000))")
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
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 6, "\(result.stdout)")
        #expect(lines[0] == "workspace default:")
        #expect(lines[1].hasPrefix("  ✔ bot token: workspace Vigil Simulated (T0SIMTEAM)"))
        #expect(lines[2].hasPrefix("  ✔ scopes"))
        #expect(lines[3] == "  ✔ alert channel C0SIMALERTS: the bot is a member of #alerts (C0SIMALERTS)")
        #expect(lines[4].hasPrefix("  ✔ app token / Socket Mode"))
        #expect(lines[5] == "  all checks passed")
        #expect(!result.stdout.contains("xoxb-test") && !result.stdout.contains("xapp-test"))
        await simulator.shutdown()
    }

    /// Every alert channel is looked up with `conversations.info`: a public channel the bot is not in and a private
    /// one it cannot see both fail the check, each line saying how to invite the bot.
    @Test func checkNamesAlertChannelsTheBotIsNotIn() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        var environment = environment(simulator, stateDirectory: state)
        environment["VIGIL_ALERT_CHANNELS"] = "C0SIMALERTS,C0SIMRANDOM,G0SIMSECRET"
        let vigil = try VigilProcess(arguments: ["check"], environment: environment)
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("alert channel") } == [
            "  ✔ alert channel C0SIMALERTS: the bot is a member of #alerts (C0SIMALERTS)",
            "  ✘ alert channel C0SIMRANDOM: the bot is not a member of #random (C0SIMRANDOM), so it sees none of its "
                + "alerts; type /invite @vigil in #random (C0SIMRANDOM)",
            "  ✘ alert channel G0SIMSECRET: Slack finds no channel G0SIMSECRET the bot can see: check the ID (channel "
                + "details → bottom of the About tab); if it is a private channel, type /invite @vigil in it",
        ])
        #expect(lines.last == "  some checks failed")
        #expect(simulator.calls(method: "conversations.info").count == 3)
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    /// `vigil check` writes each step when it finishes: with `apps.connections.open` never answered, the lines of
    /// the steps before it are already in stdout while the process still waits.
    @Test func checkPrintsEachStepAsItGoes() async throws {
        let simulator = try await SlackSimulator.start()
        simulator.injectFault(.hang, method: "apps.connections.open")
        let state = try temporaryDirectory()
        let vigil = try VigilProcess(arguments: ["check"], environment: environment(simulator, stateDirectory: state))
        try await vigil.waitForStandardOutput(containing: "✔ alert channel C0SIMALERTS", timeout: .seconds(30))
        #expect(vigil.process.isRunning, "still waiting for apps.connections.open")
        #expect(vigil.standardOutput.contains("✔ bot token") && vigil.standardOutput.contains("✔ scopes"))
        #expect(!vigil.standardOutput.contains("app token / Socket Mode"))
        kill(vigil.processIdentifier, SIGKILL)
        _ = try await vigil.finish(within: .seconds(10))
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test func versionFlagPrintsTheVersionAndExitsZero() async throws {
        let vigil = try VigilProcess(arguments: ["--version"], environment: [:])
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == VigilVersion.current + "\n")
        #expect(result.stderr.isEmpty)
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
