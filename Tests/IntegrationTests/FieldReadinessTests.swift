import Foundation
import Logging
import SlackSimulator
import Testing
import CurlHTTP
import VigilBase
import VigilStorage

/// What a real host does to Vigil, on the built binary against the simulator: Slack away at boot, a second instance
/// on the same state folder, a store that cannot be fixed by a restart, and a full filesystem.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct FieldReadinessTests {
    private static let channel = "C0SIMALERTS"

    private func environment(_ simulator: SlackSimulator, stateDirectory: String) -> [String: String] {
        [
            "SLACK_APP_TOKEN": "xapp-test-field", "SLACK_BOT_TOKEN": "xoxb-test-field", "SLACK_API_URL": simulator.apiBaseURL,
            "VIGIL_STATE_DIR": stateDirectory, "VIGIL_ALERT_CHANNELS": Self.channel, "VIGIL_LOG_LEVEL": "info",
        ]
    }

    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-field-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Vigil's replies in the thread of `rootTS`.
    private func vigilReplies(_ simulator: SlackSimulator, rootTS: String) throws -> [SimulatedMessage] {
        try simulator.threadReplies(channel: Self.channel, threadTS: rootTS)
            .filter { $0.isThreadReply && $0.user == simulator.configuration.botUserID }
    }

    /// In these scenarios (no repeats, no resolutions) every reply of Vigil's in an alert's thread is its investigation.
    private func investigations(_ simulator: SlackSimulator, rootTS: String) throws -> [SimulatedMessage] {
        try vigilReplies(simulator, rootTS: rootTS)
    }

    /// Waits until the thread of `rootTS` has an investigation reply.
    private func waitForInvestigation(_ simulator: SlackSimulator, rootTS: String, timeout: Duration) async throws {
        _ = try await simulator.waitUntil("an investigation in the thread of \(rootTS)", method: "chat.postMessage", timeout: timeout) {
            try investigations(simulator, rootTS: rootTS).first
        }
    }

    @Test func slackAnswering503ForTheFirstMinuteIsWaitedOut() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        for method in ["auth.test", "apps.connections.open", "conversations.history"] {
            simulator.injectFault(.serverError(status: 503), method: method, count: 100_000)
        }
        let vigil = try VigilProcess(arguments: ["run"], environment: environment(simulator, stateDirectory: state))
        try await vigil.waitForErrorOutput(containing: "waiting for Slack; retrying")
        // The outage lasts a minute (longer than the unit's start timeout and watchdog); the scenario's length,
        // not an outcome, is what this wait sets.
        try await Task.sleep(for: .seconds(60))
        #expect(vigil.process.isRunning, "still running after a minute of 503s; stderr: \(vigil.errorOutput.suffix(2_000))")
        #expect(simulator.liveConnections().isEmpty)
        let attempts = simulator.calls(method: "auth.test").count
        #expect(attempts > 3, "kept retrying auth.test (\(attempts) attempts)")
        #expect(attempts < 40, "with backoff, not in a tight loop (\(attempts) attempts)")

        simulator.clearFaults()
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(40))
        try await vigil.waitForErrorOutput(containing: "Slack answers again")
        let rootTS = try simulator.postAsBot(channel: Self.channel, fieldsJSON: TestAlerts.alertmanager("DiskFull"))
        try await waitForInvestigation(simulator, rootTS: rootTS, timeout: .seconds(30))
        #expect(try investigations(simulator, rootTS: rootTS).count == 1)

        kill(vigil.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2_000))")
        #expect(!result.stderr.contains("xoxb-test-field") && !result.stderr.contains("xapp-test-field"))
        await simulator.shutdown()
    }

    @Test func aSecondInstanceOnTheSameStateFolderExits78NamingTheHolder() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let first = try VigilProcess(arguments: ["run"], environment: environment(simulator, stateDirectory: state))
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))

        let started = ContinuousClock.now
        let second = try VigilProcess(arguments: ["run"], environment: environment(simulator, stateDirectory: state))
        let result = try await second.finish(within: .seconds(10))
        #expect(result.status == 78, "stderr: \(result.stderr.suffix(2_000))")
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(result.stderr.contains("PID \(first.processIdentifier)"), "names the holder: \(result.stderr.suffix(1_000))")
        #expect(simulator.liveConnections().count == 2, "the first instance keeps its connections")

        // The first one still answers alerts.
        let rootTS = try simulator.postAsBot(channel: Self.channel, fieldsJSON: TestAlerts.alertmanager("HighLoad"))
        try await waitForInvestigation(simulator, rootTS: rootTS, timeout: .seconds(15))
        kill(first.processIdentifier, SIGTERM)
        #expect(try await first.finish(within: .seconds(10)).status == 0)

        // Its lock went with it: a new instance starts.
        let third = try VigilProcess(arguments: ["run"], environment: environment(simulator, stateDirectory: state))
        try await third.waitForErrorOutput(containing: "watching alert channels", timeout: .seconds(30))
        kill(third.processIdentifier, SIGTERM)
        #expect(try await third.finish(within: .seconds(10)).status == 0)
        await simulator.shutdown()
    }

    @Test func aStoreThatIsNotADatabaseExits78WithWhatToDo() async throws {
        let simulator = try await SlackSimulator.start()
        let state = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        try Data(repeating: 0x5A, count: 8_192).write(to: URL(fileURLWithPath: state + "/" + SQLiteVigilStore.fileName))
        let vigil = try VigilProcess(arguments: ["run"], environment: environment(simulator, stateDirectory: state))
        let result = try await vigil.finish(within: .seconds(30))
        #expect(result.status == 78, "stderr: \(result.stderr.suffix(2_000))")
        #expect(result.stderr.contains("is corrupt or is not a SQLite database"))
        await simulator.shutdown()
    }

    /// The state folder on a real 6 MiB tmpfs, filled up while Vigil runs: alerts posted while nothing can be written
    /// (about 30 s) are answered once the space is back, each exactly once. Needs root for the mount (CI has it).
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func alertsPostedWhileTheDiskIsFullAreAnsweredOnceItIsNot() async throws {
        let mountPoint = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", mountPoint]) == 0 else {
            Issue.record("could not mount a tmpfs on \(mountPoint)")
            return
        }
        defer { _ = run("/bin/umount", ["-l", mountPoint]) }
        let state = mountPoint + "/state"
        let simulator = try await SlackSimulator.start()
        var environment = environment(simulator, stateDirectory: state)
        let metricsPort = try LoopbackSocket.freePort()
        environment["VIGIL_METRICS_LISTEN"] = "127.0.0.1:\(metricsPort)"
        let vigil = try VigilProcess(arguments: ["run"], environment: environment)
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
        try await vigil.waitForErrorOutput(containing: "watching alert channels")

        // Fill the filesystem to the last byte.
        let filler = mountPoint + "/filler"
        _ = run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=4096"])
        _ = run("/bin/dd", ["if=/dev/zero", "of=\(filler)-tail", "bs=1"])

        let names = ["DiskFullOne", "DiskFullTwo", "DiskFullThree"]
        var roots: [String] = []
        for name in names {
            roots.append(try simulator.postAsBot(channel: Self.channel, fieldsJSON: TestAlerts.alertmanager(name, instance: "\(name.lowercased()):9100")))
        }
        try await vigil.waitForErrorOutput(containing: "the post is owed", timeout: .seconds(60))
        let failing = try await metricsValue(port: metricsPort, "vigil_store_healthy")
        #expect(failing == 0, "/metrics shows the store failing")
        // The store stays full for about 30 s in all (the scenario's length, not an outcome).
        try await Task.sleep(for: .seconds(20))
        for root in roots {
            #expect(try investigations(simulator, rootTS: root).isEmpty, "nothing is answered without a record of it")
        }

        try FileManager.default.removeItem(atPath: filler)
        try FileManager.default.removeItem(atPath: filler + "-tail")
        do {
            for root in roots {
                try await waitForInvestigation(simulator, rootTS: root, timeout: .seconds(60))
            }
        } catch {
            Issue.record("vigil's log ends with:\n\(vigil.errorOutput.suffix(6_000))")
            throw error
        }
        try await vigil.waitForErrorOutput(containing: "the store works again", timeout: .seconds(30))
        var healthy = try await metricsValue(port: metricsPort, "vigil_store_healthy")
        let deadline = ContinuousClock.now + .seconds(20)
        while healthy != 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            healthy = try await metricsValue(port: metricsPort, "vigil_store_healthy")
        }
        #expect(healthy == 1, "/metrics shows the store healthy again")
        for root in roots {
            #expect(try investigations(simulator, rootTS: root).count == 1, "exactly one investigation in \(root)")
        }
        kill(vigil.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2_000))")
        await simulator.shutdown()
    }

    private func metricsValue(port: Int, _ name: String) async throws -> Double? {
        let curl = try CurlMultiDriver(logger: SocketModeHarness.quietLogger)
        let response: HTTPResponse
        do {
            response = try await curl.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics"))
        } catch {
            await curl.shutdown()
            throw error
        }
        await curl.shutdown()
        return MetricsExposition(String(decoding: response.body, as: UTF8.self)).value(name)
    }

    /// Runs a system tool to completion, its output discarded; returns its exit status.
    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
