import Foundation
import Testing
import AlertReading
import VigilStorage

@Suite("Flapping detection")
struct FlappingTests {
    let ws = StoreFixtures.workspace
    let identity = "alertmanager:DiskLatency|db-1"

    /// Posts fire/resolve alternately, one post a minute starting at `start` minutes; returns the last outcome.
    @discardableResult
    func flap(_ store: SQLiteVigilStore, posts: Int, start: Double = 0) async throws -> AlertRecordOutcome? {
        var last: AlertRecordOutcome?
        for index in 0..<posts {
            let minute = start + Double(index)
            last = try await store.record(
                StoreFixtures.alert(index.isMultiple(of: 2) ? .firing : .resolved, identity: identity),
                ts: "\(1_700_000_000 + Int(minute) * 60).000100",
                at: StoreFixtures.at(minutes: minute)
            )
        }
        return last
    }

    func post(_ store: SQLiteVigilStore, _ status: AlertStatus, minute: Double) async throws -> AlertRecordOutcome {
        try await store.record(
            StoreFixtures.alert(status, identity: identity),
            ts: "\(1_700_000_000 + Int(minute * 60)).000200",
            at: StoreFixtures.at(minutes: minute)
        )
    }

    @Test("Flips are resolutions and re-fires; the first opening is not one")
    func countsFlips() async throws {
        let store = try await StoreFixtures.inMemory()
        try await flap(store, posts: 4)  // fire, resolve, fire, resolve → 3 flips
        let state = try await store.flapping(
            workspace: ws,
            identity: identity,
            window: .seconds(3600),
            threshold: 4,
            now: StoreFixtures.at(minutes: 4)
        )
        #expect(state.transitions == 3)
        #expect(state.isFlapping == false)

        try await flap(store, posts: 1, start: 4)  // fire again → 4 flips
        let flapping = try await store.flapping(workspace: ws, identity: identity, now: StoreFixtures.at(minutes: 5))
        #expect(flapping.transitions == 4)
        #expect(flapping.isFlapping)
        #expect(flapping.alreadyFlagged == false)

        // Outside the window the flips no longer count; other workspaces never do.
        let later = try await store.flapping(
            workspace: ws,
            identity: identity,
            window: .seconds(3600),
            threshold: 4,
            now: StoreFixtures.at(minutes: 120)
        )
        #expect(later.transitions == 0)
        let elsewhere = try await store.flapping(
            workspace: "T1OTHER",
            identity: identity,
            window: .seconds(3600),
            threshold: 4,
            now: StoreFixtures.at(minutes: 5)
        )
        #expect(elsewhere.transitions == 0)
    }

    @Test("An identity is flagged once per window, even across its incidents")
    func flaggedOnce() async throws {
        let store = try await StoreFixtures.inMemory()
        let current = try #require(try await flap(store, posts: 5)?.incident)
        #expect(try await store.markFlapping(incidentID: current.id, at: StoreFixtures.at(minutes: 5)))
        #expect(try await store.markFlapping(incidentID: current.id, at: StoreFixtures.at(minutes: 5)) == false)

        let state = try await store.flapping(workspace: ws, identity: identity, now: StoreFixtures.at(minutes: 6))
        #expect(state.alreadyFlagged)
        #expect(state.flaggedAt == StoreFixtures.at(minutes: 5))

        // It keeps flapping: the next incident of the identity is not flagged again within the window.
        _ = try await post(store, .resolved, minute: 6)
        let next = try #require(try await post(store, .firing, minute: 7).incident)
        #expect(next.id != current.id)
        #expect(try await store.markFlapping(incidentID: next.id, at: StoreFixtures.at(minutes: 8)) == false)

        // After the window, a new incident can be flagged again.
        _ = try await post(store, .resolved, minute: 199)
        let much = try #require(try await post(store, .firing, minute: 200).incident)
        #expect(much.id != next.id)
        #expect(try await store.markFlapping(incidentID: much.id, at: StoreFixtures.at(minutes: 200)))
        #expect(try await store.markFlapping(incidentID: 987_654, at: StoreFixtures.t0) == false)
    }

    @Test("Concurrent flagging of the same identity lets exactly one caller investigate")
    func concurrentFlagging() async throws {
        let store = try await StoreFixtures.inMemory()
        let current = try #require(try await flap(store, posts: 5)?.incident)
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask { try await store.markFlapping(incidentID: current.id, at: StoreFixtures.at(minutes: 5)) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
    }
}
