import Foundation
import Testing

@testable import VigilBase
@testable import VigilStorage

@Suite("Watched channels, cursors and storm summaries")
struct ChannelStateTests {
    let ws = StoreFixtures.workspace

    @Test("Watched channels are added once, removed, listed per workspace, and persist across restarts")
    func watchedChannels() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            do {
                let store = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
                #expect(
                    try await store.addWatchedChannel(
                        workspace: ws,
                        channel: "C0ENV",
                        addedBy: nil,
                        source: .environment,
                        at: StoreFixtures.t0
                    )
                )
                #expect(
                    try await store.addWatchedChannel(
                        workspace: ws,
                        channel: "C0CMD",
                        addedBy: "U0ALICE",
                        source: .command,
                        at: StoreFixtures.at(minutes: 1)
                    )
                )
                #expect(
                    try await store.addWatchedChannel(
                        workspace: ws,
                        channel: "C0ENV",
                        addedBy: "U0BOB",
                        source: .command,
                        at: StoreFixtures.at(minutes: 2)
                    ) == false
                )
                #expect(
                    try await store.addWatchedChannel(
                        workspace: ws,
                        channel: "C0GONE",
                        addedBy: nil,
                        source: .configuration,
                        at: StoreFixtures.at(minutes: 3)
                    )
                )
                #expect(try await store.removeWatchedChannel(workspace: ws, channel: "C0GONE"))
                #expect(try await store.removeWatchedChannel(workspace: ws, channel: "C0GONE") == false)
                try await store.addWatchedChannel(
                    workspace: "T1OTHER",
                    channel: "C0ELSEWHERE",
                    addedBy: nil,
                    source: .configuration,
                    at: StoreFixtures.t0
                )
            }
            let reopened = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
            let channels = try await reopened.watchedChannels(workspace: ws)
            #expect(
                channels == [
                    WatchedChannel(
                        workspace: ws,
                        channel: "C0ENV",
                        addedBy: nil,
                        source: .environment,
                        addedAt: StoreFixtures.t0
                    ),
                    WatchedChannel(
                        workspace: ws,
                        channel: "C0CMD",
                        addedBy: "U0ALICE",
                        source: .command,
                        addedAt: StoreFixtures.at(minutes: 1)
                    ),
                ]
            )
        }
    }

    @Test("Cursors only move forward, comparing Slack ts numerically")
    func cursorMonotonic() async throws {
        let store = try await StoreFixtures.inMemory()
        #expect(try await store.cursor(workspace: ws, channel: "C0ALERTS") == nil)
        #expect(
            try await store.advanceCursor(
                workspace: ws,
                channel: "C0ALERTS",
                to: "1700000000.000200",
                at: StoreFixtures.t0
            )
        )
        #expect(
            try await store.advanceCursor(
                workspace: ws,
                channel: "C0ALERTS",
                to: "1700000000.000100",
                at: StoreFixtures.t0
            )
                == false
        )
        #expect(
            try await store.advanceCursor(
                workspace: ws,
                channel: "C0ALERTS",
                to: "1700000000.000200",
                at: StoreFixtures.t0
            )
                == false
        )
        #expect(try await store.cursor(workspace: ws, channel: "C0ALERTS") == "1700000000.000200")
        #expect(
            try await store.advanceCursor(
                workspace: ws,
                channel: "C0ALERTS",
                to: "1700000001.000000",
                at: StoreFixtures.t0
            )
        )
        #expect(try await store.cursor(workspace: ws, channel: "C0ALERTS") == "1700000001.000000")
        #expect(try await store.cursor(workspace: "T1OTHER", channel: "C0ALERTS") == nil)
    }

    @Test(
        "Slack ts ordering is numeric, not lexicographic",
        arguments: [
            ("999.9", "1000.0", true),
            ("1000.0", "999.9", false),
            ("1700000000.000100", "1700000000.0002", true),
            ("1700000000.1", "1700000000.000100", false),
            ("1700000000.000100", "1700000000.0001", false),
            ("1700000000", "1700000000.000001", true),
        ]
    )
    func slackTSOrder(lhs: String, rhs: String, isBefore: Bool) {
        #expect(SlackTimestamp.isBefore(lhs, rhs) == isBefore)
    }

    @Test("Storm summaries are saved, replaced, read and cleared per channel")
    func stormSummaries() async throws {
        let store = try await StoreFixtures.inMemory()
        let summary = StormSummary(
            workspace: ws,
            channel: "C0ALERTS",
            messageTS: "1700000000.000900",
            windowStart: StoreFixtures.t0,
            windowEnd: StoreFixtures.at(minutes: 10),
            alertCount: 25
        )
        try await store.saveStormSummary(summary)
        #expect(try await store.stormSummary(workspace: ws, channel: "C0ALERTS") == summary)
        var updated = summary
        updated.alertCount = 40
        try await store.saveStormSummary(updated)
        #expect(try await store.stormSummary(workspace: ws, channel: "C0ALERTS")?.alertCount == 40)
        #expect(try await store.stormSummary(workspace: "T1OTHER", channel: "C0ALERTS") == nil)
        try await store.clearStormSummary(workspace: ws, channel: "C0ALERTS")
        #expect(try await store.stormSummary(workspace: ws, channel: "C0ALERTS") == nil)
    }
}
