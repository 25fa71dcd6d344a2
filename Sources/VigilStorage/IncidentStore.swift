import AlertReading
import Foundation

/// Alert posts and the incidents they open, repeat and resolve; people's actions on incidents; and the
/// investigation each new incident owes. Part of ``VigilStore``.
///
/// ``recordAlert(_:workspace:channel:ts:threadTS:at:)`` and ``applyStateChange(workspace:channel:rootTS:ts:alert:at:)``
/// each run their state logic in one transaction; the alert row they write is the dedupe gate of alert posts.
public protocol IncidentStore: Sendable {
    /// Stores a parsed alert post and applies it to the incidents of its identity, in one transaction.
    ///
    /// - A firing alert with no active incident for `(workspace, alert.identity)` opens one, rooted at `ts`
    ///   → ``AlertRecordOutcome/opened(_:)``.
    /// - A firing alert while one is active (open or acknowledged) bumps its occurrences and `lastSeen`
    ///   → ``AlertRecordOutcome/repeated(_:)``.
    /// - A resolved alert closes the active incident → ``AlertRecordOutcome/resolved(_:duration:)``; with nothing
    ///   active → ``AlertRecordOutcome/resolvedUnknown``.
    /// - An `other` status changes nothing → ``AlertRecordOutcome/updated(_:)``.
    /// - A post already recorded (same workspace, channel, ts) changes nothing
    ///   → ``AlertRecordOutcome/duplicate(_:)``.
    ///
    /// Every status change appends an ``IncidentTransition``.
    /// - Parameters:
    ///   - alert: The parsed alert.
    ///   - workspace: The Slack team id.
    ///   - channel: The channel of the post.
    ///   - ts: The post's `ts`.
    ///   - threadTS: The post's `thread_ts` when it is a thread reply, else `nil`.
    ///   - at: When Vigil received it.
    func recordAlert(
        _ alert: Alert,
        workspace: String,
        channel: String,
        ts: String,
        threadTS: String?,
        at: Date
    ) async throws -> AlertRecordOutcome

    /// Applies a state change carried by an edit of an alert post (`message_changed`) or by a bot reply in its
    /// thread, keyed by the `ts` of the original (root) post, in one transaction.
    ///
    /// The incident is found by `rootTS` (the latest incident rooted there, else the incident the root post was
    /// attributed to); its identity wins over `alert.identity`. Then:
    /// - firing, incident active → ``AlertRecordOutcome/updated(_:)`` (`lastSeen`, severity and text refreshed; an
    ///   edit is not a new occurrence);
    /// - firing, incident resolved → a repeat of the identity's active incident if there is one, else a new incident
    ///   rooted at `rootTS` (``AlertRecordOutcome/opened(_:)``);
    /// - resolved, incident active → ``AlertRecordOutcome/resolved(_:duration:)``;
    /// - resolved, incident already resolved, or `other` → ``AlertRecordOutcome/updated(_:)``.
    /// When no incident is linked to `rootTS`, the change is applied by identity, exactly like
    /// ``recordAlert(_:workspace:channel:ts:threadTS:at:)``.
    ///
    /// The stored alert row is kept in step: an edit (`ts` is `nil` or equals `rootTS`) replaces the root post's
    /// stored content; a thread reply is stored as its own row (and a reply recorded before is
    /// ``AlertRecordOutcome/duplicate(_:)``).
    /// - Parameters:
    ///   - workspace: The Slack team id.
    ///   - channel: The channel of the root post.
    ///   - rootTS: The `ts` of the original post.
    ///   - ts: The `ts` of the message carrying the change: `nil` (or `rootTS`) for an edit, the reply's `ts` for a
    ///     thread reply.
    ///   - alert: The alert parsed from the new content.
    ///   - at: When Vigil received the change.
    func applyStateChange(
        workspace: String,
        channel: String,
        rootTS: String,
        ts: String?,
        alert: Alert,
        at: Date
    ) async throws -> AlertRecordOutcome

    /// The stored alert post `(workspace, channel, ts)`, if any.
    func alert(workspace: String, channel: String, ts: String) async throws -> StoredAlert?

    /// The incident with this id, in any workspace.
    func incident(id: Int64) async throws -> Incident?

    /// The latest incident rooted at the post `(workspace, channel, rootTS)`.
    func incident(workspace: String, channel: String, rootTS: String) async throws -> Incident?

    /// Active (open or acknowledged) incidents of the workspace, oldest first; only those opened in `channel` when
    /// it is given.
    func openIncidents(workspace: String, channel: String?) async throws -> [Incident]

    /// The incident of the workspace whose alert name is `name` (compared without case): the active one if there is
    /// one, else the one seen last. `nil` when no incident ever had that name (or its rows were pruned).
    func latestIncident(workspace: String, named name: String) async throws -> Incident?

    /// The channels in which incidents of the alert identity `identity` were opened (for scoping what a silence on
    /// it reveals); empty when none is on record.
    func channels(ofIdentity identity: String, workspace: String) async throws -> Set<String>

    /// The status changes of an incident, oldest first.
    func transitions(incidentID: Int64) async throws -> [IncidentTransition]

    /// Acknowledges an open incident on behalf of `user`.
    /// - Returns: ``IncidentActionOutcome/applied(_:)``, or ``IncidentActionOutcome/unchanged(_:)`` when it was
    ///   already acknowledged or resolved, or ``IncidentActionOutcome/notFound``.
    func acknowledge(incidentID: Int64, by user: String, at: Date) async throws -> IncidentActionOutcome

    /// Resolves an active incident by hand on behalf of `user`.
    /// - Returns: ``IncidentActionOutcome/applied(_:)``, or ``IncidentActionOutcome/unchanged(_:)`` when it was
    ///   already resolved, or ``IncidentActionOutcome/notFound``.
    func resolve(incidentID: Int64, by user: String, at: Date) async throws -> IncidentActionOutcome

    /// Remembers the `ts` of Vigil's investigation reply for an incident (which settles the investigation it owed).
    /// - Returns: `false` if no incident has that id.
    @discardableResult
    func setInvestigationTS(incidentID: Int64, ts: String) async throws -> Bool

    /// Records that a new incident's investigation was deliberately not posted (silenced, storm summary, flapping
    /// already flagged), so it is not resumed later. A new incident owes one from the moment it is recorded.
    func settleInvestigation(incidentID: Int64) async throws

    /// Active incidents whose investigation was owed but never posted nor settled (interrupted by a shutdown, or
    /// Slack failed for good), oldest first.
    func incidentsAwaitingInvestigation(workspace: String) async throws -> [Incident]
}

extension IncidentStore {
    /// Applies a state change carried by an edit of the root post itself (see
    /// ``applyStateChange(workspace:channel:rootTS:ts:alert:at:)``).
    public func applyStateChange(
        workspace: String,
        channel: String,
        rootTS: String,
        alert: Alert,
        at: Date
    ) async throws -> AlertRecordOutcome {
        try await applyStateChange(
            workspace: workspace,
            channel: channel,
            rootTS: rootTS,
            ts: nil,
            alert: alert,
            at: at
        )
    }
}
