import AlertReading
import VigilStorage
import Foundation
import Testing

@Suite("Incident lifecycle from alert posts")
struct IncidentLifecycleTests {
    let ws = StoreFixtures.workspace
    let channel = StoreFixtures.channel

    @Test("Firing opens, firing again repeats, resolved closes with the duration")
    func openRepeatResolve() async throws {
        let store = try await StoreFixtures.inMemory()
        let opened = try await store.record(
            StoreFixtures.alert(.firing, severity: .warning, host: "web-1"),
            ts: "1700000000.000100",
            at: StoreFixtures.t0
        )
        guard case .opened(let incident) = opened else {
            Issue.record("expected .opened, got \(opened)")
            return
        }
        #expect(incident.status == .open)
        #expect(incident.rootTS == "1700000000.000100")
        #expect(incident.occurrences == 1)
        #expect(incident.severity == .warning)
        #expect(incident.host == "web-1")
        #expect(incident.firstSeen == StoreFixtures.t0)

        let repeated = try await store.record(
            StoreFixtures.alert(.firing, severity: .critical),
            ts: "1700000300.000100",
            at: StoreFixtures.at(minutes: 5)
        )
        guard case .repeated(let bumped) = repeated else {
            Issue.record("expected .repeated, got \(repeated)")
            return
        }
        #expect(bumped.id == incident.id)
        #expect(bumped.occurrences == 2)
        #expect(bumped.lastSeen == StoreFixtures.at(minutes: 5))
        #expect(bumped.severity == .critical)
        #expect(bumped.host == "web-1", "a later alert without a host keeps the known one")
        #expect(bumped.rootTS == "1700000000.000100")

        let resolved = try await store.record(
            StoreFixtures.alert(.resolved), ts: "1700000600.000100", at: StoreFixtures.at(minutes: 10))
        guard case .resolved(let closed, let duration) = resolved else {
            Issue.record("expected .resolved, got \(resolved)")
            return
        }
        #expect(closed.id == incident.id)
        #expect(closed.status == .resolved)
        #expect(closed.resolvedAt == StoreFixtures.at(minutes: 10))
        #expect(closed.resolvedBy == nil)
        #expect(duration == .seconds(600))
        #expect(closed.transitions == 1)

        let transitions = try await store.transitions(incidentID: incident.id)
        #expect(transitions.map(\.from) == [nil, .open])
        #expect(transitions.map(\.to) == [.open, .resolved])
        #expect(try await store.openIncidents(workspace: ws, channel: nil).isEmpty)

        let stored = try #require(try await store.alert(workspace: ws, channel: channel, ts: "1700000300.000100"))
        #expect(stored.incidentID == incident.id)
        #expect(stored.alert.links.first?.label == "Alertmanager")
        #expect(stored.alert.severity == .critical)
    }

    @Test("A new incident owes an investigation until it is posted or settled; resolved ones are not owed")
    func owedInvestigations() async throws {
        let store = try await StoreFixtures.inMemory()
        func open(_ identity: String, ts: String) async throws -> Incident {
            try await store.open(StoreFixtures.alert(.firing, identity: identity), ts: ts, at: StoreFixtures.t0)
        }
        let posted = try await open("a", ts: "1700000000.000100")
        let settled = try await open("b", ts: "1700000000.000200")
        let resolved = try await open("c", ts: "1700000000.000300")
        let interrupted = try await open("d", ts: "1700000000.000400")
        #expect(try await store.incidentsAwaitingInvestigation(workspace: ws).map(\.id) == [posted.id, settled.id, resolved.id, interrupted.id])
        try await store.setInvestigationTS(incidentID: posted.id, ts: "1700000001.000100")
        try await store.settleInvestigation(incidentID: settled.id)
        _ = try await store.resolve(incidentID: resolved.id, by: "U0TEST", at: StoreFixtures.at(minutes: 1))
        #expect(try await store.incidentsAwaitingInvestigation(workspace: ws).map(\.id) == [interrupted.id])
        #expect(try await store.incidentsAwaitingInvestigation(workspace: "T0OTHER").isEmpty)
    }

    @Test("A resolved alert with nothing open is resolvedUnknown")
    func resolvedUnknown() async throws {
        let store = try await StoreFixtures.inMemory()
        let outcome = try await store.record(
            StoreFixtures.alert(.resolved), ts: "1700000000.000100", at: StoreFixtures.t0)
        #expect(outcome == .resolvedUnknown)
        #expect(try await store.recentAlertCount(workspace: ws, channel: channel, since: StoreFixtures.t0) == 1)
    }

    @Test("Re-firing after resolution opens a new incident, logged as a flip from resolved")
    func refireOpensNewIncident() async throws {
        let store = try await StoreFixtures.inMemory()
        let first = try await store.open(StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.t0)
        _ = try await store.record(StoreFixtures.alert(.resolved), ts: "100.000002", at: StoreFixtures.at(minutes: 1))
        let outcome = try await store.record(
            StoreFixtures.alert(.firing), ts: "100.000003", at: StoreFixtures.at(minutes: 2))
        guard case .opened(let second) = outcome else {
            Issue.record("expected .opened, got \(outcome)")
            return
        }
        #expect(second.id != first.id)
        #expect(second.rootTS == "100.000003")
        #expect(second.transitions == 1)
        let log = try await store.transitions(incidentID: second.id)
        #expect(log.count == 1)
        #expect(log.first?.from == .resolved && log.first?.to == .open)
        #expect(log.first?.isFlip == true)
        #expect(try await store.incident(id: first.id)?.status == .resolved)
    }

    @Test("The same post recorded twice is a duplicate and changes nothing")
    func duplicatePost() async throws {
        let store = try await StoreFixtures.inMemory()
        let first = try await store.record(StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.t0)
        let again = try await store.record(
            StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.at(minutes: 1))
        #expect(again == .duplicate(first.incident))
        #expect(try await store.incident(id: try #require(first.incident?.id))?.occurrences == 1)
    }

    @Test("An `other` status is an update of the open incident, or of nothing")
    func otherStatus() async throws {
        let store = try await StoreFixtures.inMemory()
        let none = try await store.record(StoreFixtures.alert(.other), ts: "100.000001", at: StoreFixtures.t0)
        #expect(none == .updated(nil))
        let opened = try await store.record(StoreFixtures.alert(.firing), ts: "100.000002", at: StoreFixtures.t0)
        let updated = try await store.record(
            StoreFixtures.alert(.other), ts: "100.000003", threadTS: "100.000002", at: StoreFixtures.at(minutes: 1))
        #expect(updated == .updated(opened.incident))
        #expect(try await store.transitions(incidentID: try #require(opened.incident?.id)).count == 1)
    }

    @Test("Identities are per workspace")
    func workspacesAreSeparate() async throws {
        let store = try await StoreFixtures.inMemory()
        let a = try await store.record(
            StoreFixtures.alert(.firing), workspace: "T0TEST", ts: "100.000001", at: StoreFixtures.t0)
        let b = try await store.record(
            StoreFixtures.alert(.firing), workspace: "T1OTHER", ts: "100.000001", at: StoreFixtures.t0)
        guard case .opened(let incidentA) = a, case .opened(let incidentB) = b else {
            Issue.record("expected two openings, got \(a) and \(b)")
            return
        }
        #expect(incidentA.id != incidentB.id)
        #expect(try await store.openIncidents(workspace: "T0TEST", channel: nil).map(\.id) == [incidentA.id])
    }

    @Test("Acknowledged incidents still collect repeats and close on a resolved alert")
    func acknowledgeThenResolveByAlert() async throws {
        let store = try await StoreFixtures.inMemory()
        let incident = try await store.open(StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.t0)
        let ack = try await store.acknowledge(incidentID: incident.id, by: "U0ALICE", at: StoreFixtures.at(minutes: 1))
        guard case .applied(let acknowledged) = ack else {
            Issue.record("expected .applied, got \(ack)")
            return
        }
        #expect(acknowledged.status == .acknowledged)
        #expect(acknowledged.acknowledgedBy == "U0ALICE")
        #expect(acknowledged.acknowledgedAt == StoreFixtures.at(minutes: 1))

        let second = try await store.acknowledge(incidentID: incident.id, by: "U0BOB", at: StoreFixtures.at(minutes: 2))
        #expect(second == .unchanged(acknowledged))

        let repeated = try await store.record(
            StoreFixtures.alert(.firing), ts: "100.000002", at: StoreFixtures.at(minutes: 3))
        #expect(repeated.incident?.id == incident.id)
        #expect(repeated.incident?.status == .acknowledged)
        #expect(repeated.incident?.occurrences == 2)

        let resolved = try await store.record(
            StoreFixtures.alert(.resolved), ts: "100.000003", at: StoreFixtures.at(minutes: 4))
        guard case .resolved(_, let duration) = resolved else {
            Issue.record("expected .resolved, got \(resolved)")
            return
        }
        #expect(duration == .seconds(240))
        let log = try await store.transitions(incidentID: incident.id)
        #expect(log.map(\.to) == [.open, .acknowledged, .resolved])
        #expect(log.map(\.actor) == [nil, "U0ALICE", nil])
    }

    @Test("Resolving by hand records who, and a later resolved alert is resolvedUnknown")
    func resolveByHand() async throws {
        let store = try await StoreFixtures.inMemory()
        let incident = try await store.open(StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.t0)
        let outcome = try await store.resolve(incidentID: incident.id, by: "U0ALICE", at: StoreFixtures.at(minutes: 7))
        guard case .applied(let resolved) = outcome else {
            Issue.record("expected .applied, got \(outcome)")
            return
        }
        #expect(resolved.status == .resolved)
        #expect(resolved.resolvedBy == "U0ALICE")
        #expect(resolved.timeToResolve == .seconds(420))
        #expect(
            try await store.resolve(incidentID: incident.id, by: "U0BOB", at: StoreFixtures.at(minutes: 8))
                == .unchanged(resolved)
        )
        #expect(try await store.resolve(incidentID: 999_999, by: "U0BOB", at: StoreFixtures.t0) == .notFound)
        #expect(
            try await store.acknowledge(incidentID: incident.id, by: "U0BOB", at: StoreFixtures.t0)
                == .unchanged(resolved)
        )
        let late = try await store.record(
            StoreFixtures.alert(.resolved), ts: "100.000002", at: StoreFixtures.at(minutes: 9))
        #expect(late == .resolvedUnknown)
    }

    @Test("An edit of the root post resolves its incident, found by root ts")
    func editResolvesByRoot() async throws {
        let store = try await StoreFixtures.inMemory()
        let incident = try await store.open(
            StoreFixtures.alert(.firing, identity: "zabbix:event:77"), ts: "100.000001", at: StoreFixtures.t0)
        #expect(try await store.incident(workspace: ws, channel: channel, rootTS: "100.000001")?.id == incident.id)

        // Zabbix recovery edits the original post; the parsed identity may differ slightly; the root wins.
        let outcome = try await store.applyChange(
            StoreFixtures.alert(.resolved, identity: "zabbix:event:77:recovered"), rootTS: "100.000001",
            at: StoreFixtures.at(minutes: 3))
        guard case .resolved(let resolved, let duration) = outcome else {
            Issue.record("expected .resolved, got \(outcome)")
            return
        }
        #expect(resolved.id == incident.id)
        #expect(duration == .seconds(180))
        let stored = try #require(try await store.alert(workspace: ws, channel: channel, ts: "100.000001"))
        #expect(stored.alert.status == .resolved, "an edit replaces the stored content")
        #expect(stored.receivedAt == StoreFixtures.t0, "…but keeps the first receipt time")

        // Applying the same edit again changes nothing.
        let again = try await store.applyChange(
            StoreFixtures.alert(.resolved, identity: "zabbix:event:77"), rootTS: "100.000001",
            at: StoreFixtures.at(minutes: 4))
        #expect(again == .updated(resolved))
    }

    @Test("An edit of a repeat post finds the incident through the post's link")
    func editOfRepeatPost() async throws {
        let store = try await StoreFixtures.inMemory()
        let incident = try await store.open(StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.t0)
        _ = try await store.record(StoreFixtures.alert(.firing), ts: "100.000002", at: StoreFixtures.at(minutes: 1))
        let firingEdit = try await store.applyChange(
            StoreFixtures.alert(.firing), rootTS: "100.000002", at: StoreFixtures.at(minutes: 2))
        #expect(firingEdit.incident?.id == incident.id)
        #expect(firingEdit.incident?.occurrences == 2, "an edit is not a new occurrence")
        #expect(firingEdit.incident?.lastSeen == StoreFixtures.at(minutes: 2))
        if case .updated = firingEdit {} else { Issue.record("expected .updated, got \(firingEdit)") }

        let outcome = try await store.applyChange(
            StoreFixtures.alert(.resolved), rootTS: "100.000002", at: StoreFixtures.at(minutes: 5))
        #expect(outcome.incident?.id == incident.id)
        #expect(outcome.incident?.status == .resolved)
    }

    @Test("A bot reply in the thread updates the root's incident; the reply is stored once")
    func threadReply() async throws {
        let store = try await StoreFixtures.inMemory()
        let incident = try await store.open(StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.t0)
        let outcome = try await store.applyChange(
            StoreFixtures.alert(.resolved), rootTS: "100.000001", ts: "100.000009", at: StoreFixtures.at(minutes: 2))
        #expect(outcome.incident?.id == incident.id)
        #expect(outcome.incident?.status == .resolved)
        let reply = try #require(try await store.alert(workspace: ws, channel: channel, ts: "100.000009"))
        #expect(reply.threadTS == "100.000001")
        #expect(reply.incidentID == incident.id)
        let root = try #require(try await store.alert(workspace: ws, channel: channel, ts: "100.000001"))
        #expect(root.alert.status == .firing, "a reply does not rewrite the root post")

        let again = try await store.applyChange(
            StoreFixtures.alert(.resolved), rootTS: "100.000001", ts: "100.000009", at: StoreFixtures.at(minutes: 3))
        #expect(again == .duplicate(outcome.incident))
    }

    @Test("A firing edit of a resolved root opens a new incident rooted at the same post")
    func firingEditAfterResolution() async throws {
        let store = try await StoreFixtures.inMemory()
        let first = try await store.open(StoreFixtures.alert(.firing), ts: "100.000001", at: StoreFixtures.t0)
        _ = try await store.applyChange(
            StoreFixtures.alert(.resolved), rootTS: "100.000001", at: StoreFixtures.at(minutes: 1))
        let outcome = try await store.applyChange(
            StoreFixtures.alert(.firing), rootTS: "100.000001", at: StoreFixtures.at(minutes: 2))
        guard case .opened(let second) = outcome else {
            Issue.record("expected .opened, got \(outcome)")
            return
        }
        #expect(second.id != first.id)
        #expect(second.rootTS == "100.000001")
        #expect(try await store.incident(workspace: ws, channel: channel, rootTS: "100.000001")?.id == second.id)
    }

    @Test("A state change for an unknown root falls back to the identity")
    func unknownRootFallsBackToIdentity() async throws {
        let store = try await StoreFixtures.inMemory()
        let outcome = try await store.applyChange(
            StoreFixtures.alert(.firing), rootTS: "100.000005", at: StoreFixtures.t0)
        guard case .opened(let incident) = outcome else {
            Issue.record("expected .opened, got \(outcome)")
            return
        }
        #expect(incident.rootTS == "100.000005")
        let stored = try #require(try await store.alert(workspace: ws, channel: channel, ts: "100.000005"))
        #expect(stored.incidentID == incident.id)
    }

    @Test("Open incidents filter by channel; the investigation ts is remembered")
    func openIncidentsAndInvestigation() async throws {
        let store = try await StoreFixtures.inMemory()
        let a = try await store.open(
            StoreFixtures.alert(.firing, identity: "a"), channel: "C0ONE", ts: "100.000001", at: StoreFixtures.t0)
        let b = try await store.open(
            StoreFixtures.alert(.firing, identity: "b"), channel: "C0TWO", ts: "100.000002",
            at: StoreFixtures.at(minutes: 1))
        #expect(try await store.openIncidents(workspace: ws, channel: nil).map(\.id) == [a.id, b.id])
        #expect(try await store.openIncidents(workspace: ws, channel: "C0TWO").map(\.id) == [b.id])

        #expect(try await store.setInvestigationTS(incidentID: a.id, ts: "100.000050"))
        #expect(try await store.incident(id: a.id)?.investigationTS == "100.000050")
        #expect(try await store.setInvestigationTS(incidentID: 424_242, ts: "1.0") == false)
    }

    @Test("Storm control counts alert posts in a channel since a time")
    func recentAlertCount() async throws {
        let store = try await StoreFixtures.inMemory()
        for index in 0..<5 {
            _ = try await store.record(
                StoreFixtures.alert(.firing, identity: "storm-\(index)"),
                ts: "200.00000\(index)",
                at: StoreFixtures.at(minutes: Double(index))
            )
        }
        #expect(
            try await store.recentAlertCount(workspace: ws, channel: channel, since: StoreFixtures.at(minutes: 2)) == 3
        )
        #expect(try await store.recentAlertCount(workspace: ws, channel: "C9QUIET", since: StoreFixtures.t0) == 0)
        #expect(
            try await store.recentAlertCount(workspace: "T1OTHER", channel: channel, since: StoreFixtures.t0) == 0
        )
    }
}

