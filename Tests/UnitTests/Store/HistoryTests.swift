import Foundation
import Testing
import AlertReading
import VigilStorage

@Suite("Identity history")
struct HistoryTests {
    let ws = StoreFixtures.workspace
    let identity = "grafana:DiskFull"

    func post(_ store: SQLiteVigilStore, _ status: AlertStatus, hoursBeforeNow hours: Double, now: Date) async throws {
        let at = now.addingTimeInterval(-hours * 3600)
        _ = try await store.record(
            StoreFixtures.alert(status, identity: identity),
            ts: String(format: "%.6f", at.timeIntervalSince1970),
            at: at
        )
    }

    @Test("Occurrences in 24 h and 7 d, last resolution and mean time to resolve")
    func history() async throws {
        let store = try await StoreFixtures.inMemory()
        let now = StoreFixtures.at(minutes: 30 * 24 * 60)
        // 8 days ago: fired, resolved an hour later (outside 7 d, counts for MTTR).
        try await post(store, .firing, hoursBeforeNow: 8 * 24, now: now)
        try await post(store, .resolved, hoursBeforeNow: 8 * 24 - 1, now: now)
        // 3 days ago: fired twice, resolved 30 minutes after the first post.
        try await post(store, .firing, hoursBeforeNow: 72, now: now)
        try await post(store, .firing, hoursBeforeNow: 71.75, now: now)
        try await post(store, .resolved, hoursBeforeNow: 71.5, now: now)
        // 2 hours ago: fired three times, still open.
        try await post(store, .firing, hoursBeforeNow: 2, now: now)
        try await post(store, .firing, hoursBeforeNow: 1.5, now: now)
        try await post(store, .firing, hoursBeforeNow: 1, now: now)
        // Noise: other identity, other workspace.
        _ = try await store.record(
            StoreFixtures.alert(.firing, identity: "grafana:Other"), ts: "1.000001", at: now.addingTimeInterval(-60))
        _ = try await store.record(
            StoreFixtures.alert(.firing, identity: identity),
            workspace: "T1OTHER",
            ts: "1.000002",
            at: now.addingTimeInterval(-60)
        )

        let history = try await store.history(workspace: ws, identity: identity, now: now)
        #expect(history.identity == identity)
        #expect(history.occurrencesLast24Hours == 3)
        #expect(history.occurrencesLast7Days == 5)
        #expect(history.incidentsLast7Days == 2)
        let last = try #require(history.lastResolution)
        #expect(last.resolvedAt == now.addingTimeInterval(-71.5 * 3600))
        #expect(last.duration == .seconds(1800))
        #expect(last.resolvedBy == nil)
        #expect(history.resolvedIncidentCount == 2)
        #expect(history.meanTimeToResolve == .seconds((3600 + 1800) / 2))
    }

    @Test("An identity never seen has an empty history")
    func emptyHistory() async throws {
        let store = try await StoreFixtures.inMemory()
        let history = try await store.history(workspace: ws, identity: "never", now: StoreFixtures.t0)
        #expect(history.occurrencesLast24Hours == 0)
        #expect(history.occurrencesLast7Days == 0)
        #expect(history.incidentsLast7Days == 0)
        #expect(history.lastResolution == nil)
        #expect(history.meanTimeToResolve == nil)
        #expect(history.resolvedIncidentCount == 0)
    }

    @Test("Pruning history drops old posts, resolved incidents and expired silences, keeping active incidents")
    func pruneHistory() async throws {
        let store = try await StoreFixtures.inMemory()
        let now = StoreFixtures.at(minutes: 60 * 24 * 40)
        let cutoff = now.addingTimeInterval(-30 * 24 * 3600)
        // Resolved 35 days ago: goes, with its posts.
        try await post(store, .firing, hoursBeforeNow: 35 * 24 + 1, now: now)
        try await post(store, .resolved, hoursBeforeNow: 35 * 24, now: now)
        let old = try await store.open(
            StoreFixtures.alert(.firing, identity: "stale-but-open"), ts: "5.000001",
            at: now.addingTimeInterval(-35 * 24 * 3600))
        _ = try await store.createSilence(
            workspace: ws,
            matcher: .nameGlob("*"),
            createdBy: "U0ALICE",
            reason: "",
            at: StoreFixtures.t0,
            expiresAt: StoreFixtures.at(minutes: 60)
        )
        // Recent: stays.
        try await post(store, .firing, hoursBeforeNow: 1, now: now)

        #expect(try await store.pruneHistory(before: cutoff) == 3 + 1 + 1)  // 3 posts, 1 incident, 1 silence
        let history = try await store.history(workspace: ws, identity: identity, now: now)
        #expect(history.resolvedIncidentCount == 0)
        #expect(history.occurrencesLast24Hours == 1)
        #expect(try await store.incident(id: old.id)?.status == .open, "active incidents are kept")
        #expect(try await store.openIncidents(workspace: ws, channel: nil).count == 2)
    }
}
