import Foundation
import GRDB
import AlertReading

extension SQLiteVigilStore {
    public func createSilence(
        workspace: String,
        matcher: Silence.Matcher,
        createdBy: String,
        reason: String,
        at: Date,
        expiresAt: Date
    ) async throws -> Silence {
        let (kind, pattern) =
            switch matcher {
            case .identity(let identity): ("identity", identity)
            case .nameGlob(let glob): ("name_glob", glob)
            }
        let id = try await writer.write { db in
            try Int64.fetchOne(
                db,
                sql: """
                    INSERT INTO silences (workspace, matcher_kind, pattern, created_by, reason, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    RETURNING id
                    """,
                arguments: [workspace, kind, pattern, createdBy, reason, Self.epoch(at), Self.epoch(expiresAt)]
            )
        }
        guard let id else { throw DatabaseError(resultCode: .SQLITE_ERROR, message: "INSERT returned no id") }
        return Silence(
            id: id,
            workspace: workspace,
            matcher: matcher,
            createdBy: createdBy,
            reason: reason,
            createdAt: Self.date(Self.epoch(at)),
            expiresAt: Self.date(Self.epoch(expiresAt))
        )
    }

    public func activeSilences(workspace: String, at: Date) async throws -> [Silence] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM silences WHERE workspace = ? AND expires_at > ? ORDER BY expires_at, id",
                arguments: [workspace, Self.epoch(at)]
            ).map(Self.silence(from:))
        }
    }

    @discardableResult
    public func removeSilence(workspace: String, id: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM silences WHERE workspace = ? AND id = ?", arguments: [workspace, id])
            return db.changesCount > 0
        }
    }

    public func activeSilence(matching alert: Alert, workspace: String, at: Date) async throws -> Silence? {
        // Few silences are active at once: match the globs here rather than in dialect-specific SQL.
        try await activeSilences(workspace: workspace, at: at)
            .filter { $0.matcher.matches(alert) }
            .max { ($0.expiresAt, $0.id) < ($1.expiresAt, $1.id) }
    }
}
