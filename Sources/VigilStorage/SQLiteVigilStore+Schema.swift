import GRDB
import VigilBase

extension SQLiteVigilStore {
    /// The schema, as named migrations applied in order and recorded in the database.
    ///
    /// Rules for changing it: never edit or rename a shipped migration; add `v2`, `v3`… Each migration runs in its
    /// own transaction. The SQL sticks to what PostgreSQL also accepts where that is easy (see the type's docs).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            for statement in schemaV1 {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("v2") { db in
            // `history <alert name>` looks incidents up by name.
            try db.execute(sql: "CREATE INDEX incidents_by_name ON incidents (workspace, name COLLATE NOCASE, last_seen)")
        }
        migrator.registerMigration("v3") { db in
            // A new incident's investigation is owed until it is posted or deliberately skipped; one interrupted
            // (a shutdown, Slack failing for good) is resumed at the next start or reconnect.
            try db.execute(sql: "ALTER TABLE incidents ADD COLUMN investigation_pending INTEGER NOT NULL DEFAULT 0")
            try db.execute(
                sql: "CREATE INDEX incidents_investigation_pending ON incidents (workspace) WHERE investigation_pending = 1")
        }
        return migrator
    }

    private static let schemaV1: [String] = [
        // Dedupe gates.
        """
        CREATE TABLE processed_events (
            workspace TEXT NOT NULL,
            event_id TEXT NOT NULL,
            processed_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (workspace, event_id)
        )
        """,
        "CREATE INDEX processed_events_by_time ON processed_events (processed_at)",
        """
        CREATE TABLE handled_messages (
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            purpose TEXT NOT NULL,
            handled_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (workspace, channel, ts, purpose)
        )
        """,
        "CREATE INDEX handled_messages_by_time ON handled_messages (handled_at)",

        // Incidents and their logs.
        """
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace TEXT NOT NULL,
            identity TEXT NOT NULL,
            channel TEXT NOT NULL,
            root_ts TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
            severity TEXT NOT NULL,
            name TEXT NOT NULL,
            source TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            labels TEXT NOT NULL DEFAULT '{}',
            host TEXT,
            service TEXT,
            first_seen DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            occurrences INTEGER NOT NULL DEFAULT 1,
            transitions INTEGER NOT NULL DEFAULT 0,
            resolved_at DOUBLE PRECISION,
            resolved_by TEXT,
            acknowledged_by TEXT,
            acknowledged_at DOUBLE PRECISION,
            investigation_ts TEXT,
            flapping_flagged_at DOUBLE PRECISION
        )
        """,
        // At most one active incident per identity: the invariant the state logic relies on.
        """
        CREATE UNIQUE INDEX incidents_one_active_per_identity
            ON incidents (workspace, identity) WHERE status <> 'resolved'
        """,
        "CREATE INDEX incidents_by_identity ON incidents (workspace, identity, first_seen)",
        "CREATE INDEX incidents_by_root ON incidents (workspace, channel, root_ts)",
        "CREATE INDEX incidents_by_time ON incidents (workspace, first_seen)",
        """
        CREATE TABLE incident_transitions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
            workspace TEXT NOT NULL,
            identity TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            actor TEXT
        )
        """,
        "CREATE INDEX incident_transitions_by_incident ON incident_transitions (incident_id, at)",
        "CREATE INDEX incident_transitions_by_identity ON incident_transitions (workspace, identity, at)",
        """
        CREATE TABLE incident_occurrences (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
            workspace TEXT NOT NULL,
            identity TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            channel TEXT NOT NULL,
            ts TEXT NOT NULL
        )
        """,
        "CREATE INDEX incident_occurrences_by_identity ON incident_occurrences (workspace, identity, at)",
        "CREATE INDEX incident_occurrences_by_incident ON incident_occurrences (incident_id)",
        // Normalised host/service/instance/cluster/namespace/job values, for related-incident lookups.
        """
        CREATE TABLE incident_facets (
            incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
            workspace TEXT NOT NULL,
            facet TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (incident_id, facet, value)
        )
        """,
        "CREATE INDEX incident_facets_by_value ON incident_facets (workspace, facet, value)",

        // Every parsed alert post.
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            thread_ts TEXT,
            identity TEXT NOT NULL,
            source TEXT NOT NULL,
            status TEXT NOT NULL,
            severity TEXT NOT NULL,
            name TEXT NOT NULL,
            labels TEXT NOT NULL DEFAULT '{}',
            host TEXT,
            service TEXT,
            summary TEXT NOT NULL DEFAULT '',
            links TEXT NOT NULL DEFAULT '[]',
            received_at DOUBLE PRECISION NOT NULL,
            incident_id INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
            UNIQUE (workspace, channel, ts)
        )
        """,
        "CREATE INDEX alerts_by_channel_time ON alerts (workspace, channel, received_at)",
        "CREATE INDEX alerts_by_identity_time ON alerts (workspace, identity, received_at)",
        "CREATE INDEX alerts_by_incident ON alerts (incident_id)",

        // Channels.
        """
        CREATE TABLE watched_channels (
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            added_by TEXT,
            source TEXT NOT NULL CHECK (source IN ('env', 'config', 'command')),
            added_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (workspace, channel)
        )
        """,
        """
        CREATE TABLE channel_cursors (
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            last_ts TEXT NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (workspace, channel)
        )
        """,
        """
        CREATE TABLE storm_summaries (
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            message_ts TEXT NOT NULL,
            window_start DOUBLE PRECISION NOT NULL,
            window_end DOUBLE PRECISION NOT NULL,
            alert_count INTEGER NOT NULL,
            PRIMARY KEY (workspace, channel)
        )
        """,

        // Silences and audit.
        """
        CREATE TABLE silences (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace TEXT NOT NULL,
            matcher_kind TEXT NOT NULL CHECK (matcher_kind IN ('identity', 'name_glob')),
            pattern TEXT NOT NULL,
            created_by TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX silences_by_expiry ON silences (workspace, expires_at)",
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            via TEXT NOT NULL CHECK (via IN ('button', 'text', 'command', 'system'))
        )
        """,
        "CREATE INDEX audit_log_by_time ON audit_log (workspace, at)",
        "CREATE INDEX audit_log_by_target ON audit_log (workspace, target, at)",
    ]
}
