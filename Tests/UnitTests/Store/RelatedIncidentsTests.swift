import AlertReading
import VigilStorage
import Foundation
import Testing

@Suite("Related incidents")
struct RelatedIncidentsTests {
    let ws = StoreFixtures.workspace

    func open(
        _ store: SQLiteVigilStore,
        identity: String,
        workspace: String = StoreFixtures.workspace,
        channel: String = StoreFixtures.channel,
        minute: Double,
        host: String? = nil,
        service: String? = nil,
        labels: [String: String] = [:]
    ) async throws -> Incident {
        let outcome = try await store.record(
            StoreFixtures.alert(
                .firing, identity: identity, name: identity, host: host, service: service, labels: labels),
            workspace: workspace,
            channel: channel,
            ts: "\(1_700_000_000 + Int(minute * 60)).\(identity.count)",
            at: StoreFixtures.at(minutes: minute)
        )
        return try #require(outcome.incident)
    }

    @Test("Shared host (instance with port), service or namespace within ±15 minutes, any channel, same workspace")
    func related() async throws {
        let store = try await StoreFixtures.inMemory()
        let anchor = try await open(
            store,
            identity: "HighCPU",
            minute: 60,
            host: "web-1",
            service: "checkout",
            labels: ["namespace": "shop", "cluster": "eu-1"]
        )
        let byInstance = try await open(
            store,
            identity: "NodeDown",
            channel: "C0INFRA",
            minute: 65,
            labels: ["instance": "WEB-1:9100"]
        )
        let byService = try await open(store, identity: "Latency", minute: 50, service: "Checkout")
        let byNamespace = try await open(store, identity: "PodCrash", minute: 70, labels: ["namespace": "shop"])
        _ = try await open(store, identity: "Unrelated", minute: 61, host: "db-9")
        _ = try await open(store, identity: "TooLate", minute: 90, host: "web-1")
        _ = try await open(store, identity: "OtherTeam", workspace: "T1OTHER", minute: 60, host: "web-1")

        let related = try await store.relatedIncidents(workspace: ws, around: anchor)
        #expect(related.map(\.id) == [byService.id, byInstance.id, byNamespace.id])
        #expect(!related.contains { $0.id == anchor.id })
    }

    @Test("An older incident still active (or resolved) inside the window is related; one that ended before is not")
    func spanOverlap() async throws {
        let store = try await StoreFixtures.inMemory()
        let longRunning = try await open(store, identity: "LongRunning", minute: 0, host: "web-1")
        // Repeats keep it alive up to minute 50.
        _ = try await store.record(
            StoreFixtures.alert(.firing, identity: "LongRunning", host: "web-1"),
            ts: "1700003000.000001",
            at: StoreFixtures.at(minutes: 50)
        )
        let ended = try await open(store, identity: "Ended", minute: 0, host: "web-1")
        _ = try await store.record(
            StoreFixtures.alert(.resolved, identity: "Ended"),
            ts: "1700000600.000001",
            at: StoreFixtures.at(minutes: 10)
        )
        let anchor = try await open(store, identity: "Anchor", minute: 60, host: "web-1")
        let related = try await store.relatedIncidents(workspace: ws, around: anchor, within: .seconds(15 * 60))
        #expect(related.map(\.id) == [longRunning.id])
        #expect(!related.contains { $0.id == ended.id })
    }

    @Test("An incident with no host, service or grouping labels relates to nothing")
    func noFacets() async throws {
        let store = try await StoreFixtures.inMemory()
        let anchor = try await open(store, identity: "Bare", minute: 0)
        _ = try await open(store, identity: "AlsoBare", minute: 1)
        #expect(try await store.relatedIncidents(workspace: ws, around: anchor).isEmpty)
    }
}
