import Foundation
import GRDB
import Logging
import SlackSimulator
import Testing
import AlertReading
import CurlHTTP
import SlackWebClient
import Vigil
import VigilBase
import VigilStorage

/// A store that refuses writes while alerts arrive, with the real alert monitor, the real SQLite store and the real
/// libcurl Web API client against the simulator. The fault is injected into the database itself: a trigger that
/// fails every new alert row, as a full disk or an I/O error would, then dropped.
@Suite(.timeLimit(.minutes(2)))
struct StoreFailureTests {
    private static let channel = "C0SIMALERTS"

    /// The monitor and what it runs on.
    private struct Rig {
        let simulator: SlackSimulator
        let curl: CurlMultiDriver
        let store: SQLiteVigilStore
        let monitor: AlertChannelMonitor
        let directory: String

        func shutdown() async {
            await curl.shutdown()
            await simulator.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Posts an alert as a monitoring bot and returns the message as Vigil's handler receives it.
        func postAlert(_ name: String) throws -> SlackMessage {
            let ts = try simulator.postAsBot(channel: StoreFailureTests.channel,
                                             fieldsJSON: TestAlerts.alertmanager(name, instance: "\(name.lowercased()):9100"))
            let stored = try #require(simulator.message(channel: StoreFailureTests.channel, ts: ts))
            var message = try SlackMessage(json: JSONDecoder().decode(JSONValue.self, from: Data(stored.jsonText.utf8)))
            message.channel = StoreFailureTests.channel
            return message
        }

        /// Vigil's replies in the thread of `ts`.
        func replies(to ts: String) throws -> [SimulatedMessage] {
            try simulator.threadReplies(channel: StoreFailureTests.channel, threadTS: ts)
                .filter { $0.isThreadReply && $0.user == simulator.configuration.botUserID }
        }

        /// Makes every new alert row fail (`true`) or lifts the fault (`false`), from a second connection.
        func failAlertWrites(_ failing: Bool) throws {
            let database = try DatabaseQueue(path: directory + "/" + SQLiteVigilStore.fileName)
            try database.write { db in
                if failing {
                    try db.execute(sql: """
                        CREATE TRIGGER injected_fault BEFORE INSERT ON alerts
                        BEGIN SELECT RAISE(ABORT, 'injected fault: disk I/O error'); END
                        """)
                } else {
                    try db.execute(sql: "DROP TRIGGER injected_fault")
                }
            }
        }
    }

    private func makeRig() async throws -> Rig {
        let simulator = try await SlackSimulator.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-store-fault-\(UUID().uuidString)").path
        let logger = SocketModeHarness.quietLogger
        let store = try await SQLiteVigilStore(directory: directory, logger: logger)
        let curl = try CurlMultiDriver(logger: logger)
        let api = SlackWebAPI(baseURL: simulator.apiBaseURL, botToken: SlackToken("xoxb-test-store"),
                              appToken: nil, transport: curl, logger: logger)
        let monitor = AlertChannelMonitor(
            workspace: simulator.configuration.teamID, store: store, slack: api,
            own: MessageClassifier.OwnIdentity(botID: simulator.configuration.botID, userID: simulator.configuration.botUserID),
            logger: logger,
            storeRetryDelays: [.milliseconds(10), .milliseconds(20)])
        try await monitor.start(environmentChannels: [Self.channel])
        await monitor.catchUp()
        return Rig(simulator: simulator, curl: curl, store: store, monitor: monitor, directory: directory)
    }

    @Test func alertsWhoseWritesFailAreOwedThenAnsweredOnceTheStoreWorks() async throws {
        let rig = try await makeRig()
        let before = try rig.postAlert("BeforeTheFault")
        await rig.monitor.handle(before)
        #expect(try rig.replies(to: try #require(before.ts)).count == 1)

        try rig.failAlertWrites(true)
        let first = try rig.postAlert("DuringTheFaultOne")
        let second = try rig.postAlert("DuringTheFaultTwo")
        // Handled out of order (concurrent handlers may finish so): the older post must still be caught up on.
        await rig.monitor.handle(second)
        await rig.monitor.handle(first)
        var reports = rig.monitor.storeFailureReports.makeAsyncIterator()
        let reason = try #require(await reports.next())
        #expect(reason.contains("injected fault"), "the report says why: \(reason)")
        #expect(try rig.replies(to: try #require(first.ts)).isEmpty, "nothing answered without a record of it")
        #expect(try rig.replies(to: try #require(second.ts)).isEmpty)

        try rig.failAlertWrites(false)
        // A post handled live once the store works moves the channel's cursor past the owed ones.
        let after = try rig.postAlert("AfterTheFault")
        await rig.monitor.handle(after)
        #expect(try rig.replies(to: try #require(after.ts)).count == 1)
        await rig.monitor.recoverOwedPosts()
        #expect(try rig.replies(to: try #require(first.ts)).count == 1, "answered once the store works")
        #expect(try rig.replies(to: try #require(second.ts)).count == 1)
        #expect(try rig.replies(to: try #require(before.ts)).count == 1, "the post before the fault is not answered again")

        // A redelivery and another catch-up change nothing.
        await rig.monitor.handle(first)
        await rig.monitor.catchUp()
        for message in [before, first, second, after] {
            #expect(try rig.replies(to: try #require(message.ts)).count == 1)
        }
        let incidents = try await rig.store.openIncidents(workspace: rig.simulator.configuration.teamID, channel: Self.channel)
        #expect(incidents.count == 4)
        await rig.shutdown()
    }
}
