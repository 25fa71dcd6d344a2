import Foundation
import Logging
import Testing

@testable import AlertReading
@testable import SlackSocketMode
@testable import Vigil
@testable import VigilBase
@testable import VigilStorage

/// ``WorkerActivityLog`` and what ``VigilEventRouter`` records in it: one ``EventOutcome`` per event, skips included.
struct WorkerActivityTests {
    private static let workspace = "T0TEST"
    private static let watched = "C0WATCHED"
    private static let logger = Logger(label: "vigil.tests.activity") { _ in SwiftLogNoOpLogHandler() }

    // MARK: - The log

    @Test func firstReturnsAnEntryAlreadyRecorded() async {
        let log = WorkerActivityLog()
        log.record(.owedInvestigationsLookedAt(resumed: 1, owed: 2, inFlight: 0))
        log.record(.flapRecorded(incident: 7, channel: "C1", ts: "1.0"))
        let incident = await log.first(timeout: .seconds(5)) { activity -> Int64? in
            if case .flapRecorded(let incident, _, _) = activity { incident } else { nil }
        }
        #expect(incident == 7)
        #expect(log.entries.count == 2)
    }

    @Test func firstResumesWhenAMatchingEntryIsRecorded() async {
        let log = WorkerActivityLog()
        async let found = log.firstEvent(timeout: .seconds(10)) { $0.ts == "2.0" }
        log.record(.event(EventOutcome(eventID: "Ev1", channel: "C1", ts: "1.0", disposition: .mention)))
        log.record(.event(EventOutcome(eventID: "Ev2", channel: "C1", ts: "2.0", disposition: .mention)))
        #expect(await found?.eventID == "Ev2")
    }

    @Test func firstGivesUpAfterItsTimeout() async {
        let log = WorkerActivityLog()
        log.record(.event(EventOutcome(eventID: "Ev1", channel: "C1", ts: "1.0", disposition: .mention)))
        let found = await log.firstEvent(timeout: .milliseconds(50)) { $0.disposition == .redelivery }
        #expect(found == nil)
    }

    @Test func aCancelledWaitReturnsNil() async {
        let log = WorkerActivityLog()
        let waiting = Task { await log.firstEvent(timeout: .seconds(60)) { _ in true } }
        waiting.cancel()
        #expect(await waiting.value == nil)
    }

    // MARK: - The router

    @Test func routerRecordsWhatEachEventWasTakenFor() async throws {
        let store = try await SQLiteVigilStore.inMemory(logger: Self.logger)
        let monitor = AlertChannelMonitor(
            workspace: Self.workspace, store: store, slack: RecordingSlack(),
            own: MessageClassifier.OwnIdentity(botID: "B0VIGIL", userID: "U0VIGIL"), logger: Self.logger)
        try await monitor.start(environmentChannels: [Self.watched])
        let log = WorkerActivityLog()
        let router = VigilEventRouter(workspace: Self.workspace, store: store, alerts: monitor, conversations: nil,
                                      logger: Self.logger, activity: log)

        let person = Self.message(eventID: "Ev1", channel: Self.watched, ts: "1700000000.000100")
        #expect(router.needsHandling(person))
        _ = try await router.handle(person)
        let unwatched = Self.message(eventID: "Ev2", channel: "C0ELSEWHERE", ts: "1700000000.000200")
        #expect(!router.needsHandling(unwatched))
        router.droppedRedelivery(person)
        _ = try await router.handle(person)  // the same event id again, as after a restart

        #expect(log.entries.compactMap(\.event) == [
            EventOutcome(eventID: "Ev1", channel: Self.watched, ts: "1700000000.000100",
                         disposition: .message(.humanMessage(threadRootTS: nil))),
            EventOutcome(eventID: "Ev2", channel: "C0ELSEWHERE", ts: nil, disposition: .message(.notWatched)),
            EventOutcome(eventID: "Ev1", channel: Self.watched, ts: nil, disposition: .redelivery),
            EventOutcome(eventID: "Ev1", channel: Self.watched, ts: nil, disposition: .handledBeforeRestart),
        ])
    }

    /// A person's `message` event as Socket Mode delivers it.
    private static func message(eventID: String, channel: String, ts: String) -> InboundEnvelope {
        let frame = """
            {"envelope_id":"env-\(eventID)","type":"events_api","payload":{"event_id":"\(eventID)",\
            "event":{"type":"message","channel":"\(channel)","user":"U0ALICE","text":"is anyone looking?","ts":"\(ts)"}}}
            """
        return InboundEnvelope(
            kind: .eventsAPI, envelopeID: "env-\(eventID)", eventID: eventID, eventType: "message",
            eventChannel: channel, frame: Array(frame.utf8), connectionID: WebSocketConnectionID(rawValue: 1),
            receivedAt: .now)
    }
}
