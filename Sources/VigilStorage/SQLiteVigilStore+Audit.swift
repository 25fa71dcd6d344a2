import Foundation
import GRDB

extension SQLiteVigilStore {
    @discardableResult
    public func appendAudit(
        workspace: String,
        at: Date,
        actor: String?,
        action: String,
        target: String,
        detail: String,
        via: AuditEntry.Via
    ) async throws -> AuditEntry {
        let id = try await writer.write { db in
            try Int64.fetchOne(
                db,
                sql: """
                    INSERT INTO audit_log (workspace, at, actor, action, target, detail, via)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    RETURNING id
                    """,
                arguments: [workspace, Self.epoch(at), actor, action, target, detail, via.rawValue]
            )
        }
        guard let id else { throw DatabaseError(resultCode: .SQLITE_ERROR, message: "INSERT returned no id") }
        return AuditEntry(
            id: id,
            workspace: workspace,
            at: Self.date(Self.epoch(at)),
            actor: actor,
            action: action,
            target: target,
            detail: detail,
            via: via
        )
    }

    public func recentAudit(workspace: String, limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM audit_log WHERE workspace = ? ORDER BY at DESC, id DESC LIMIT ?",
                arguments: [workspace, max(0, limit)]
            ).map(Self.auditEntry(from:))
        }
    }

    public func auditEntries(workspace: String, target: String, limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM audit_log WHERE workspace = ? AND target = ? ORDER BY at DESC, id DESC LIMIT ?",
                arguments: [workspace, target, max(0, limit)]
            ).map(Self.auditEntry(from:))
        }
    }
}
