import Foundation
import Testing

@testable import AlertInvestigation
@testable import Vigil
@testable import VigilBase
@testable import VigilStorage

struct ButtonTests {
    typealias F = ConversationFixtures
    typealias ID = InvestigationMessage.ActionID

    /// The investigation message as posted for `incident`, with a *Checks* section.
    private func investigationBlocks(_ h: ConversationHarness, _ incident: Incident) async throws -> [JSONValue] {
        var facts = try await h.monitor.facts(for: incident, alert: F.alert(), runProbes: false)
        facts.probeResults = [ProbeResult(name: "disk-usage", outcome: .failed(.exitCode(1)), output: "/ 97%")]
        return InvestigationMessage.investigation(facts, options: .init(now: h.clock.now())).blocks
    }

    private func click(
        _ h: ConversationHarness,
        _ actionID: String,
        _ incident: Incident,
        user: String = F.alice,
        blocks: [JSONValue] = []
    ) async throws {
        let frame = try h.buttonFrame(
            actionID,
            value: String(incident.id),
            user: user,
            messageTS: incident.investigationTS!,
            threadTS: incident.rootTS,
            blocks: blocks
        )
        #expect(await h.service.handleInteraction(frame: frame) == nil)
    }

    private func buttons(_ blocks: [JSONValue]?) -> [String] {
        (blocks ?? []).first { $0["block_id"] == .string(InvestigationMessage.actionsBlockID) }?["elements"]?
            .arrayValue?
            .compactMap { $0["action_id"]?.stringValue } ?? []
    }

    @Test func acknowledgeButton() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        h.clock.advance(seconds: 120)
        try await click(h, ID.acknowledge, incident, blocks: try await investigationBlocks(h, incident))
        let stored = try await h.incident(incident.id)
        #expect(stored.status == .acknowledged)
        #expect(stored.acknowledgedBy == F.alice)
        #expect(stored.acknowledgedAt == F.t0.addingTimeInterval(120))
        let update = try #require(h.slack.updates.first)
        #expect(h.slack.updates.count == 1)
        #expect(update.channel == F.alertChannel)
        #expect(update.ts == incident.investigationTS)
        let text = update.blocks?.allText ?? ""
        #expect(text.contains("Acknowledged by <@\(F.alice)> at <!date^\(Int(F.t0.timeIntervalSince1970) + 120)^"))
        #expect(buttons(update.blocks) == [ID.resolve, ID.silenceOneHour, ID.rerun])
        #expect(text.contains("disk-usage"), "the Checks section is carried over from the clicked message")
        #expect(h.slack.ephemerals.isEmpty)
        let audit = try #require(try await h.audit().last)
        #expect(audit.action == "incident.acknowledge")
        #expect(audit.via == .button)
        #expect(audit.actor == F.alice)
        #expect(audit.target == "incident:\(incident.id)")
    }

    @Test func resolveButton() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        h.clock.advance(seconds: 1800)
        try await click(h, ID.resolve, incident)
        let stored = try await h.incident(incident.id)
        #expect(stored.status == .resolved)
        #expect(stored.resolvedBy == F.alice)
        let update = try #require(h.slack.updates.first)
        #expect(update.blocks?.allText.contains("Resolved after 30 min by <@\(F.alice)>") == true)
        #expect(buttons(update.blocks) == [ID.rerun])
        #expect(h.slack.reactions == ["white_check_mark"])
        #expect(try await h.audit().last?.action == "incident.resolve")
    }

    @Test func silenceOneHourButton() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        try await click(h, ID.silenceOneHour, incident)
        let silence = try #require(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).first)
        #expect(silence.matcher == .identity(incident.identity))
        #expect(silence.expiresAt == F.t0.addingTimeInterval(3600))
        #expect(silence.createdBy == F.alice)
        #expect(h.slack.updates.first?.blocks?.allText.contains("Silenced by <@\(F.alice)> until") == true)
        let audit = try #require(try await h.audit().last)
        #expect(audit.action == "silence.create")
        #expect(audit.via == .button)
        #expect(try await h.incident(incident.id).status == .open)
    }

    @Test func rerunButton() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        try await click(h, ID.rerun, incident)
        let update = try #require(h.slack.updates.first)
        #expect(update.ts == incident.investigationTS)
        #expect(buttons(update.blocks) == [ID.acknowledge, ID.resolve, ID.silenceOneHour, ID.rerun])
        let audit = try #require(try await h.audit().last)
        #expect(audit.action == "incident.rerun")
        #expect(audit.via == .button)
    }

    @Test func refusedClickIsEphemeralAndChangesNothing() async throws {
        let h = try await ConversationHarness.make(
            settings: ConversationSettings(permissions: .init(resolve: Audience(userIDs: [F.bob])))
        )
        let incident = try await h.openIncident()
        try await click(h, ID.resolve, incident)
        #expect(try await h.incident(incident.id).status == .open)
        #expect(h.slack.updates.isEmpty)
        let refusal = try #require(h.slack.ephemerals.first)
        #expect(refusal.user == F.alice)
        #expect(refusal.channel == F.alertChannel)
        #expect(refusal.threadTS == incident.rootTS)
        #expect(refusal.text.contains("You're not allowed to resolve incidents"))
        #expect(try await h.audit().isEmpty)
    }

    @Test func secondAcknowledgeSaysWhoWasFirst() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        try await click(h, ID.acknowledge, incident, user: F.bob)
        try await click(h, ID.acknowledge, incident, user: F.alice)
        #expect(h.slack.updates.count == 1)
        let answer = try #require(h.slack.ephemerals.first)
        #expect(answer.user == F.alice)
        #expect(answer.text.contains("already acknowledged by <@\(F.bob)>"))
        #expect(try await h.incident(incident.id).acknowledgedBy == F.bob)
    }

    @Test func unknownIncidentAndUnknownButtons() async throws {
        let h = try await ConversationHarness.make()
        let frame = try h.buttonFrame(ID.acknowledge, value: "777", messageTS: "1700000000.900100")
        _ = await h.service.handleInteraction(frame: frame)
        #expect(h.slack.ephemerals.first?.text.contains("I have no incident `777`") == true)
        h.slack.reset()
        _ = await h.service.handleInteraction(frame: try h.buttonFrame("something_else", value: "1", messageTS: "1.2"))
        #expect(h.slack.calls.isEmpty)
    }

    @Test func theSampleEnvelopeIsIgnoredQuietly() async throws {
        let h = try await ConversationHarness.make()
        let sample = try Samples.json("slack/interactive_block_actions_envelope.json")
        #expect(await h.service.handleInteraction(frame: Array(try JSONEncoder().encode(sample))) == nil)
        #expect(h.slack.calls.isEmpty)
    }

    @Test func checksAreCarriedOverOnlyWhenMissing() {
        let previous: [JSONValue] = [
            BlockKit.header("x"), BlockKit.section("*Checks* — 1 passed"), BlockKit.section("✅ *a*"),
            BlockKit.actions([], blockID: InvestigationMessage.actionsBlockID), BlockKit.context(["footer"]),
        ]
        let fresh: [JSONValue] = [
            BlockKit.header("y"), BlockKit.actions([], blockID: InvestigationMessage.actionsBlockID),
            BlockKit.context(["footer"]),
        ]
        let merged = IncidentActions.carryingOverChecks(from: previous, into: fresh)
        #expect(merged.count == 5)
        #expect(merged[1] == previous[1])
        #expect(merged[2] == previous[2])
        #expect(IncidentActions.carryingOverChecks(from: previous, into: merged) == merged)
        #expect(IncidentActions.carryingOverChecks(from: [], into: fresh) == fresh)
    }
}
