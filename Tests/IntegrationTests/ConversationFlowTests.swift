import AlertReading
import Foundation
import SlackSimulator
import Testing
import AlertInvestigation
import Vigil
import VigilBase
import VigilDaemon
import VigilStorage

/// People talking to Vigil, end to end through the simulator: questions in alert threads, mentions elsewhere, every
/// `/vigil` subcommand, and the investigation's buttons.
@Suite(.serialized)
struct ConversationFlowTests {
    typealias Harness = VigilWorkerHarness

    /// Sends `/vigil <text>` as Alice from #alerts and returns the text of the answer in the ack.
    static func slash(_ harness: Harness, _ text: String) async throws -> String {
        let command = try harness.simulator.sendSlashCommand(
            command: "/vigil", text: text, userID: Harness.alice, channelID: Harness.alerts)
        let ack = try await harness.simulator.waitForAck(envelopeID: command.envelopeID)
        let payload = try #require(ack.payloadJSON, "the ack of `/vigil \(text)` carries the answer")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        #expect(object["response_type"] as? String == "ephemeral", "`/vigil \(text)` is answered privately")
        return object["text"] as? String ?? ""
    }

    @Test(.timeLimit(.minutes(2)))
    func freeTextQuestionIsAnsweredInTheAlertThread() async throws {
        try await Harness.run { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            try await harness.waitForReplies(thread: alert)
            let question = try harness.simulator.postAsUser(
                channel: Harness.alerts, user: Harness.alice,
                text: "<@U0SIMBOT> has this happened before? what's the root cause?", threadTS: alert)
            let replies = try await harness.waitForReplies(thread: alert, count: 2)
            let answer = replies[1]
            #expect(answer.ts > question)
            #expect(answer.allText.contains("History of"))
            #expect(answer.allText.contains("I don't know the root cause"), "it says plainly what it does not know")
            try await harness.waitUntilHandled(question, outcome: .mention)
            #expect(try harness.vigilReplies(thread: alert).count == 2, "the message and app_mention are answered once")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func mentionOutsideAnAlertThreadListsOpenIncidents() async throws {
        try await Harness.run { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            try await harness.waitForReplies(thread: alert)
            let mention = try harness.simulator.postAsUser(
                channel: Harness.ops, user: Harness.alice, text: "<@U0SIMBOT> anything burning?")
            let replies = try await harness.waitForReplies(in: Harness.ops, thread: mention)
            #expect(replies[0].allText.contains("HighMemoryUsage"))
            #expect(replies[0].allText.contains("help"))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func everySlashSubcommandIsAnswered() async throws {
        try await Harness.run { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            try await harness.waitForReplies(thread: alert)

            let help = try await Self.slash(harness, "help")
            #expect(help.contains("/vigil watch"))
            let unknown = try await Self.slash(harness, "frobnicate")
            #expect(unknown.contains("/vigil watch"), "an unknown subcommand gets help")

            let status = try await Self.slash(harness, "status")
            #expect(status.contains("Connections: 2 live"))
            #expect(status.contains("Open incidents: 1 (0 acknowledged)"))

            #expect(try await Self.slash(harness, "alerts").contains("HighMemoryUsage"))
            #expect(try await Self.slash(harness, "alerts <#C0SIMALERTS|alerts>").contains("HighMemoryUsage"))
            #expect(!(try await Self.slash(harness, "alerts <#C0SIMOPS|ops>").contains("HighMemoryUsage")))

            #expect(try await Self.slash(harness, "history HighMemoryUsage").contains("History of"))

            // watch joins a public channel the bot is not in; channels lists it; unwatch removes it.
            #expect(try await Self.slash(harness, "watch <#C0SIMRANDOM|random>").contains("Now watching"))
            #expect(harness.okCalls("conversations.join").contains { $0.params["channel"] == "C0SIMRANDOM" })
            #expect(try await Self.slash(harness, "channels").contains("C0SIMRANDOM"))
            #expect(try await Self.slash(harness, "unwatch <#C0SIMRANDOM|random>").contains("Stopped watching"))
            #expect(!(try await Self.slash(harness, "channels").contains("C0SIMRANDOM")))

            let silenced = try await Self.slash(harness, "silence DiskFull* 2h")
            #expect(silenced.contains("Silenced alerts named `DiskFull*` for 2 h"))
            let silences = try await Self.slash(harness, "silences")
            #expect(silences.contains("DiskFull*"))
            let id = try #require(silenced.firstMatch(of: /silence `(\d+)`/)?.output.1)
            #expect(try await Self.slash(harness, "unsilence \(id)").contains("Silence `\(id)` lifted"))
            #expect(try await Self.slash(harness, "silences").contains("No active silences"))

            // A silence really suppresses: a matching alert is recorded, not investigated.
            _ = try await Self.slash(harness, "silence Noisy* 1h")
            let noisy = try harness.postAlert(TestAlerts.alertmanager("NoisyDisk", instance: "db-02:9100"))
            try await harness.waitUntilHandled(noisy, outcome: .message(.newAlertPost))
            #expect(try harness.vigilReplies(thread: noisy).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func permissionByUserGroupIsCheckedAgainstSlack() async throws {
        var simulator = SlackSimulator.Configuration()
        simulator.userGroups = ["S0SIMONCALL": [Harness.alice]]
        let permissions = PermissionsConfiguration(ack: Audience(userGroupIDs: ["S0SIMONCALL"]))
        try await Harness.run(simulator: simulator, permissions: permissions) { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            let investigation = try await harness.waitForReplies(thread: alert)[0]
            let incidentID = try #require(harness.incidentID(of: investigation))
            func acknowledge(as user: String) throws {
                try harness.simulator.sendBlockActions(
                    actionID: InvestigationMessage.ActionID.acknowledge, value: incidentID,
                    blockID: InvestigationMessage.actionsBlockID, userID: user, channelID: Harness.alerts,
                    messageTS: investigation.ts)
            }
            try acknowledge(as: Harness.bob)
            let refusal = try await harness.waitUntil("the refusal shown to Bob", method: "chat.postEphemeral") {
                try harness.simulator.ephemeralMessages(in: Harness.alerts).first
            }
            #expect(refusal.visibleTo == Harness.bob)
            #expect(refusal.allText.contains("You're not allowed to acknowledge"))
            #expect(harness.okCalls("chat.update").isEmpty)

            try acknowledge(as: Harness.alice)
            try await harness.waitForUpdates(of: investigation.ts)
            let updated = try #require(harness.simulator.message(channel: Harness.alerts, ts: investigation.ts))
            #expect(updated.allText.contains("Acknowledged by <@U0SIMALICE>"))
            #expect(harness.okCalls("usergroups.users.list").map { $0.params["usergroup"] }.contains("S0SIMONCALL"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func resolveSilenceAndRerunButtonsChangeTheIncidentAndTheMessage() async throws {
        let kernel = RunbookRuleConfiguration(
            name: "hosts",
            probes: [ProbeConfiguration(name: "kernel", action: .command(executable: "/bin/uname", arguments: ["-s"]))])
        try await Harness.run(runbooks: [kernel]) { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            let investigation = try await harness.waitForReplies(thread: alert)[0]
            let incidentID = try #require(harness.incidentID(of: investigation))
            func press(_ actionID: String) throws {
                try harness.simulator.sendBlockActions(
                    actionID: actionID, value: incidentID, blockID: InvestigationMessage.actionsBlockID,
                    userID: Harness.alice, channelID: Harness.alerts, messageTS: investigation.ts)
            }

            try press(InvestigationMessage.ActionID.rerun)
            try await harness.waitForUpdates(of: investigation.ts, count: 1)
            let rerun = try #require(harness.simulator.message(channel: Harness.alerts, ts: investigation.ts))
            #expect(rerun.allText.contains("Linux"), "the checks ran again and are shown")

            try press(InvestigationMessage.ActionID.silenceOneHour)
            try await harness.waitForUpdates(of: investigation.ts, count: 2)
            let silenced = try #require(harness.simulator.message(channel: Harness.alerts, ts: investigation.ts))
            #expect(silenced.allText.contains("🔕 Silenced by <@U0SIMALICE> until"))
            #expect(try await Self.slash(harness, "silences").contains("HighMemoryUsage"))

            try press(InvestigationMessage.ActionID.resolve)
            try await harness.waitForUpdates(of: investigation.ts, count: 3)
            let resolved = try #require(harness.simulator.message(channel: Harness.alerts, ts: investigation.ts))
            #expect(resolved.allText.contains("Resolved after"))
            #expect(resolved.allText.contains("<@U0SIMALICE>"))
            #expect(resolved.allText.contains("Linux"), "the resolved message keeps its checks")
            #expect(!resolved.allText.contains(InvestigationMessage.ActionID.resolve), "no Resolve button any more")
            #expect(try await Self.slash(harness, "status").contains("Open incidents: 0"))
        }
    }
}
