import Foundation
import Testing

@testable import AlertReading
@testable import Vigil
@testable import VigilBase
@testable import VigilStorage

/// Vigil's own messages found again (message metadata) instead of posted twice, and the thread changes catch-up
/// applies; a real in-memory store, a recording Slack, no I/O.
struct ExactlyOnceTests {
    typealias Fixtures = ConversationFixtures

    private static let own = MessageClassifier.OwnIdentity(botID: Fixtures.vigilBot, userID: Fixtures.vigilUser)
    private static let rootTS = "1700000000.000100"

    /// A message as `conversations.replies` returns it.
    private static func message(_ ts: String, user: String? = nil, botID: String? = nil, threadTS: String? = rootTS,
                                metadata: VigilMessageMetadata? = nil, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = ["type": .string("message"), "ts": .string(ts)]
        if let user { object["user"] = .string(user) }
        if let botID { object["bot_id"] = .string(botID) }
        if let threadTS { object["thread_ts"] = .string(threadTS) }
        if let metadata { object["metadata"] = metadata.json }
        object.merge(extra) { _, new in new }
        return .object(object)
    }

    private static func decode(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    /// An Alertmanager post's fields, as the tests' simulator posts them.
    private static func alertmanager(_ status: String, name: String = "HighCPU", ts: String, threadTS: String? = nil) throws
        -> JSONValue
    {
        let title = "[\(status)] \(name) (web-1:9100 node-exporter critical)"
        let thread = threadTS.map { #""thread_ts":"\#($0)","# } ?? ""
        return try decode(#"{"type":"message","subtype":"bot_message","bot_id":"B0AMHOOK","username":"AlertManager","ts":"\#(ts)",\#(thread)"text":"","attachments":[{"color":"good","title":"\#(title)","fallback":"\#(title)","text":"• *alertname:* `\#(name)`\n• *instance:* `web-1:9100`"}]}"#)
    }

    // MARK: - Recognising own messages

    @Test func metadataRoundTripsAndNamesTheIncident() {
        let metadata = VigilMessageMetadata.investigation(42)
        #expect(metadata.json["event_type"]?.stringValue == "vigil_investigation")
        #expect(metadata.json["event_payload"]?["incident_id"]?.numberValue == 42)
        #expect(VigilMessageMetadata(message: .object(["metadata": metadata.json])) == metadata)
        // Slack may hand numbers back as strings.
        let stringly: JSONValue = .object(["metadata": .object([
            "event_type": .string("vigil_resolution"), "event_payload": .object(["incident_id": .string("7")]),
        ])])
        #expect(VigilMessageMetadata(message: stringly) == .resolution(7))
        #expect(VigilMessageMetadata(message: .object(["metadata": .object(["event_type": .string("task_created")])])) == nil)
    }

    @Test func onlyVigilsOwnMessageWithThatIncidentsMetadataMatches() {
        let wanted = VigilMessageMetadata.investigation(42)
        let thread = [
            Self.message(Self.rootTS, botID: "B0AMHOOK", threadTS: nil),
            Self.message("1700000001.000100", botID: "B0OTHERAPP", metadata: wanted),  // another app copying the tag
            Self.message("1700000002.000100", user: Fixtures.vigilUser, botID: Fixtures.vigilBot, metadata: .investigation(41)),
            Self.message("1700000003.000100", user: Fixtures.vigilUser, botID: Fixtures.vigilBot, metadata: .resolution(42)),
            Self.message("1700000004.000100", user: Fixtures.vigilUser, botID: Fixtures.vigilBot, metadata: wanted),
        ]
        #expect(wanted.findOwn(in: thread, own: Self.own) == "1700000004.000100")
        #expect(wanted.findOwn(in: Array(thread.prefix(4)), own: Self.own) == nil)
    }

    @Test func anInvestigationWithoutMetadataIsRecognisedByItsButtons() {
        let buttons: JSONValue = .array([.object([
            "type": .string("actions"),
            "elements": .array([.object(["type": .string("button"), "value": .string("42")])]),
        ])])
        let thread = [Self.message("1700000002.000100", botID: Fixtures.vigilBot, extra: ["blocks": buttons])]
        #expect(VigilMessageMetadata.investigation(42).findOwn(in: thread, own: Self.own) == "1700000002.000100")
        #expect(VigilMessageMetadata.investigation(43).findOwn(in: thread, own: Self.own) == nil)
        #expect(VigilMessageMetadata.resolution(42).findOwn(in: thread, own: Self.own) == nil)
    }

    // MARK: - Thread changes while away

    @Test func aThreadYieldsTheRootEditAndTheSourcesRepliesInTheOrderTheyHappened() throws {
        var root = try Self.alertmanager("RESOLVED", ts: Self.rootTS, threadTS: Self.rootTS).objectValue!
        root["edited"] = .object(["user": .string("B0AMHOOK"), "ts": .string("1700000300.000100")])
        let thread: [JSONValue] = [
            .object(root),
            Self.message("1700000100.000100", user: Fixtures.vigilUser, botID: Fixtures.vigilBot, metadata: .investigation(1)),
            try Self.alertmanager("FIRING:1", ts: "1700000200.000100", threadTS: Self.rootTS),
            Self.message("1700000250.000100", user: Fixtures.alice),
        ]
        let changes = AlertChannelMonitor.changesWhileAway(thread: thread, channel: Fixtures.alertChannel, rootTS: Self.rootTS)
        // The person's reply is not a change; Vigil's own bot reply stays for the classifier to leave alone.
        #expect(changes.map(\.ts) == ["1700000100.000100", "1700000200.000100", "1700000300.000100"])
        let classifier = MessageClassifier(watchedChannels: [Fixtures.alertChannel], own: Self.own)
        #expect(classifier.classify(changes[0]) == .ownMessage)
        #expect(classifier.classify(changes[1]) == .alertStateChange(rootTS: Self.rootTS, kind: .threadReply))
        #expect(classifier.classify(changes[2]) == .alertStateChange(rootTS: Self.rootTS, kind: .edit))
        #expect(changes[2].message?.edited?.ts == "1700000300.000100", "keyed by the edit's ts, as live edits are")
    }

    // MARK: - The monitor

    private func owedIncident(_ harness: ConversationHarness) async throws -> Incident {
        try await harness.monitor.start(environmentChannels: [Fixtures.alertChannel])
        let outcome = try await harness.store.recordAlert(Fixtures.alert(), workspace: Fixtures.workspace,
                                                          channel: Fixtures.alertChannel, ts: Self.rootTS, threadTS: nil,
                                                          at: harness.clock.now())
        guard case .opened(let incident) = outcome else { throw Fixtures.Unexpected(description: "\(outcome)") }
        return incident
    }

    @Test func aResumedInvestigationAlreadyInTheThreadIsAdoptedNotPostedAgain() async throws {
        let harness = try await ConversationHarness.make()
        let incident = try await owedIncident(harness)
        harness.slack.setThread(Self.rootTS, messages: [
            Self.message(Self.rootTS, botID: "B0AMHOOK", threadTS: nil),
            Self.message("1700000001.000100", user: Fixtures.vigilUser, botID: Fixtures.vigilBot,
                         metadata: .investigation(incident.id)),
        ])
        #expect(await harness.monitor.resumeInterruptedInvestigations() == 1)
        #expect(harness.slack.posts.isEmpty)
        #expect(try await harness.incident(incident.id).investigationTS == "1700000001.000100")
        #expect(try await harness.store.incidentsAwaitingInvestigation(workspace: Fixtures.workspace).isEmpty)
    }

    @Test func aResumedInvestigationNotInTheThreadIsPostedOnceWithItsMetadata() async throws {
        let harness = try await ConversationHarness.make()
        let incident = try await owedIncident(harness)
        harness.slack.setThread(Self.rootTS, messages: [
            Self.message("1700000001.000100", botID: "B0OTHERAPP", metadata: .investigation(incident.id)),
        ])
        #expect(await harness.monitor.resumeInterruptedInvestigations() == 1)
        let post = try #require(harness.slack.posts.first)
        #expect(harness.slack.posts.count == 1)
        #expect(post.threadTS == Self.rootTS)
        #expect(harness.slack.metadata[post.ts] == .investigation(incident.id))
        #expect(try await harness.incident(incident.id).investigationTS == post.ts)
    }

    @Test(arguments: [false, true])
    func aResolutionNoteAlreadyInTheThreadIsNotPostedAgain(noteAlreadyPosted: Bool) async throws {
        let harness = try await ConversationHarness.make()
        try await harness.monitor.start(environmentChannels: [Fixtures.alertChannel])
        let incident = try await harness.openIncident(rootTS: Self.rootTS)
        if noteAlreadyPosted {
            harness.slack.setThread(Self.rootTS, messages: [
                Self.message("1700000002.000100", user: Fixtures.vigilUser, botID: Fixtures.vigilBot,
                             metadata: .resolution(incident.id)),
            ])
        }
        let reply = try SlackMessage(json: try Self.alertmanager("RESOLVED", ts: "1700000100.000100", threadTS: Self.rootTS))
        var event = reply
        event.channel = Fixtures.alertChannel
        #expect(await harness.monitor.handle(event) == .alertStateChange(rootTS: Self.rootTS, kind: .threadReply))
        #expect(try await harness.incident(incident.id).status == .resolved)
        let notes = harness.slack.posts.filter { harness.slack.metadata[$0.ts] == .resolution(incident.id) }
        #expect(notes.count == (noteAlreadyPosted ? 0 : 1))
        #expect(harness.slack.updates.map(\.ts) == [incident.investigationTS], "the investigation is updated either way")
    }

    @Test(arguments: [false, true])
    func aStormSummaryPostedBeforeACrashIsUpdatedNotPostedAgain(summaryAlreadyPosted: Bool) async throws {
        let harness = try await ConversationHarness.make(alertSettings: AlertChannelSettings(stormThreshold: 1))
        let (store, slack, monitor) = (harness.store, harness.slack, harness.monitor)
        try await monitor.start(environmentChannels: [Fixtures.alertChannel])
        let earlier = "1700000050.000100"
        if summaryAlreadyPosted {
            slack.setHistory([
                Self.message("1700000040.000100", botID: "B0OTHERAPP", threadTS: nil, metadata: .stormSummary(channel: Fixtures.alertChannel)),
                Self.message(earlier, user: Fixtures.vigilUser, botID: Fixtures.vigilBot, threadTS: nil,
                             metadata: .stormSummary(channel: Fixtures.alertChannel)),
            ])
        }
        // The second alert within the window is one more than the threshold: storm mode.
        for (index, name) in ["DiskFull", "HighCPU"].enumerated() {
            var event = try SlackMessage(json: try Self.alertmanager("FIRING:1", name: name, ts: "170000010\(index).000100"))
            event.channel = Fixtures.alertChannel
            #expect(await monitor.handle(event) == .newAlertPost)
        }
        let summaries = slack.posts.filter { $0.threadTS == nil }
        let recorded = try #require(try await store.stormSummary(workspace: Fixtures.workspace, channel: Fixtures.alertChannel))
        if summaryAlreadyPosted {
            #expect(summaries.isEmpty)
            #expect(slack.updates.map(\.ts) == [earlier])
            #expect(recorded.messageTS == earlier)
        } else {
            let summary = try #require(summaries.first)
            #expect(summaries.count == 1)
            #expect(slack.metadata[summary.ts] == .stormSummary(channel: Fixtures.alertChannel))
            #expect(recorded.messageTS == summary.ts)
        }
    }

    // MARK: - Catch-up of threads

    @Test func catchUpResolvesAnIncidentWhoseAlertWasEditedToResolvedWhileAway() async throws {
        let harness = try await ConversationHarness.make()
        try await harness.monitor.start(environmentChannels: [Fixtures.alertChannel])
        let incident = try await harness.openIncident(rootTS: Self.rootTS)
        _ = try await harness.store.advanceCursor(workspace: Fixtures.workspace, channel: Fixtures.alertChannel,
                                                  to: "1700000100.000100", at: harness.clock.now())
        var root = try #require(try Self.alertmanager("RESOLVED", ts: Self.rootTS).objectValue)
        root["edited"] = .object(["user": .string("B0AMHOOK"), "ts": .string("1700000200.000100")])
        harness.slack.setThread(Self.rootTS, messages: [.object(root)])

        await harness.monitor.catchUp()
        // Read for the edit (the root is behind the cursor: only its thread shows it), then before the note.
        #expect(harness.slack.threadsRead == [Self.rootTS, Self.rootTS])
        #expect(try await harness.incident(incident.id).status == .resolved)
        #expect(harness.slack.reactions == ["white_check_mark"])
        #expect(harness.slack.posts.filter { harness.slack.metadata[$0.ts] == .resolution(incident.id) }.count == 1)
        #expect(harness.slack.updates.map(\.ts) == [incident.investigationTS])
    }

    @Test func catchUpReadsTheThreadsOfTheNewestOpenIncidentsUpToTheLimit() async throws {
        let harness = try await ConversationHarness.make(alertSettings: AlertChannelSettings(catchUpLimit: 2))
        let (store, slack, clock, monitor) = (harness.store, harness.slack, harness.clock, harness.monitor)
        try await monitor.start(environmentChannels: [Fixtures.alertChannel])
        let roots = ["1700000001.000100", "1700000002.000100", "1700000003.000100"]
        for (index, ts) in roots.enumerated() {
            _ = try await store.recordAlert(Fixtures.alert(name: "Alert\(index)"), workspace: Fixtures.workspace,
                                            channel: Fixtures.alertChannel, ts: ts, threadTS: nil, at: clock.now())
        }
        _ = try await store.advanceCursor(workspace: Fixtures.workspace, channel: Fixtures.alertChannel,
                                          to: "1700000010.000100", at: clock.now())
        await monitor.catchUp()
        #expect(slack.threadsRead == [roots[2], roots[1]])
    }
}
