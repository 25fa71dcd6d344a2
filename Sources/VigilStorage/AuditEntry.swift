import Foundation
/// One line of the audit log: who did what to which incident or channel, and how.
public struct AuditEntry: Sendable, Hashable, Identifiable {
    /// How an action reached Vigil.
    public enum Via: String, Sendable, Hashable, Codable, CaseIterable {
        /// A Block Kit button.
        case button
        /// A message addressed to Vigil.
        case text
        /// A slash command.
        case command
        /// Vigil itself (automatic resolution, expiry, startup configuration).
        case system
    }

    /// Store-assigned identifier, increasing with insertion order.
    public var id: Int64
    /// The Slack team id.
    public var workspace: String
    /// When it happened.
    public var at: Date
    /// Slack user id of the person acting; `nil` for Vigil itself.
    public var actor: String?
    /// What was done, as a short dotted verb (`incident.acknowledge`, `silence.create`, `channel.watch`…).
    public var action: String
    /// What it was done to: an incident id (`incident:42`), a channel id, a silence id (`silence:7`)…
    public var target: String
    /// Free text detail; may be empty. Never put secrets here.
    public var detail: String
    /// How the action reached Vigil.
    public var via: Via

    /// Creates an audit entry value.
    public init(
        id: Int64,
        workspace: String,
        at: Date,
        actor: String?,
        action: String,
        target: String,
        detail: String,
        via: Via
    ) {
        self.id = id
        self.workspace = workspace
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
        self.via = via
    }
}
