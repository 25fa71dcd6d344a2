import Foundation
import SlackSimulator
import Testing


/// Restarts and crashes of the real `vigil` binary against the simulator: what happened while it was stopped is
/// applied once after the restart (history read over many small pages, threads of open incidents read back), and a
/// post whose answer a SIGKILL swallowed is adopted from the thread instead of posted twice.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct CatchUpProcessTests {
    static let channel = "C0SIMALERTS"

    private struct Run {
        let simulator: SlackSimulator
        let state: String
        let environment: [String: String]

        func start() throws -> VigilProcess { try VigilProcess(arguments: ["run"], environment: environment) }

        /// Vigil's replies in the thread of `ts`.
        func vigilReplies(_ ts: String) throws -> [SimulatedMessage] {
            try simulator.threadReplies(channel: CatchUpProcessTests.channel, threadTS: ts).filter(isVigil)
        }

        func isVigil(_ message: SimulatedMessage) -> Bool {
            message.user == simulator.configuration.botUserID || message.botID == simulator.configuration.botID
        }

        /// Waits (re-checked at each new `method` call) until `condition` holds.
        func waitUntil(_ what: String, method: String, timeout: Duration = .seconds(30),
                       _ condition: () throws -> Bool) async throws {
            _ = try await simulator.waitUntil(what, method: method, timeout: timeout) { try condition() ? true : nil }
        }
    }

    private func withRun(_ configuration: SlackSimulator.Configuration, _ body: (Run) async throws -> Void) async throws {
        let simulator = try await SlackSimulator.start(configuration: configuration)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-catchup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let environment = [
            "SLACK_APP_TOKEN": "xapp-test-catchup", "SLACK_BOT_TOKEN": "xoxb-test-catchup", "SLACK_API_URL": simulator.apiBaseURL,
            "VIGIL_STATE_DIR": state, "VIGIL_ALERT_CHANNELS": Self.channel, "VIGIL_LOG_LEVEL": "info",
        ]
        do {
            try await body(Run(simulator: simulator, state: state, environment: environment))
        } catch {
            await simulator.shutdown()
            try? FileManager.default.removeItem(atPath: state)
            throw error
        }
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: state)
    }

    private func stop(_ vigil: VigilProcess) async throws {
        kill(vigil.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0, "clean stop: \(result.stderr.suffix(1_500))")
        #expect(!result.stderr.contains("xoxb-test-catchup") && !result.stderr.contains("xapp-test-catchup"))
    }

    /// An Alertmanager bot reply in the thread of `rootTS`.
    private func threadReply(_ fields: String, in rootTS: String) -> String {
        #"{"thread_ts":"\#(rootTS)","# + fields.dropFirst()
    }

    @Test func whatHappenedWhileStoppedIsAppliedOnceAfterARestartOverSmallHistoryPages() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.maxRetries = 0  // events sent while Vigil is down are lost: only catch-up can bring them back
        configuration.maximumPageSize = 2  // Slack may hand out fewer messages per page than asked for
        try await withRun(configuration) { run in
            let simulator = run.simulator
            var vigil = try run.start()
            _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
            let edited = try simulator.postAsBot(
                channel: Self.channel, fieldsJSON: TestAlerts.alertmanager("EditedAway", instance: "db-01:9100"))
            let replied = try simulator.postAsBot(
                channel: Self.channel, fieldsJSON: TestAlerts.alertmanager("RepliedAway", instance: "db-02:9100"))
            try await run.waitUntil("both investigations", method: "chat.postMessage") {
                try run.vigilReplies(edited).count == 1 && run.vigilReplies(replied).count == 1
            }
            let editedInvestigation = try #require(try run.vigilReplies(edited).first)
            let repliedInvestigation = try #require(try run.vigilReplies(replied).first)
            let open = simulator.connections().filter(\.isOpen)
            try await stop(vigil)
            for connection in open { try await simulator.waitForClose(connection: connection.id, timeout: .seconds(10)) }

            // While Vigil is stopped: seven new alerts, an edit resolving one open incident's post, and the source's
            // resolving reply in the other's thread.
            var missed: [String] = []
            for index in 1...7 {
                missed.append(try simulator.postAsBot(
                    channel: Self.channel, fieldsJSON: TestAlerts.alertmanager("Missed\(index)", instance: "web-\(index):9100")))
            }
            try simulator.editMessage(channel: Self.channel, ts: edited,
                                      fieldsJSON: TestAlerts.alertmanagerResolvedEdit("EditedAway", instance: "db-01:9100"))
            try simulator.postAsBot(channel: Self.channel, fieldsJSON: threadReply(
                TestAlerts.alertmanager("RepliedAway", status: "RESOLVED", instance: "db-02:9100"), in: replied))
            #expect(simulator.abandonedEventIDs().count == 9, "no event reaches Vigil: \(simulator.abandonedEventIDs().count)")

            let historyBefore = simulator.calls(method: "conversations.history").count
            vigil = try run.start()
            try await run.waitUntil("one investigation per missed alert", method: "chat.postMessage", timeout: .seconds(60)) {
                try missed.allSatisfy { try run.vigilReplies($0).count == 1 }
            }
            let resolvedAway = [(edited, editedInvestigation, "EditedAway"), (replied, repliedInvestigation, "RepliedAway")]
            for (root, investigation, name) in resolvedAway {
                try await run.waitUntil("✅ on \(root)", method: "reactions.add") {
                    simulator.reactions(channel: Self.channel, ts: root).contains("white_check_mark")
                }
                try await run.waitUntil("the resolution note in \(root)", method: "chat.postMessage") {
                    try run.vigilReplies(root).count == 2
                }
                try await run.waitUntil("the investigation of \(root) updated", method: "chat.update") {
                    simulator.message(channel: Self.channel, ts: investigation.ts)?.allText.contains("\(name) — resolved") == true
                }
                #expect(try run.vigilReplies(root)[1].allText.contains("Resolved"))
            }
            // The seven alerts came over several pages, each asking for the next cursor.
            let pages = simulator.calls(method: "conversations.history").dropFirst(historyBefore)
                .filter { $0.params["oldest"] != nil }
            #expect(pages.count >= 4, "7 messages at most 2 a page: \(pages.count) pages")
            #expect(pages.dropFirst().allSatisfy { $0.params["cursor"]?.isEmpty == false })
            try await stop(vigil)

            // A further restart applies nothing again.
            let postsBefore = simulator.calls(method: "chat.postMessage").count
            let updatesBefore = simulator.calls(method: "chat.update").count
            vigil = try run.start()
            try await vigil.waitForErrorOutput(containing: "caught up on a watched channel", timeout: .seconds(30))
            try await stop(vigil)
            #expect(simulator.calls(method: "chat.postMessage").count == postsBefore)
            #expect(simulator.calls(method: "chat.update").count == updatesBefore)
            #expect(try missed.map { try run.vigilReplies($0).count } == Array(repeating: 1, count: 7))
            #expect(try run.vigilReplies(edited).count == 2 && run.vigilReplies(replied).count == 2)
            #expect(try simulator.messages(in: Self.channel).filter { !$0.isThreadReply && run.isVigil($0) }.isEmpty)
        }
    }

    @Test func aSigkillWhileTheInvestigationIsInFlightLeavesExactlyOneReply() async throws {
        try await withRun(SlackSimulator.Configuration()) { run in
            let simulator = run.simulator
            var vigil = try run.start()
            _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
            // Slack stores the reply on arrival but its answer never comes back before the crash.
            simulator.injectFault(.delay(.seconds(30)), method: "chat.postMessage", channel: Self.channel)
            let alert = try simulator.postAsBot(channel: Self.channel, fieldsJSON: TestAlerts.alertmanager("KilledMidPost"))
            try await run.waitUntil("the investigation stored by Slack", method: "chat.postMessage") {
                try run.vigilReplies(alert).count == 1
            }
            kill(vigil.processIdentifier, SIGKILL)
            _ = try await vigil.finish(within: .seconds(10))
            let posted = try #require(try run.vigilReplies(alert).first)
            let metadata = try #require(posted.jsonObject()?["metadata"] as? [String: Any])
            #expect(metadata["event_type"] as? String == "vigil_investigation")

            vigil = try run.start()
            try await vigil.waitForErrorOutput(containing: "adopted the investigation posted before a restart", timeout: .seconds(30))
            #expect(try run.vigilReplies(alert).count == 1)
            #expect(simulator.calls(method: "chat.postMessage").count == 1, "never posted a second time")

            // The adopted reply is the incident's investigation: the resolution updates it in place.
            try simulator.postAsBot(channel: Self.channel, fieldsJSON: TestAlerts.alertmanager("KilledMidPost", status: "RESOLVED"))
            try await run.waitUntil("the adopted investigation updated", method: "chat.update") {
                simulator.message(channel: Self.channel, ts: posted.ts)?.allText.contains("KilledMidPost — resolved") == true
            }
            try await run.waitUntil("the resolution note", method: "chat.postMessage") { try run.vigilReplies(alert).count == 2 }
            try await stop(vigil)
            #expect(try run.vigilReplies(alert).count == 2)
        }
    }
}
