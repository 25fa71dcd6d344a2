/// What recording an alert post did to the incidents of its identity.
///
/// Returned by ``IncidentStore/recordAlert(_:workspace:channel:ts:threadTS:at:)`` and
/// ``IncidentStore/applyStateChange(workspace:channel:rootTS:ts:alert:at:)``; the caller decides from it whether to
/// investigate, post a resolution note, or stay quiet.
public enum AlertRecordOutcome: Sendable, Hashable {
    /// A firing alert with no active incident for its identity opened this one.
    case opened(Incident)
    /// A firing alert while an incident was active (open or acknowledged) bumped its occurrences and `lastSeen`.
    case repeated(Incident)
    /// A resolved alert closed the active incident, after `duration` since its first firing post.
    case resolved(Incident, duration: Duration)
    /// A resolved alert arrived while nothing was active for its identity (Vigil missed the firing post, the
    /// incident was resolved by hand, or the source resolved twice).
    case resolvedUnknown
    /// Nothing changed state: an `other` status (acknowledged, updated, no data…), a firing edit of a post whose
    /// incident is still active, or a resolved edit of an incident already resolved. Carries the incident concerned,
    /// when there is one.
    case updated(Incident?)
    /// This exact Slack post (workspace, channel, ts) was recorded before; nothing changed. Carries the incident
    /// the earlier recording attached it to, if any.
    case duplicate(Incident?)

    /// The incident concerned, when there is one.
    public var incident: Incident? {
        switch self {
        case .opened(let incident), .repeated(let incident), .resolved(let incident, _): incident
        case .updated(let incident), .duplicate(let incident): incident
        case .resolvedUnknown: nil
        }
    }
}
