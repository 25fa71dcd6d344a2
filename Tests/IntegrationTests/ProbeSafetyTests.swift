import Foundation
import SlackSimulator
import Testing
import AlertInvestigation
import AlertReading
import CurlHTTP

/// Issue 14, items 4 and 5, on the real `vigil` binary and real libcurl: probes cannot be turned against the host,
/// and token files others can read are refused.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ProbeSafetyTests {
    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-probe-safety-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func write(_ text: String, to path: String, mode: Int = 0o600) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    private func environment(apiURL: String, state: String) -> [String: String] {
        [
            "SLACK_APP_TOKEN": "xapp-test-probe-safety", "SLACK_BOT_TOKEN": "xoxb-test-probe-safety",
            "SLACK_API_URL": apiURL, "VIGIL_STATE_DIR": state, "VIGIL_ALERT_CHANNELS": "C0SIMALERTS",
        ]
    }

    @Test func anHTTPProbeWithAPlaceholderInTheHostIsRefusedAtLoadWithExit78() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(
            """
            runbooks:
              - name: exporters
                probes:
                  - name: node exporter
                    http: "https://{{host}}:9100/metrics"
            """, to: directory + "/vigil.yaml")
        let vigil = try VigilProcess(
            arguments: ["run", "--config", directory + "/vigil.yaml"],
            environment: environment(apiURL: "http://127.0.0.1:9/api/", state: directory))
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 78, "stderr: \(result.stderr.suffix(2_000))")
        #expect(result.stderr.contains("runbooks[0].probes[0].http: {{host}} is in the host of the URL"),
                "\(result.stderr.suffix(2_000))")
        #expect(!result.stderr.contains("xoxb-test-probe-safety"))
    }

    @Test func aTokenFileOthersCanReadExits78WithTheChmodHint() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tokenFile = directory + "/bot-token"
        try write("xoxb-test-file-token-secret\n", to: tokenFile, mode: 0o644)
        try write("workspaces:\n  - name: ops\n    bot_token_file: \(tokenFile)\n", to: directory + "/vigil.yaml")
        var environment = environment(apiURL: "http://127.0.0.1:9/api/", state: directory)
        environment["SLACK_BOT_TOKEN"] = nil
        let vigil = try VigilProcess(arguments: ["run", "--config", directory + "/vigil.yaml"], environment: environment)
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 78, "stderr: \(result.stderr.suffix(2_000))")
        #expect(result.stderr.contains("workspaces[0].bot_token_file: \(tokenFile) can be read or changed by other users (mode 0644)"),
                "\(result.stderr.suffix(2_000))")
        #expect(result.stderr.contains("chmod 600 \(tokenFile)"))
        #expect(!result.stderr.contains("xoxb-test-file-token-secret"), "never the token")

        // The same file made private is accepted: the worker starts and connects with the token from it.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        let simulator = try await SlackSimulator.start()
        var fixedEnvironment = environment
        fixedEnvironment["SLACK_API_URL"] = simulator.apiBaseURL
        let fixed = try VigilProcess(arguments: ["run", "--config", directory + "/vigil.yaml"], environment: fixedEnvironment)
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
        kill(fixed.processIdentifier, SIGTERM)
        let fixedResult = try await fixed.finish(within: .seconds(10))
        #expect(fixedResult.status == 0, "\(fixedResult.stderr.suffix(2_000))")
        await simulator.shutdown()
    }

    /// A bot post naming the host `-oProxyCommand=id` triggers a real command probe that writes its environment to a
    /// file: the value is not in it, and the check result in the thread says it was left out.
    @Test func aHostStartingWithADashNeverReachesACommand() async throws {
        let simulator = try await SlackSimulator.start()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dump = directory + "/probe-environment"
        try write(
            """
            runbooks:
              - name: hosts
                probes:
                  - name: environment
                    command: [/bin/sh, -c, "env > \\"$0\\"", "\(dump)"]
            """, to: directory + "/vigil.yaml")
        let vigil = try VigilProcess(
            arguments: ["run", "--config", directory + "/vigil.yaml"],
            environment: environment(apiURL: simulator.apiBaseURL, state: directory))
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))

        let alert = try simulator.postAsBot(
            channel: "C0SIMALERTS", fieldsJSON: TestAlerts.alertmanager("HostileHost", instance: "-oProxyCommand=id"))
        try await simulator.waitForCalls(method: "chat.postMessage", count: 1, timeout: .seconds(30))
        let reply = try #require(try simulator.threadReplies(channel: "C0SIMALERTS", threadTS: alert).first)
        #expect(reply.jsonText.contains("VIGIL_ALERT_HOST left out"), "\(reply.jsonText.prefix(3_000))")
        #expect(reply.jsonText.contains("VIGIL_LABEL_INSTANCE left out"))

        let written = try String(contentsOfFile: dump, encoding: .utf8)
        #expect(written.contains("VIGIL_ALERT_NAME=HostileHost"), "the probe ran: \(written)")
        #expect(!written.contains("-oProxyCommand"))
        #expect(!written.contains("VIGIL_ALERT_HOST="))
        #expect(!written.contains("xoxb-test") && !written.contains("xapp-test"), "never Vigil's own environment")

        kill(vigil.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2_000))")
        await simulator.shutdown()
    }

    /// Real libcurl against the simulator on 127.0.0.1: a name resolving to 127.0.0.1 is reached when its address
    /// is allowed and refused — before any connection — when it is not; a metadata address is refused always.
    @Test func libcurlConnectsOnlyWhereThePolicyAllows() async throws {
        let simulator = try await SlackSimulator.start()
        let curl = try CurlMultiDriver(logger: SocketModeHarness.quietLogger)
        let client = CurlProbeHTTPClient(transport: curl)
        let url = "http://localhost:\(simulator.port)/api/api.test"

        let allowed = ProbeDestinationPolicy(allowedHostLists: [[AllowedHost("127.0.0.0/8")!, AllowedHost("::1")!]])
        let response = try await client.get(url: url, timeout: .seconds(10), destinations: allowed)
        #expect((100...599).contains(response.status))
        let callsWhenAllowed = simulator.calls().count
        #expect(callsWhenAllowed >= 1, "the allowed request reached the simulator")

        let elsewhere = ProbeDestinationPolicy(allowedHostLists: [[AllowedHost("10.0.0.0/8")!]])
        do {
            _ = try await client.get(url: url, timeout: .seconds(10), destinations: elsewhere)
            Issue.record("a name resolving to 127.0.0.1 outside allowed_hosts was fetched")
        } catch let error as CurlError {
            #expect(error == .destinationRefused, "\(error)")
            #expect(error.requestCertainlyNotDelivered)
            #expect(error.description.contains("localhost resolves to"), "\(error)")
            #expect(error.description.contains("not in allowed_hosts (10.0.0.0/8)"), "\(error)")
        }
        #expect(simulator.calls().count == callsWhenAllowed, "the refused request never reached the server")

        for metadata in ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/", "http://[fe80::1]/"] {
            do {
                _ = try await client.get(url: metadata, timeout: .seconds(5), destinations: ProbeDestinationPolicy())
                Issue.record("\(metadata) was fetched")
            } catch let error as CurlError {
                #expect(error == .destinationRefused, "\(metadata): \(error)")
                #expect(error.description.contains("link-local"), "\(error)")
            }
        }

        // The executor gives the refusal as the check's result.
        let executor = ProbeExecutor(httpClient: client)
        let result = try await executor.run(
            .http(name: "loopback", urlTemplate: URLTemplate(url), timeout: .seconds(10), destinations: elsewhere),
            alert: Alert(source: .generic, status: .firing, severity: .warning, name: "x", labels: [:], identity: "x"),
            logger: SocketModeHarness.quietLogger)
        guard case .failed(.requestFailed(let reason)) = result.outcome else {
            Issue.record("expected a failed request, got \(result.outcome)")
            return
        }
        #expect(reason.contains("destinationRefused"), "\(reason)")
        await curl.shutdown()
        await simulator.shutdown()
    }
}
