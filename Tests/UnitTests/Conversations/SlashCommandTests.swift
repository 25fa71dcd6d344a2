import Foundation
import Testing

@testable import Vigil
@testable import VigilBase
@testable import VigilStorage

struct SlashCommandTests {
    typealias F = ConversationFixtures

    static let watchers = ConversationSettings(permissions: .init(watch: Audience(userIDs: [F.alice])))

    private func run(_ h: ConversationHarness, _ text: String, user: String = F.alice) async throws -> JSONValue {
        try #require(await h.service.handleSlashCommand(frame: try h.slashFrame(text, user: user)))
    }

    @Test func repliesAreEphemeral() async throws {
        let h = try await ConversationHarness.make()
        let reply = try await run(h, "help")
        #expect(reply["response_type"] == .string("ephemeral"))
        #expect(reply.replyText.contains("`/vigil alerts [#channel]`"))
        #expect(reply["blocks"]?.arrayValue?.first?["type"] == .string("section"))
        #expect(h.slack.calls.isEmpty)
    }

    @Test func emptyAndUnknownSubcommandsGetHelp() async throws {
        let h = try await ConversationHarness.make()
        #expect(try await run(h, "").replyText.contains("`/vigil` commands"))
        let unknown = try await run(h, "frobnicate now")
        #expect(unknown.replyText.contains("I don't know `frobnicate`"))
        #expect(unknown.replyText.contains("`/vigil` commands"))
    }

    @Test func customCommandNameInHelp() async throws {
        let h = try await ConversationHarness.make(settings: ConversationSettings(slashCommand: "/vigil-platform"))
        #expect(try await run(h, "help").replyText.contains("`/vigil-platform status`"))
    }

    @Test func statusReportsConnectionsQueueTokenAndIncidents() async throws {
        let report = VigilStatusReport(
            liveConnections: 2,
            reconnects: 3,
            queuedEnvelopes: 1,
            queuedWebAPICalls: 4,
            tokenHealthy: true,
            problems: ["catch-up of C0ALERTS failed"]
        )
        let h = try await ConversationHarness.make(status: { report })
        try await h.openIncident()
        try await h.store.addWatchedChannel(
            workspace: F.workspace,
            channel: F.alertChannel,
            addedBy: nil,
            source: .environment,
            at: h.clock.now()
        )
        let text = try await run(h, "status").replyText
        #expect(text.contains("Connections: 2 live (3 reconnects since start)"))
        #expect(text.contains("1 event being handled, 4 Web API calls waiting"))
        #expect(text.contains("Token: ✅"))
        #expect(text.contains("Open incidents: 1 (0 acknowledged)"))
        #expect(text.contains("Watching 1 channel: <#\(F.alertChannel)>"))
        #expect(text.contains("⚠️ catch-up of C0ALERTS failed"))
    }

    @Test func alertsWithAndWithoutChannel() async throws {
        let h = try await ConversationHarness.make()
        try await h.openIncident()
        try await h.openIncident(
            F.alert(name: "DiskFull", host: "db-1"),
            rootTS: "1700000010.000100",
            channel: F.otherChannel
        )
        #expect(try await run(h, "alerts").replyText.contains("Open incidents (2)"))
        let filtered = try await run(h, "alerts <#\(F.alertChannel)|alerts>").replyText
        #expect(filtered.contains("Open incidents in <#\(F.alertChannel)> (1)"))
        #expect(!filtered.contains("DiskFull"))
        #expect(try await run(h, "alerts #alerts").replyText.contains("type `#` and pick it"))
    }

    @Test func watchPersistsJoinsReloadsAndAudits() async throws {
        let h = try await ConversationHarness.make(settings: Self.watchers)
        let reply = try await run(h, "watch <#C0NEW|new-alerts>")
        #expect(reply.replyText.contains("Now watching <#C0NEW>"))
        let watched = try await h.store.watchedChannels(workspace: F.workspace)
        #expect(watched.map(\.channel) == ["C0NEW"])
        #expect(watched.first?.source == .command)
        #expect(watched.first?.addedBy == F.alice)
        #expect(await h.monitor.watchedChannels == ["C0NEW"])
        #expect(h.slack.joins == ["C0NEW"])
        let audit = try #require(try await h.audit().last)
        #expect(audit.action == "channel.watch")
        #expect(audit.via == .command)
        #expect(try await run(h, "watch <#C0NEW|new-alerts>").replyText.contains("already watching"))
        #expect(h.slack.joins == ["C0NEW"])
    }

    @Test func watchSurvivesARestart() async throws {
        try await F.withTemporaryDirectory { directory in
            do {
                let store = try await SQLiteVigilStore(directory: directory, logger: F.logger)
                let h = try await ConversationHarness.make(settings: Self.watchers, store: store)
                _ = try await run(h, "watch <#C0NEW|new-alerts>")
            }
            // A new process: new store handle, new monitor and conversation service.
            let store = try await SQLiteVigilStore(directory: directory, logger: F.logger)
            let h = try await ConversationHarness.make(settings: Self.watchers, store: store)
            try await h.monitor.start(environmentChannels: [F.alertChannel])
            #expect(await h.monitor.watchedChannels == ["C0NEW", F.alertChannel])
            let listed = try await run(h, "channels").replyText
            #expect(listed.contains("<#C0NEW> — added by <@\(F.alice)>"))
            #expect(listed.contains("<#\(F.alertChannel)> — from the environment"))
        }
    }

    @Test func unwatchRemovesAndWarnsAboutConfiguredChannels() async throws {
        let h = try await ConversationHarness.make(settings: Self.watchers)
        try await h.monitor.start(environmentChannels: [F.alertChannel])
        _ = try await run(h, "watch C0NEW")
        #expect(try await run(h, "unwatch <#C0NEW|new>").replyText.contains("Stopped watching <#C0NEW>."))
        let configured = try await run(h, "unwatch <#\(F.alertChannel)|alerts>").replyText
        #expect(configured.contains("comes back at the next restart"))
        #expect(await h.monitor.watchedChannels.isEmpty)
        #expect(try await run(h, "unwatch C0NEW").replyText.contains("I wasn't watching"))
        #expect(try await h.audit().map(\.action) == ["channel.watch", "channel.unwatch", "channel.unwatch"])
    }

    @Test func watchIsRefusedByDefault() async throws {
        let h = try await ConversationHarness.make()
        let reply = try await run(h, "watch <#C0NEW|new>")
        #expect(reply["response_type"] == .string("ephemeral"))
        #expect(reply.replyText.contains("Nobody is allowed to change which channels Vigil watches"))
        #expect(try await h.store.watchedChannels(workspace: F.workspace).isEmpty)
        #expect(h.slack.joins.isEmpty)
    }

    @Test func watchExplainsAFailedJoin() async throws {
        let h = try await ConversationHarness.make(settings: Self.watchers)
        h.slack.failJoins()
        let text = try await run(h, "watch <#G0PRIV|private>").replyText
        #expect(text.contains("Now watching <#G0PRIV>"))
        #expect(text.contains("/invite @Vigil"))
        #expect(try await h.store.watchedChannels(workspace: F.workspace).count == 1)
    }

    @Test func slowReplyGoesThroughResponseURL() async throws {
        let h = try await ConversationHarness.make(settings: Self.watchers)
        let clock = h.clock
        h.slack.onJoin { clock.advance(seconds: 5) }  // a join stuck behind the rate limiter
        let ack = await h.service.handleSlashCommand(frame: try h.slashFrame("watch <#C0NEW|new>"))
        #expect(ack == nil)
        let response = try #require(h.slack.responses.first)
        #expect(h.slack.responses.count == 1)
        #expect(response.url == F.responseURL)
        #expect(response.payload["response_type"] == .string("ephemeral"))
        #expect(response.payload.replyText.contains("Now watching <#C0NEW>"))
    }

    @Test func silencesByPatternListAndRemove() async throws {
        let h = try await ConversationHarness.make()
        try await h.openIncident()
        let created = try await run(h, "silence HighCPU* 2h deploying web").replyText
        #expect(created.contains("Silenced alerts named `HighCPU*` for 2 h"))
        #expect(created.contains("1 open incident match it"))
        let silence = try #require(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).first)
        #expect(silence.matcher == .nameGlob("HighCPU*"))
        #expect(silence.reason == "deploying web")
        #expect(silence.expiresAt == F.t0.addingTimeInterval(7200))
        let listed = try await run(h, "silences").replyText
        #expect(listed.contains("`\(silence.id)` names matching `HighCPU*`"))
        #expect(listed.contains("deploying web"))
        #expect(try await run(h, "unsilence \(silence.id)").replyText.contains("Silence `\(silence.id)` lifted"))
        #expect(try await run(h, "silences").replyText == "No active silences.")
        #expect(try await run(h, "unsilence \(silence.id)").replyText.contains("There is no silence"))
        #expect(try await h.audit().map(\.action) == ["silence.create", "silence.remove"])
        #expect(try await h.audit().map(\.actor) == [F.alice, F.alice], "who set and lifted it is audited")
        #expect(try await run(h, "silence * 1h").replyText.contains("would silence too many alerts"))
        #expect(try await run(h, "silence HighCPU 10s").replyText.contains("at least a minute"))
        #expect(try await run(h, "silence HighCPU 90d").replyText.contains("at most 7 d"))
    }

    @Test func silenceRefusedForOthers() async throws {
        let h = try await ConversationHarness.make(
            settings: ConversationSettings(permissions: .init(silence: Audience(userIDs: [F.bob])))
        )
        #expect(try await run(h, "silence HighCPU 1h").replyText.contains("You're not allowed to silence alerts"))
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).isEmpty)
    }

    @Test func historyByAlertName() async throws {
        let h = try await ConversationHarness.make()
        let first = try await h.openIncident()
        _ = try await h.store.resolve(incidentID: first.id, by: F.bob, at: h.clock.now().addingTimeInterval(300))
        h.clock.advance(seconds: 3600)
        try await h.openIncident(rootTS: "1700003600.000100")
        let text = try await run(h, "history highcpu").replyText
        #expect(text.contains("History of HighCPU"))
        #expect(text.contains("Fired 2× in the last 24 h"))
        #expect(
            try await run(h, "history NoSuchAlert").replyText.contains("I have no incident named")
        )
    }

    @Test func historyByNameFindsAnIncidentResolvedByItsSource() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        // Resolved without anyone acting on it in Slack: nothing about it is in the audit log.
        _ = try await h.store.resolve(incidentID: incident.id, by: "source", at: h.clock.now().addingTimeInterval(60))
        #expect(try await h.store.openIncidents(workspace: F.workspace, channel: nil).isEmpty)
        let text = try await run(h, "history HIGHCPU").replyText
        #expect(text.contains("History of HighCPU"))
    }

    @Test func decodesTheSampleEnvelopeAsIs() async throws {
        let h = try await ConversationHarness.make()
        var sample = try #require(try Samples.json("slack/slash_commands_envelope.json").objectValue)
        var payload = try #require(sample["payload"]?.objectValue)
        payload["team_id"] = .string(F.workspace)  // the sample's workspace is the one under test
        sample["payload"] = .object(payload)
        let frame = Array(try JSONEncoder().encode(JSONValue.object(sample)))
        let reply = try #require(await h.service.handleSlashCommand(frame: frame))
        #expect(reply.replyText.contains("`/vigil` commands"))  // empty text → help
    }
}
