import VigilStorage
import AlertInvestigation
import Foundation
import Testing


@Suite("Audit log")
struct AuditLogTests {
    let ws = StoreFixtures.workspace

    @Test("Entries come back newest first, limited, and filtered by target within the workspace")
    func appendAndList() async throws {
        let store = try await StoreFixtures.inMemory()
        let ack = try await store.appendAudit(
            workspace: ws,
            at: StoreFixtures.at(minutes: 1),
            actor: "U0ALICE",
            action: "incident.acknowledge",
            target: "incident:1",
            detail: "",
            via: .button
        )
        try await store.appendAudit(
            workspace: ws,
            at: StoreFixtures.at(minutes: 2),
            actor: "U0BOB",
            action: "channel.watch",
            target: "C0ALERTS",
            detail: "from /vigil watch",
            via: .command
        )
        let resolve = try await store.appendAudit(
            workspace: ws,
            at: StoreFixtures.at(minutes: 3),
            actor: nil,
            action: "incident.resolve",
            target: "incident:1",
            detail: "resolved by Alertmanager",
            via: .system
        )
        try await store.appendAudit(
            workspace: "T1OTHER",
            at: StoreFixtures.at(minutes: 4),
            actor: "U9EVE",
            action: "incident.resolve",
            target: "incident:1",
            detail: "",
            via: .text
        )

        let recent = try await store.recentAudit(workspace: ws, limit: 2)
        #expect(recent.map(\.action) == ["incident.resolve", "channel.watch"])
        #expect(recent.first == resolve)

        let forIncident = try await store.auditEntries(workspace: ws, target: "incident:1", limit: 10)
        #expect(forIncident == [resolve, ack])
        #expect(forIncident.last?.actor == "U0ALICE")
        #expect(forIncident.first?.actor == nil)
        #expect(forIncident.first?.via == .system)
    }
}
