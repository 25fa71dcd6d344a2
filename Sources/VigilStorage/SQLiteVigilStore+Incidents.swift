import Foundation
import GRDB
import AlertReading
import VigilBase

extension SQLiteVigilStore {
    // MARK: Recording alerts

    public func recordAlert(
        _ alert: Alert,
        workspace: String,
        channel: String,
        ts: String,
        threadTS: String?,
        at: Date
    ) async throws -> AlertRecordOutcome {
        try await writer.write { db in
            let key = PostKey(workspace: workspace, channel: channel, ts: ts)
            guard try Self.insertAlertRow(db, alert, key: key, threadTS: threadTS, at: at) else {
                return .duplicate(try Self.incidentOfAlertRow(db, key))
            }
            let outcome = try Self.applyByIdentity(
                db,
                alert,
                identity: alert.identity,
                key: key,
                rootTS: ts,
                at: at
            )
            try Self.linkAlertRow(db, key, to: outcome.incident)
            return outcome
        }
    }

    public func applyStateChange(
        workspace: String,
        channel: String,
        rootTS: String,
        ts: String?,
        alert: Alert,
        at: Date
    ) async throws -> AlertRecordOutcome {
        try await writer.write { db in
            let rootKey = PostKey(workspace: workspace, channel: channel, ts: rootTS)
            let messageKey = PostKey(workspace: workspace, channel: channel, ts: ts ?? rootTS)
            if messageKey == rootKey {
                try Self.upsertAlertRow(db, alert, key: rootKey, at: at)
            } else if try !Self.insertAlertRow(db, alert, key: messageKey, threadTS: rootTS, at: at) {
                return .duplicate(try Self.incidentOfAlertRow(db, messageKey))
            }

            let linked = try Self.latestIncident(db, rootedAt: rootKey) ?? Self.incidentOfAlertRow(db, rootKey)
            let outcome: AlertRecordOutcome
            if let linked {
                outcome = try Self.apply(db, alert, toLinked: linked, key: messageKey, rootTS: rootTS, at: at)
            } else {
                outcome = try Self.applyByIdentity(
                    db,
                    alert,
                    identity: alert.identity,
                    key: messageKey,
                    rootTS: rootTS,
                    at: at
                )
            }
            try Self.linkAlertRow(db, messageKey, to: outcome.incident)
            return outcome
        }
    }

    // MARK: Reading

    public func alert(workspace: String, channel: String, ts: String) async throws -> StoredAlert? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM alerts WHERE workspace = ? AND channel = ? AND ts = ?",
                arguments: [workspace, channel, ts]
            ).map(Self.storedAlert(from:))
        }
    }

    public func incident(id: Int64) async throws -> Incident? {
        try await writer.read { db in try Self.fetchIncident(db, id: id) }
    }

    public func incident(workspace: String, channel: String, rootTS: String) async throws -> Incident? {
        try await writer.read { db in
            try Self.latestIncident(db, rootedAt: PostKey(workspace: workspace, channel: channel, ts: rootTS))
        }
    }

    public func openIncidents(workspace: String, channel: String?) async throws -> [Incident] {
        try await writer.read { db in
            let rows: [Row]
            if let channel {
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM incidents WHERE workspace = ? AND channel = ? AND status <> 'resolved'
                        ORDER BY first_seen, id
                        """,
                    arguments: [workspace, channel]
                )
            } else {
                rows = try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM incidents WHERE workspace = ? AND status <> 'resolved' ORDER BY first_seen, id",
                    arguments: [workspace]
                )
            }
            return try rows.map(Self.incident(from:))
        }
    }

    public func latestIncident(workspace: String, named name: String) async throws -> Incident? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM incidents WHERE workspace = ? AND name = ? COLLATE NOCASE
                    ORDER BY status <> 'resolved' DESC, last_seen DESC, id DESC LIMIT 1
                    """,
                arguments: [workspace, name]
            ).map(Self.incident(from:))
        }
    }

    public func channels(ofIdentity identity: String, workspace: String) async throws -> Set<String> {
        try await writer.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: "SELECT DISTINCT channel FROM incidents WHERE workspace = ? AND identity = ?",
                    arguments: [workspace, identity]
                )
            )
        }
    }

    public func transitions(incidentID: Int64) async throws -> [IncidentTransition] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM incident_transitions WHERE incident_id = ? ORDER BY at, id",
                arguments: [incidentID]
            ).map(Self.transition(from:))
        }
    }

    // MARK: People's actions

    public func acknowledge(incidentID: Int64, by user: String, at: Date) async throws -> IncidentActionOutcome {
        try await writer.write { db in
            guard let incident = try Self.fetchIncident(db, id: incidentID) else { return .notFound }
            guard incident.status == .open else { return .unchanged(incident) }
            try db.execute(
                sql: """
                    UPDATE incidents SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?
                    WHERE id = ?
                    """,
                arguments: [user, Self.epoch(at), incidentID]
            )
            try Self.appendTransition(db, incident, at: at, from: .open, to: .acknowledged, actor: user)
            return .applied(try Self.requireIncident(db, id: incidentID))
        }
    }

    public func resolve(incidentID: Int64, by user: String, at: Date) async throws -> IncidentActionOutcome {
        try await writer.write { db in
            guard let incident = try Self.fetchIncident(db, id: incidentID) else { return .notFound }
            guard incident.isActive else { return .unchanged(incident) }
            return .applied(try Self.close(db, incident, at: at, by: user))
        }
    }

    @discardableResult
    public func setInvestigationTS(incidentID: Int64, ts: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE incidents SET investigation_ts = ?, investigation_pending = 0 WHERE id = ?",
                arguments: [ts, incidentID]
            )
            return db.changesCount > 0
        }
    }

    public func settleInvestigation(incidentID: Int64) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE incidents SET investigation_pending = 0 WHERE id = ?", arguments: [incidentID])
        }
    }

    public func incidentsAwaitingInvestigation(workspace: String) async throws -> [Incident] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM incidents
                    WHERE workspace = ? AND investigation_pending = 1 AND status <> 'resolved' AND investigation_ts IS NULL
                    ORDER BY first_seen, id
                    """,
                arguments: [workspace]
            ).map(Self.incident(from:))
        }
    }
}

// MARK: - State logic (runs inside one write transaction)

extension SQLiteVigilStore {
    /// Where a Slack post is.
    struct PostKey: Hashable, Sendable {
        /// The Slack team id.
        var workspace: String
        /// The channel id.
        var channel: String
        /// The message `ts`.
        var ts: String
    }

    /// The identity-driven state machine shared by `recordAlert` and un-linked state changes.
    /// - Parameters:
    ///   - key: The post carrying the alert (the occurrence is attributed to it).
    ///   - rootTS: The root a newly opened incident gets.
    private static func applyByIdentity(
        _ db: Database,
        _ alert: Alert,
        identity: String,
        key: PostKey,
        rootTS: String,
        at: Date
    ) throws -> AlertRecordOutcome {
        let active = try activeIncident(db, workspace: key.workspace, identity: identity)
        switch alert.status {
        case .firing:
            if let active {
                return .repeated(try refresh(db, active, with: alert, key: key, at: at, countsAsOccurrence: true))
            }
            return .opened(try open(db, alert, identity: identity, key: key, rootTS: rootTS, at: at))
        case .resolved:
            guard let active else { return .resolvedUnknown }
            let resolved = try close(db, active, at: at, by: nil)
            return .resolved(resolved, duration: resolved.timeToResolve ?? .zero)
        case .other:
            return .updated(active)
        }
    }

    /// A state change applied to the incident its root post is linked to.
    private static func apply(
        _ db: Database,
        _ alert: Alert,
        toLinked linked: Incident,
        key: PostKey,
        rootTS: String,
        at: Date
    ) throws -> AlertRecordOutcome {
        switch alert.status {
        case .firing:
            if linked.isActive {
                return .updated(try refresh(db, linked, with: alert, key: key, at: at, countsAsOccurrence: false))
            }
            // The linked incident is over: this is the identity firing again.
            return try applyByIdentity(db, alert, identity: linked.identity, key: key, rootTS: rootTS, at: at)
        case .resolved:
            guard linked.isActive else { return .updated(linked) }
            let resolved = try close(db, linked, at: at, by: nil)
            return .resolved(resolved, duration: resolved.timeToResolve ?? .zero)
        case .other:
            return .updated(linked)
        }
    }

    private static func open(
        _ db: Database,
        _ alert: Alert,
        identity: String,
        key: PostKey,
        rootTS: String,
        at: Date
    ) throws -> Incident {
        let firedBefore =
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM incidents WHERE workspace = ? AND identity = ?)",
                arguments: [key.workspace, identity]
            ) ?? false
        let id = try Int64.fetchOne(
            db,
            sql: """
                INSERT INTO incidents (
                    workspace, identity, channel, root_ts, status, severity, name, source, summary, labels,
                    host, service, first_seen, last_seen, occurrences, transitions, investigation_pending
                ) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1)
                RETURNING id
                """,
            arguments: [
                key.workspace, identity, key.channel, rootTS, alert.severity.rawValue, alert.name,
                alert.source.rawValue, alert.summary, try encodeJSON(alert.labels), alert.host, alert.service,
                epoch(at), epoch(at), firedBefore ? 1 : 0,
            ]
        )
        guard let id else { throw DatabaseError(resultCode: .SQLITE_ERROR, message: "INSERT returned no id") }
        let incident = try requireIncident(db, id: id)
        try appendTransition(db, incident, at: at, from: firedBefore ? .resolved : nil, to: .open, actor: nil)
        try appendOccurrence(db, incident, key: key, at: at)
        try addFacets(db, incident, host: alert.host, service: alert.service, labels: alert.labels)
        return incident
    }

    /// Takes the latest content of a firing alert into an active incident; a repeat also counts an occurrence.
    private static func refresh(
        _ db: Database,
        _ incident: Incident,
        with alert: Alert,
        key: PostKey,
        at: Date,
        countsAsOccurrence: Bool
    ) throws -> Incident {
        let severity = alert.severity == .unknown ? incident.severity : alert.severity
        try db.execute(
            sql: """
                UPDATE incidents SET occurrences = occurrences + ?, last_seen = ?, severity = ?, name = ?,
                    summary = ?, labels = ?, host = ?, service = ?
                WHERE id = ?
                """,
            arguments: [
                countsAsOccurrence ? 1 : 0, epoch(max(incident.lastSeen, at)), severity.rawValue,
                alert.name.isEmpty ? incident.name : alert.name, alert.summary,
                try encodeJSON(alert.labels.isEmpty ? incident.labels : alert.labels),
                alert.host ?? incident.host, alert.service ?? incident.service, incident.id,
            ]
        )
        if countsAsOccurrence {
            try appendOccurrence(db, incident, key: key, at: at)
        }
        try addFacets(db, incident, host: alert.host, service: alert.service, labels: alert.labels)
        return try requireIncident(db, id: incident.id)
    }

    /// Resolves an active incident (by the source when `user` is nil).
    private static func close(_ db: Database, _ incident: Incident, at: Date, by user: String?) throws -> Incident {
        try db.execute(
            sql: """
                UPDATE incidents SET status = 'resolved', resolved_at = ?, resolved_by = ?,
                    transitions = transitions + 1
                WHERE id = ? AND status <> 'resolved'
                """,
            arguments: [epoch(at), user, incident.id]
        )
        try appendTransition(db, incident, at: at, from: incident.status, to: .resolved, actor: user)
        return try requireIncident(db, id: incident.id)
    }

    private static func appendTransition(
        _ db: Database,
        _ incident: Incident,
        at: Date,
        from: IncidentStatus?,
        to: IncidentStatus,
        actor: String?
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO incident_transitions (incident_id, workspace, identity, at, from_status, to_status, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                incident.id, incident.workspace, incident.identity, epoch(at), from?.rawValue, to.rawValue, actor,
            ]
        )
    }

    private static func appendOccurrence(_ db: Database, _ incident: Incident, key: PostKey, at: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO incident_occurrences (incident_id, workspace, identity, at, channel, ts)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [incident.id, incident.workspace, incident.identity, epoch(at), key.channel, key.ts]
        )
    }

    private static func addFacets(
        _ db: Database,
        _ incident: Incident,
        host: String?,
        service: String?,
        labels: [String: String]
    ) throws {
        for facet in Facet.all(host: host, service: service, labels: labels) {
            try db.execute(
                sql: """
                    INSERT INTO incident_facets (incident_id, workspace, facet, value) VALUES (?, ?, ?, ?)
                    ON CONFLICT (incident_id, facet, value) DO NOTHING
                    """,
                arguments: [incident.id, incident.workspace, facet.name, facet.value]
            )
        }
    }

    // MARK: Alert rows

    /// Inserts an alert row unless the post was recorded before; returns whether it inserted.
    private static func insertAlertRow(
        _ db: Database,
        _ alert: Alert,
        key: PostKey,
        threadTS: String?,
        at: Date
    ) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO alerts (
                    workspace, channel, ts, thread_ts, identity, source, status, severity, name, labels, host,
                    service, summary, links, received_at
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace, channel, ts) DO NOTHING
                """,
            arguments: alertRowArguments(alert, key: key, threadTS: threadTS, at: at)
        )
        return db.changesCount == 1
    }

    /// Inserts an alert row, or replaces the content of an existing one (an edit), keeping its first receipt time,
    /// thread and incident link.
    private static func upsertAlertRow(_ db: Database, _ alert: Alert, key: PostKey, at: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO alerts (
                    workspace, channel, ts, thread_ts, identity, source, status, severity, name, labels, host,
                    service, summary, links, received_at
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace, channel, ts) DO UPDATE SET
                    identity = excluded.identity, source = excluded.source, status = excluded.status,
                    severity = excluded.severity, name = excluded.name, labels = excluded.labels,
                    host = excluded.host, service = excluded.service, summary = excluded.summary,
                    links = excluded.links
                """,
            arguments: alertRowArguments(alert, key: key, threadTS: nil, at: at)
        )
    }

    private static func alertRowArguments(
        _ alert: Alert,
        key: PostKey,
        threadTS: String?,
        at: Date
    ) throws -> StatementArguments {
        [
            key.workspace, key.channel, key.ts, threadTS, alert.identity, alert.source.rawValue,
            alert.status.rawValue, alert.severity.rawValue, alert.name, try encodeJSON(alert.labels), alert.host,
            alert.service, alert.summary, try encodeJSON(alert.links), epoch(at),
        ]
    }

    private static func linkAlertRow(_ db: Database, _ key: PostKey, to incident: Incident?) throws {
        guard let incident else { return }
        try db.execute(
            sql: "UPDATE alerts SET incident_id = ? WHERE workspace = ? AND channel = ? AND ts = ?",
            arguments: [incident.id, key.workspace, key.channel, key.ts]
        )
    }

    // MARK: Incident lookups

    /// The incident with this id, inside a transaction.
    static func fetchIncident(_ db: Database, id: Int64) throws -> Incident? {
        try Row.fetchOne(db, sql: "SELECT * FROM incidents WHERE id = ?", arguments: [id]).map(incident(from:))
    }

    private static func requireIncident(_ db: Database, id: Int64) throws -> Incident {
        guard let incident = try fetchIncident(db, id: id) else {
            throw DatabaseError(resultCode: .SQLITE_ERROR, message: "incident \(id) vanished inside its transaction")
        }
        return incident
    }

    /// The identity's active incident in the workspace, inside a transaction.
    static func activeIncident(_ db: Database, workspace: String, identity: String) throws -> Incident? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM incidents WHERE workspace = ? AND identity = ? AND status <> 'resolved'
                ORDER BY id DESC LIMIT 1
                """,
            arguments: [workspace, identity]
        ).map(incident(from:))
    }

    private static func latestIncident(_ db: Database, rootedAt key: PostKey) throws -> Incident? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM incidents WHERE workspace = ? AND channel = ? AND root_ts = ?
                ORDER BY id DESC LIMIT 1
                """,
            arguments: [key.workspace, key.channel, key.ts]
        ).map(incident(from:))
    }

    private static func incidentOfAlertRow(_ db: Database, _ key: PostKey) throws -> Incident? {
        let id = try Int64.fetchOne(
            db,
            sql: "SELECT incident_id FROM alerts WHERE workspace = ? AND channel = ? AND ts = ?",
            arguments: [key.workspace, key.channel, key.ts]
        )
        return try id.flatMap { try fetchIncident(db, id: $0) }
    }
}
