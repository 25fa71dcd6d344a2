import Foundation
import GRDB
import AlertReading
import VigilBase

/// Conversions between rows and the store's value types, and small helpers shared by the store's extensions.
extension SQLiteVigilStore {
    // MARK: Time

    /// Epoch seconds, the stored form of every time.
    static func epoch(_ date: Date) -> Double { date.timeIntervalSince1970 }

    /// The date of stored epoch seconds.
    static func date(_ epoch: Double) -> Date { Date(timeIntervalSince1970: epoch) }

    /// The date of optional stored epoch seconds.
    static func date(_ epoch: Double?) -> Date? { epoch.map { Date(timeIntervalSince1970: $0) } }

    /// A duration in (fractional) seconds, for arithmetic on stored times.
    static func seconds(_ duration: Duration) -> Double {
        let components = duration.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    // MARK: JSON columns

    /// Labels as stored: a JSON object with sorted keys.
    static func encodeJSON(_ labels: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(labels), as: UTF8.self)
    }

    /// Links as stored: a JSON array.
    static func encodeJSON(_ links: [AlertLink]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(links), as: UTF8.self)
    }

    /// Decodes a JSON column, throwing ``VigilStoreError/Kind/invalidStoredValue`` (without echoing the content).
    static func decodeJSON<Value: Decodable>(
        _ type: Value.Type,
        _ text: String,
        table: String,
        column: String
    ) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw VigilStoreError.invalidStoredValue(table: table, column: column, value: nil)
        }
    }

    /// Decodes an enumeration column, throwing ``VigilStoreError/Kind/invalidStoredValue`` for unknown codes.
    static func decodeRaw<Value: RawRepresentable>(
        _ type: Value.Type,
        _ raw: String,
        table: String,
        column: String
    ) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: raw) else {
            throw VigilStoreError.invalidStoredValue(table: table, column: column, value: String(raw.prefix(80)))
        }
        return value
    }

    // MARK: Rows

    /// An `incidents` row.
    static func incident(from row: Row) throws -> Incident {
        Incident(
            id: row["id"],
            workspace: row["workspace"],
            identity: row["identity"],
            channel: row["channel"],
            rootTS: row["root_ts"],
            status: try decodeRaw(IncidentStatus.self, row["status"], table: "incidents", column: "status"),
            severity: try decodeRaw(AlertSeverity.self, row["severity"], table: "incidents", column: "severity"),
            name: row["name"],
            source: try decodeRaw(AlertSource.self, row["source"], table: "incidents", column: "source"),
            summary: row["summary"],
            labels: try decodeJSON([String: String].self, row["labels"], table: "incidents", column: "labels"),
            host: row["host"],
            service: row["service"],
            firstSeen: date(row["first_seen"] as Double),
            lastSeen: date(row["last_seen"] as Double),
            occurrences: row["occurrences"],
            transitions: row["transitions"],
            resolvedAt: date(row["resolved_at"] as Double?),
            resolvedBy: row["resolved_by"],
            acknowledgedBy: row["acknowledged_by"],
            acknowledgedAt: date(row["acknowledged_at"] as Double?),
            investigationTS: row["investigation_ts"],
            flappingFlaggedAt: date(row["flapping_flagged_at"] as Double?)
        )
    }

    /// An `alerts` row.
    static func storedAlert(from row: Row) throws -> StoredAlert {
        let alert = Alert(
            source: try decodeRaw(AlertSource.self, row["source"], table: "alerts", column: "source"),
            status: try decodeRaw(AlertStatus.self, row["status"], table: "alerts", column: "status"),
            severity: try decodeRaw(AlertSeverity.self, row["severity"], table: "alerts", column: "severity"),
            name: row["name"],
            summary: row["summary"],
            labels: try decodeJSON([String: String].self, row["labels"], table: "alerts", column: "labels"),
            host: row["host"],
            service: row["service"],
            links: try decodeJSON([AlertLink].self, row["links"], table: "alerts", column: "links"),
            identity: row["identity"]
        )
        return StoredAlert(
            workspace: row["workspace"],
            channel: row["channel"],
            ts: row["ts"],
            threadTS: row["thread_ts"],
            alert: alert,
            receivedAt: date(row["received_at"] as Double),
            incidentID: row["incident_id"]
        )
    }

    /// An `incident_transitions` row.
    static func transition(from row: Row) throws -> IncidentTransition {
        let from: String? = row["from_status"]
        return IncidentTransition(
            incidentID: row["incident_id"],
            at: date(row["at"] as Double),
            from: try from.map {
                try decodeRaw(IncidentStatus.self, $0, table: "incident_transitions", column: "from_status")
            },
            to: try decodeRaw(
                IncidentStatus.self,
                row["to_status"],
                table: "incident_transitions",
                column: "to_status"
            ),
            actor: row["actor"]
        )
    }

    /// A `watched_channels` row.
    static func watchedChannel(from row: Row) throws -> WatchedChannel {
        WatchedChannel(
            workspace: row["workspace"],
            channel: row["channel"],
            addedBy: row["added_by"],
            source: try decodeRaw(
                WatchedChannel.Source.self,
                row["source"],
                table: "watched_channels",
                column: "source"
            ),
            addedAt: date(row["added_at"] as Double)
        )
    }

    /// A `silences` row.
    static func silence(from row: Row) throws -> Silence {
        let kind: String = row["matcher_kind"]
        let pattern: String = row["pattern"]
        let matcher: Silence.Matcher
        switch kind {
        case "identity": matcher = .identity(pattern)
        case "name_glob": matcher = .nameGlob(pattern)
        default: throw VigilStoreError.invalidStoredValue(table: "silences", column: "matcher_kind", value: kind)
        }
        return Silence(
            id: row["id"],
            workspace: row["workspace"],
            matcher: matcher,
            createdBy: row["created_by"],
            reason: row["reason"],
            createdAt: date(row["created_at"] as Double),
            expiresAt: date(row["expires_at"] as Double)
        )
    }

    /// An `audit_log` row.
    static func auditEntry(from row: Row) throws -> AuditEntry {
        AuditEntry(
            id: row["id"],
            workspace: row["workspace"],
            at: date(row["at"] as Double),
            actor: row["actor"],
            action: row["action"],
            target: row["target"],
            detail: row["detail"],
            via: try decodeRaw(AuditEntry.Via.self, row["via"], table: "audit_log", column: "via")
        )
    }

    /// A `storm_summaries` row.
    static func stormSummary(from row: Row) -> StormSummary {
        StormSummary(
            workspace: row["workspace"],
            channel: row["channel"],
            messageTS: row["message_ts"],
            windowStart: date(row["window_start"] as Double),
            windowEnd: date(row["window_end"] as Double),
            alertCount: row["alert_count"]
        )
    }
}
