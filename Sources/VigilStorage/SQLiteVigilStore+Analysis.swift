import Foundation
import GRDB
import VigilBase

extension SQLiteVigilStore {
    public func history(workspace: String, identity: String, now: Date) async throws -> IncidentHistory {
        let end = Self.epoch(now)
        let dayStart = end - 24 * 3600
        let weekStart = end - 7 * 24 * 3600
        return try await writer.read { db in
            let occurrences = try Row.fetchOne(
                db,
                sql: """
                    SELECT
                        COALESCE(SUM(CASE WHEN at > ? THEN 1 ELSE 0 END), 0) AS day,
                        COUNT(*) AS week
                    FROM incident_occurrences
                    WHERE workspace = ? AND identity = ? AND at > ? AND at <= ?
                    """,
                arguments: [dayStart, workspace, identity, weekStart, end]
            )
            let incidentsLastWeek =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM incidents
                        WHERE workspace = ? AND identity = ? AND first_seen > ? AND first_seen <= ?
                        """,
                    arguments: [workspace, identity, weekStart, end]
                ) ?? 0
            let last = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, first_seen, resolved_at, resolved_by FROM incidents
                    WHERE workspace = ? AND identity = ? AND status = 'resolved' AND resolved_at <= ?
                    ORDER BY resolved_at DESC, id DESC LIMIT 1
                    """,
                arguments: [workspace, identity, end]
            )
            let mean = try Row.fetchOne(
                db,
                sql: """
                    SELECT AVG(CASE WHEN resolved_at > first_seen THEN resolved_at - first_seen ELSE 0 END) AS mean,
                        COUNT(*) AS resolved
                    FROM incidents
                    WHERE workspace = ? AND identity = ? AND status = 'resolved' AND resolved_at <= ?
                    """,
                arguments: [workspace, identity, end]
            )
            let lastResolution = last.map { row in
                let resolvedAt: Double = row["resolved_at"]
                let firstSeen: Double = row["first_seen"]
                return IncidentHistory.Resolution(
                    incidentID: row["id"],
                    resolvedAt: Self.date(resolvedAt),
                    duration: .seconds(max(0, resolvedAt - firstSeen)),
                    resolvedBy: row["resolved_by"]
                )
            }
            let meanSeconds: Double? = mean?["mean"]
            return IncidentHistory(
                identity: identity,
                occurrencesLast24Hours: occurrences?["day"] ?? 0,
                occurrencesLast7Days: occurrences?["week"] ?? 0,
                incidentsLast7Days: incidentsLastWeek,
                lastResolution: lastResolution,
                meanTimeToResolve: meanSeconds.map { .seconds($0) },
                resolvedIncidentCount: mean?["resolved"] ?? 0
            )
        }
    }

    public func flapping(
        workspace: String,
        identity: String,
        window: Duration,
        threshold: Int,
        now: Date
    ) async throws -> FlapState {
        let end = Self.epoch(now)
        let start = end - Self.seconds(window)
        return try await writer.read { db in
            let flips =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM incident_transitions
                        WHERE workspace = ? AND identity = ? AND at > ? AND at <= ?
                            AND (to_status = 'resolved' OR (to_status = 'open' AND from_status = 'resolved'))
                        """,
                    arguments: [workspace, identity, start, end]
                ) ?? 0
            let flaggedAt = try Double.fetchOne(
                db,
                sql: """
                    SELECT MAX(flapping_flagged_at) FROM incidents
                    WHERE workspace = ? AND identity = ? AND flapping_flagged_at > ? AND flapping_flagged_at <= ?
                    """,
                arguments: [workspace, identity, start, end]
            )
            return FlapState(transitions: flips, threshold: threshold, flaggedAt: Self.date(flaggedAt))
        }
    }

    public func markFlapping(incidentID: Int64, at: Date, window: Duration) async throws -> Bool {
        let windowStart = Self.epoch(at) - Self.seconds(window)
        return try await writer.write { db in
            guard let incident = try Self.fetchIncident(db, id: incidentID) else { return false }
            if incident.flappingFlaggedAt != nil { return false }
            let flaggedRecently =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (
                            SELECT 1 FROM incidents
                            WHERE workspace = ? AND identity = ? AND flapping_flagged_at > ?
                        )
                        """,
                    arguments: [incident.workspace, incident.identity, windowStart]
                ) ?? false
            if flaggedRecently { return false }
            try db.execute(
                sql: "UPDATE incidents SET flapping_flagged_at = ? WHERE id = ? AND flapping_flagged_at IS NULL",
                arguments: [Self.epoch(at), incidentID]
            )
            return db.changesCount == 1
        }
    }

    public func relatedIncidents(
        workspace: String,
        around incident: Incident,
        within: Duration
    ) async throws -> [Incident] {
        let anchor = Self.epoch(incident.firstSeen)
        let span = Self.seconds(within)
        let ownFacets = Facet.all(host: incident.host, service: incident.service, labels: incident.labels)
        return try await writer.read { db in
            // The anchor's facets: from its current content, plus whatever its earlier alerts contributed.
            var facets = ownFacets
            for row in try Row.fetchAll(
                db,
                sql: "SELECT facet, value FROM incident_facets WHERE incident_id = ? AND workspace = ?",
                arguments: [incident.id, workspace]
            ) {
                facets.insert(Facet(name: row["facet"], value: row["value"]))
            }
            guard !facets.isEmpty else { return [] }

            let sortedFacets = facets.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
            let matchClause = sortedFacets.map { _ in "(f.facet = ? AND f.value = ?)" }.joined(separator: " OR ")
            var arguments: StatementArguments = [workspace, incident.id, anchor + span, anchor - span]
            for facet in sortedFacets {
                arguments += [facet.name, facet.value]
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM incidents i
                    WHERE i.workspace = ? AND i.id <> ?
                        AND i.first_seen <= ?
                        AND COALESCE(i.resolved_at, i.last_seen) >= ?
                        AND EXISTS (
                            SELECT 1 FROM incident_facets f
                            WHERE f.incident_id = i.id AND (\(matchClause))
                        )
                    ORDER BY i.first_seen, i.id
                    """,
                arguments: arguments
            ).map(Self.incident(from:))
        }
    }

    public func recentAlertCount(workspace: String, channel: String, since: Date) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM alerts WHERE workspace = ? AND channel = ? AND received_at >= ?",
                arguments: [workspace, channel, Self.epoch(since)]
            ) ?? 0
        }
    }
}
