import Foundation
import Testing
import VigilStorage

@Suite("Dedupe gates: processed events and handled messages")
struct EventDedupeTests {
    @Test("An event id is new once per workspace")
    func eventOncePerWorkspace() async throws {
        let store = try await StoreFixtures.inMemory()
        let t0 = StoreFixtures.t0
        #expect(try await store.markEventProcessed(workspace: "T0TEST", eventID: "Ev01", at: t0))
        #expect(try await store.markEventProcessed(workspace: "T0TEST", eventID: "Ev01", at: t0) == false)
        #expect(try await store.markEventProcessed(workspace: "T1OTHER", eventID: "Ev01", at: t0))
        #expect(try await store.markEventProcessed(workspace: "T0TEST", eventID: "Ev02", at: t0))
    }

    @Test("100 concurrent marks of the same event: exactly one wins", arguments: [false, true])
    func concurrentMarks(onDisk: Bool) async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            let store: SQLiteVigilStore =
                if onDisk {
                    try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
                } else {
                    try await StoreFixtures.inMemory()
                }
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await store.markEventProcessed(workspace: "T0TEST", eventID: "EvRACE", at: StoreFixtures.t0)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }

    @Test("The same post is handled once per purpose, whatever event type delivered it")
    func messageGate() async throws {
        let store = try await StoreFixtures.inMemory()
        let t0 = StoreFixtures.t0
        // Delivered as `message`…
        #expect(
            try await store.markMessageHandled(
                workspace: "T0TEST",
                channel: "C0ALERTS",
                ts: "1700000000.000100",
                purpose: .mention,
                at: t0
            )
        )
        // …then as `app_mention`, then again by history catch-up.
        for _ in 0..<2 {
            #expect(
                try await store.markMessageHandled(
                    workspace: "T0TEST",
                    channel: "C0ALERTS",
                    ts: "1700000000.000100",
                    purpose: .mention,
                    at: t0
                ) == false
            )
        }
        #expect(
            try await store.markMessageHandled(
                workspace: "T0TEST",
                channel: "C0ALERTS",
                ts: "1700000000.000100",
                purpose: .alert,
                at: t0
            )
        )
        #expect(
            try await store.markMessageHandled(
                workspace: "T0TEST",
                channel: "C9OTHER",
                ts: "1700000000.000100",
                purpose: .mention,
                at: t0
            )
        )
    }

    @Test("Pruning drops keys older than the TTL, and never uses a TTL under 10 minutes")
    func pruning() async throws {
        let store = try await StoreFixtures.inMemory()
        let now = StoreFixtures.at(minutes: 48 * 60)
        try #require(try await store.markEventProcessed(workspace: "T0TEST", eventID: "EvOld", at: StoreFixtures.t0))
        try #require(
            try await store.markEventProcessed(
                workspace: "T0TEST",
                eventID: "EvRecent",
                at: now.addingTimeInterval(-300)
            )
        )
        try #require(
            try await store.markMessageHandled(
                workspace: "T0TEST",
                channel: "C0ALERTS",
                ts: "1.0",
                purpose: .alert,
                at: StoreFixtures.t0
            )
        )

        // Default TTL (24 h): the two old keys go, the 5-minute-old one stays.
        #expect(try await store.pruneProcessedEvents(now: now) == 2)
        #expect(try await store.markEventProcessed(workspace: "T0TEST", eventID: "EvOld", at: now))
        #expect(
            try await store.markMessageHandled(
                workspace: "T0TEST",
                channel: "C0ALERTS",
                ts: "1.0",
                purpose: .alert,
                at: now
            )
        )
        // A 1-second TTL is raised to 10 minutes: the 5-minute-old key survives.
        #expect(try await store.pruneProcessedEvents(olderThan: .seconds(1), now: now) == 0)
        #expect(try await store.markEventProcessed(workspace: "T0TEST", eventID: "EvRecent", at: now) == false)
    }
}
