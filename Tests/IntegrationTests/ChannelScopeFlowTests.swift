import Foundation
import SlackSimulator
import Testing
import AlertInvestigation
import VigilBase

/// Channel-scoped permissions end to end (issue 14, item 1): the whole worker against the simulator, with a
/// private alert channel only Alice is in. Membership comes from the simulator's `conversations.members`.
@Suite(.serialized)
struct ChannelScopeFlowTests {
    typealias Harness = VigilWorkerHarness

    static let vault = "G0SIMVAULT"
    static let bobDM = "D0SIMBOB"

    /// The default workspace plus #vault (private; the bot and Alice are members) and Bob's DM with Vigil.
    static func run(_ body: (Harness) async throws -> Void) async throws {
        var simulator = SlackSimulator.Configuration()
        simulator.channels.append(
            SimulatedChannel(id: vault, name: "vault", isPrivate: true, members: [Harness.alice]))
        simulator.channels.append(SimulatedChannel(id: bobDM, name: "bob", user: Harness.bob))
        try await Harness.run(simulator: simulator, alertChannels: [Harness.alerts, vault], body)
    }

    /// Sends `/vigil <text>` as `user` from #ops and returns the answer in the ack.
    static func slash(_ harness: Harness, _ text: String, as user: String) async throws -> String {
        let command = try harness.simulator.sendSlashCommand(
            command: "/vigil", text: text, userID: user, channelID: Harness.ops)
        let ack = try await harness.simulator.waitForAck(envelopeID: command.envelopeID)
        let payload = try #require(ack.payloadJSON, "the ack of `/vigil \(text)` carries the answer")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        return object["text"] as? String ?? ""
    }

    /// Posts an alert in #vault and returns its incident id.
    static func vaultIncident(_ harness: Harness) async throws -> String {
        let alert = try harness.postAlert(TestAlerts.alertmanager("VaultSealed"), in: vault)
        let investigation = try await harness.waitForReplies(in: vault, thread: alert)[0]
        return try #require(harness.incidentID(of: investigation))
    }

    @Test(.timeLimit(.minutes(2)))
    func aNonMemberCannotActOnOrReadAPrivateChannelsIncidentFromElsewhere() async throws {
        try await Self.run { harness in
            let id = try await Self.vaultIncident(harness)

            // A DM: refused, clearly, without naming the alert.
            let ack = try harness.simulator.postAsUser(channel: Self.bobDM, user: Harness.bob, text: "ack \(id)")
            let refusal = try await harness.waitUntil("the refusal in Bob's DM", method: "chat.postMessage") {
                try harness.vigilPosts(in: Self.bobDM).first
            }
            try await harness.waitUntilHandled(ack)
            #expect(refusal.allText.contains("belongs to a channel you're not a member of"))
            #expect(!refusal.allText.contains("VaultSealed"))
            #expect(harness.okCalls("conversations.members").contains { $0.params["channel"] == Self.vault })

            // A mention in a public channel: refused privately.
            try harness.simulator.postAsUser(channel: Harness.ops, user: Harness.bob, text: "<@U0SIMBOT> resolve \(id)")
            let ephemeral = try await harness.waitUntil("the refusal shown to Bob in #ops", method: "chat.postEphemeral") {
                try harness.simulator.ephemeralMessages(in: Harness.ops).first
            }
            #expect(ephemeral.visibleTo == Harness.bob)
            #expect(ephemeral.allText.contains("not a member"))

            // The slash command: alerts, status and history show only what Bob can see.
            #expect(!(try await Self.slash(harness, "alerts", as: Harness.bob).contains("VaultSealed")))
            #expect(try await Self.slash(harness, "status", as: Harness.bob).contains("Open incidents: 0"))
            #expect(try await Self.slash(harness, "history VaultSealed", as: Harness.bob).contains("I have no incident named"))
            #expect(harness.okCalls("chat.update").isEmpty, "nothing was acknowledged or resolved")
            #expect(!harness.okCalls("chat.postMessage").contains { $0.params["channel"] != Self.vault && ($0.params["text"] ?? "").contains("VaultSealed") },
                    "nothing about the incident was posted outside #vault")

            // Alice is a member: she sees it and acts on it from her DM.
            #expect(try await Self.slash(harness, "alerts", as: Harness.alice).contains("VaultSealed"))
            #expect(try await Self.slash(harness, "status", as: Harness.alice).contains("Open incidents: 1"))
            try harness.simulator.postAsUser(channel: Harness.aliceDM, user: Harness.alice, text: "ack \(id)")
            let done = try await harness.waitUntil("Alice's acknowledgement", method: "chat.postMessage") {
                try harness.vigilPosts(in: Harness.aliceDM).first
            }
            #expect(done.allText.contains("acknowledged"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aGuestOfAnotherOrganisationIsRefusedInASharedChannel() async throws {
        var simulator = SlackSimulator.Configuration()
        simulator.users.append(
            SimulatedUser(id: "U0SIMGUEST", name: "guest", realName: "Partner Guest", teamID: "T0PARTNER"))
        try await Harness.run(simulator: simulator) { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            let investigation = try await harness.waitForReplies(thread: alert)[0]
            let incidentID = try #require(harness.incidentID(of: investigation))
            try harness.simulator.sendBlockActions(
                actionID: InvestigationMessage.ActionID.acknowledge, value: incidentID,
                blockID: InvestigationMessage.actionsBlockID, userID: "U0SIMGUEST", channelID: Harness.alerts,
                messageTS: investigation.ts)
            let refusal = try await harness.waitUntil("the refusal shown to the guest", method: "chat.postEphemeral") {
                try harness.simulator.ephemeralMessages(in: Harness.alerts).first
            }
            #expect(refusal.visibleTo == "U0SIMGUEST")
            #expect(refusal.allText.contains("permissions.other_teams"))
            #expect(harness.okCalls("chat.update").isEmpty, "nothing was acknowledged")
        }
    }
}
