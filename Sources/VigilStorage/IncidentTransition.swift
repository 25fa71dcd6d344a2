import Foundation
/// One status change of an incident, as appended to the store's transition log.
///
/// The first row of an incident has `from == nil` when its identity never fired before in the workspace, and
/// `from == .resolved` when it re-fired after an earlier incident of the same identity was resolved (a flip, which
/// counts towards flapping).
public struct IncidentTransition: Sendable, Hashable {
    /// The incident that changed.
    public var incidentID: Int64
    /// When it changed.
    public var at: Date
    /// Status before the change; `nil` when the identity had no earlier incident.
    public var from: IncidentStatus?
    /// Status after the change.
    public var to: IncidentStatus
    /// Slack user id of the person who made the change; `nil` when the monitoring source did.
    public var actor: String?

    /// Creates a transition value.
    public init(incidentID: Int64, at: Date, from: IncidentStatus?, to: IncidentStatus, actor: String? = nil) {
        self.incidentID = incidentID
        self.at = at
        self.from = from
        self.to = to
        self.actor = actor
    }

    /// True when the change is a firing↔resolved flip: a resolution, or a re-fire after a resolution.
    public var isFlip: Bool {
        to == .resolved || (to == .open && from == .resolved)
    }
}
