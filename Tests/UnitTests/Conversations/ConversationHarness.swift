import Foundation
import Testing

@testable import AlertInvestigation
@testable import AlertReading
@testable import Vigil
@testable import VigilBase
@testable import VigilStorage

/// The conversation handlers wired to a real store and alert monitor, a recording Slack and a hand-moved clock.
struct ConversationHarness {
    let store: any VigilStore
    let slack: RecordingSlack
    let clock: TestClock
    let monitor: AlertChannelMonitor
    let approvals: ApprovalService
    let service: ConversationHandlers

    static func make(
        settings: ConversationSettings = ConversationSettings(),
        store givenStore: (any VigilStore)? = nil,
        clock: TestClock = TestClock(),
        userGroups: (any UserGroupResolver)? = nil,
        status: StatusProvider? = nil,
        runbooks: [RunbookRule] = [],
        alertSettings: AlertChannelSettings? = nil
    ) async throws -> ConversationHarness {
        let store: any VigilStore
        if let given = givenStore {
            store = given
        } else {
            store = try await SQLiteVigilStore.inMemory(logger: ConversationFixtures.logger)
        }
        let slack = RecordingSlack()
        let own = MessageClassifier.OwnIdentity(
            botID: ConversationFixtures.vigilBot,
            userID: ConversationFixtures.vigilUser
        )
        let monitor = AlertChannelMonitor(
            workspace: ConversationFixtures.workspace,
            store: store,
            slack: slack,
            own: own,
            settings: alertSettings ?? AlertChannelSettings(runbooks: runbooks),
            logger: ConversationFixtures.logger,
            now: clock.now
        )
        let approvals = ApprovalService(
            workspace: ConversationFixtures.workspace,
            store: store,
            slack: slack,
            settings: settings,
            userGroups: userGroups,
            probeResults: monitor.probeResults,
            logger: ConversationFixtures.logger,
            now: clock.now
        )
        let service = ConversationHandlers(
            workspace: ConversationFixtures.workspace,
            store: store,
            slack: slack,
            alertMonitor: monitor,
            approvals: approvals,
            own: own,
            settings: settings,
            status: status,
            logger: ConversationFixtures.logger,
            now: clock.now
        )
        return ConversationHarness(
            store: store, slack: slack, clock: clock, monitor: monitor, approvals: approvals, service: service)
    }

    /// Records a firing alert posted at `rootTS` (opening an incident) with an investigation reply on record.
    @discardableResult
    func openIncident(
        _ alert: Alert = ConversationFixtures.alert(),
        rootTS: String = "1700000000.000100",
        channel: String = ConversationFixtures.alertChannel
    ) async throws -> Incident {
        let outcome = try await store.recordAlert(
            alert,
            workspace: ConversationFixtures.workspace,
            channel: channel,
            ts: rootTS,
            threadTS: nil,
            at: clock.now()
        )
        guard case .opened(let incident) = outcome else {
            throw ConversationFixtures.Unexpected(description: "expected a new incident, got \(outcome)")
        }
        let investigationTS = rootTS.replacingOccurrences(of: ".000", with: ".900")
        try await store.setInvestigationTS(incidentID: incident.id, ts: investigationTS)
        return try #require(try await store.incident(id: incident.id))
    }

    func incident(_ id: Int64) async throws -> Incident {
        try #require(try await store.incident(id: id))
    }

    /// An `app_mention` by `user` in `channel`, in the thread `threadTS` when given.
    func mention(
        _ text: String,
        thread threadTS: String? = nil,
        ts: String = "1700000500.000100",
        user: String = ConversationFixtures.alice,
        channel: String = ConversationFixtures.alertChannel
    ) -> SlackMessage {
        SlackMessage(
            type: "app_mention",
            channel: channel,
            user: user,
            text: "<@\(ConversationFixtures.vigilUser)> \(text)",
            ts: ts,
            threadTS: threadTS,
            eventTS: ts
        )
    }

    /// A person's message in their DM with Vigil.
    func directMessage(
        _ text: String,
        user: String = ConversationFixtures.alice,
        channel: String = ConversationFixtures.aliceDM,
        ts: String = "1700000600.000100",
        threadTS: String? = nil
    ) -> SlackMessage {
        SlackMessage(
            type: "message",
            channel: channel,
            channelType: "im",
            user: user,
            text: text,
            ts: ts,
            threadTS: threadTS,
            eventTS: ts
        )
    }

    /// A `slash_commands` envelope frame, built from the shared sample with `text` and `user` filled in.
    func slashFrame(
        _ text: String,
        user: String = ConversationFixtures.alice,
        channel: String = ConversationFixtures.alertChannel
    )
        throws -> [UInt8]
    {
        var envelope = try #require(try Samples.json("slack/slash_commands_envelope.json").objectValue)
        var payload = try #require(envelope["payload"]?.objectValue)
        payload["command"] = .string("/vigil")
        payload["text"] = .string(text)
        payload["user_id"] = .string(user)
        payload["channel_id"] = .string(channel)
        payload["team_id"] = .string(ConversationFixtures.workspace)
        payload["response_url"] = .string(ConversationFixtures.responseURL)
        envelope["payload"] = .object(payload)
        return Array(try JSONEncoder().encode(JSONValue.object(envelope)))
    }

    /// A `block_actions` envelope frame, built from the shared sample: `user` clicked `actionID` (with `value`)
    /// on the message `messageTS` in `channel`.
    func buttonFrame(
        _ actionID: String,
        value: String,
        user: String = ConversationFixtures.alice,
        channel: String = ConversationFixtures.alertChannel,
        messageTS: String,
        threadTS: String? = nil,
        blocks: [JSONValue] = []
    ) throws -> [UInt8] {
        var envelope = try #require(try Samples.json("slack/interactive_block_actions_envelope.json").objectValue)
        var payload = try #require(envelope["payload"]?.objectValue)
        payload["user"] = .object([
            "id": .string(user), "username": .string(user.lowercased()),
            "team_id": .string(ConversationFixtures.workspace),
        ])
        payload["container"] = .object([
            "type": .string("message"), "message_ts": .string(messageTS), "channel_id": .string(channel),
            "is_ephemeral": .bool(false),
        ])
        payload["channel"] = .object(["id": .string(channel), "name": .string("alerts")])
        var message = try #require(payload["message"]?.objectValue)
        message["ts"] = .string(messageTS)
        if let threadTS { message["thread_ts"] = .string(threadTS) }
        if !blocks.isEmpty { message["blocks"] = .array(blocks) }
        payload["message"] = .object(message)
        var action = try #require(payload["actions"]?.arrayValue?.first?.objectValue)
        action["action_id"] = .string(actionID)
        action["value"] = .string(value)
        payload["actions"] = .array([.object(action)])
        envelope["payload"] = .object(payload)
        return Array(try JSONEncoder().encode(JSONValue.object(envelope)))
    }

    /// The audit log, oldest first.
    func audit(limit: Int = 100) async throws -> [AuditEntry] {
        try await store.recentAudit(workspace: ConversationFixtures.workspace, limit: limit).reversed()
    }
}
