import Foundation

/// The audit log: who did what, when, and through which surface. Part of ``VigilStore``.
public protocol AuditStore: Sendable {
    /// Appends an entry to the audit log.
    @discardableResult
    func appendAudit(
        workspace: String,
        at: Date,
        actor: String?,
        action: String,
        target: String,
        detail: String,
        via: AuditEntry.Via
    ) async throws -> AuditEntry

    /// The latest `limit` audit entries of the workspace, newest first.
    func recentAudit(workspace: String, limit: Int) async throws -> [AuditEntry]

    /// The latest `limit` audit entries of the workspace about `target`, newest first.
    func auditEntries(workspace: String, target: String, limit: Int) async throws -> [AuditEntry]
}
