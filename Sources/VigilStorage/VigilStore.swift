import Foundation
import AlertReading
/// Vigil's persistent state: dedupe gates, alerts, incidents and their history, watched channels, silences, the
/// audit log, channel cursors and storm summaries.
///
/// Every row belongs to a *workspace* (the Slack team id), and every query is scoped to one, so a single store can
/// serve several workspaces. Incident and silence ids are unique across the whole store.
///
/// ## Backends
/// ``SQLiteVigilStore`` is the embedded implementation (one file next to the daemon). The protocol is deliberately
/// narrow and fully `async` so that a shared PostgreSQL store can be added later (for a team running Vigil on more
/// than one host) without touching callers: implementations must keep each method atomic (the state logic of
/// ``recordAlert(_:workspace:channel:ts:threadTS:at:)`` runs in one transaction) and concurrency-safe (the dedupe
/// gates are insert-if-absent operations, true for exactly one caller).
///
/// ## Time
/// No method reads the clock: every time is passed in (`at:`, `now:`, `since:`), so callers and tests control it.
/// Times are stored as seconds since 1970 (a `Double`), which orders correctly and maps onto any SQL dialect.
///
/// ## Errors
/// Methods throw ``VigilStoreError`` for problems the operator must fix, and let database errors and
/// `CancellationError` ppackage ropagate otherwise.
public protocol VigilStore: Sendable {
    // MARK: Dedupe gates

    /// Records that the Events API event `eventID` was processed; the dedupe gate for Slack retries.
    ///
    /// Atomic insert-if-absent: of any number of concurrent calls with the same `(workspace, eventID)`, exactly one
    /// returns `true`. Survives restarts until pruned.
    /// - Parameters:
    ///   - workspace: The Slack team id.
    ///   - eventID: The envelope's `event_id`.
    ///   - at: When it was processed (used for pruning).
    /// - Returns: `true` if the event is new and the caller should process it; `false` if it was seen before.
    func markEventProcessed(workspace: String, eventID: String, at: Date) async throws -> Bool

    /// Records that the message `(channel, ts)` was handled for `purpose`; the message-level dedupe gate, so the
    /// same post arriving as `message` and `app_mention`, or again through history catch-up, is handled once.
    ///
    /// Atomic insert-if-absent, like ``markEventProcessed(workspace:eventID:at:)``.
    /// - Parameters:
    ///   - workspace: The Slack team id.
    ///   - channel: The channel id.
    ///   - ts: The message `ts`.
    ///   - purpose: What handling means here (parsing as an alert, answering a mention…).
    ///   - at: When it was handled (used for pruning).
    /// - Returns: `true` if this is the first time for this purpose.
    func markMessageHandled(
        workspace: String,
        channel: String,
        ts: String,
        purpose: MessagePurpose,
        at: Date
    ) async throws -> Bool

    /// Deletes processed-event and handled-message keys recorded more than `ttl` before `now`, in all workspaces.
    ///
    /// `ttl` is raised to 10 minutes if shorter, so Slack's retries (which come within minutes) are always caught.
    /// - Returns: How many keys were deleted.
    @discardableResult
    func pruneProcessedEvents(olderThan ttl: Duration, now: Date) async throws -> Int

    /// Deletes history older than `cutoff` in all workspaces: alert posts received before it, incidents resolved
    /// before it (with their transitions, occurrences and facets), and silences that expired before it. Active
    /// incidents, watched channels, cursors and the audit log are kept.
    ///
    /// Call it periodically (for example daily, with a cutoff 30 days back) so the store does not grow without
    /// bound; history queries then only see what is left.
    /// - Returns: How many rows were deleted (alerts, incidents and silences; cascaded rows not counted).
    @discardableResult
    func pruneHistory(before cutoff: Date) async throws -> Int

    // MARK: Alerts and incidents

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

    // MARK: Analysis

    /// How the identity behaved up to `now`: occurrences in the last 24 h and 7 d, incidents opened in 7 d, the
    /// last resolution and the mean time to resolve.
    func history(workspace: String, identity: String, now: Date) async throws -> IncidentHistory

    /// Counts the identity's firing↔resolved flips in `(now - window, now]` and reports whether it was already
    /// flagged as flapping within that window.
    func flapping(
        workspace: String,
        identity: String,
        window: Duration,
        threshold: Int,
        now: Date
    ) async throws -> FlapState

    /// Flags an incident as flapping, once per identity and window: atomically, nothing happens (and `false` is
    /// returned) if this incident or another of the same identity was flagged within `window` before `at`.
    /// - Returns: `true` if this call set the flag (so the caller should post the flapping investigation).
    func markFlapping(incidentID: Int64, at: Date, window: Duration) async throws -> Bool

    /// Other incidents of the workspace, in any channel, active around `incident`'s first firing post and sharing
    /// a host, service, instance, cluster, namespace or job value with it; oldest first.
    ///
    /// "Around" means the other incident's span (first seen to resolution, or to last seen while active) overlaps
    /// `incident.firstSeen ± within`. Host values are compared case-insensitively with any `:port` suffix dropped,
    /// so `host=web-1` relates to `instance=web-1:9100`.
    func relatedIncidents(workspace: String, around incident: Incident, within: Duration) async throws -> [Incident]

    /// Alert posts stored for the channel at or after `since` (for storm control).
    func recentAlertCount(workspace: String, channel: String, since: Date) async throws -> Int

    // MARK: Watched channels

    /// Starts watching a channel.
    /// - Returns: `false` if it was already watched (the existing entry is kept as it was).
    @discardableResult
    func addWatchedChannel(
        workspace: String,
        channel: String,
        addedBy: String?,
        source: WatchedChannel.Source,
        at: Date
    ) async throws -> Bool

    /// Stops watching a channel.
    /// - Returns: `false` if it was not watched.
    @discardableResult
    func removeWatchedChannel(workspace: String, channel: String) async throws -> Bool

    /// Watched channels of the workspace, in the order they were added.
    func watchedChannels(workspace: String) async throws -> [WatchedChannel]

    // MARK: Silences

    /// Creates a silence active from now until `expiresAt`.
    func createSilence(
        workspace: String,
        matcher: Silence.Matcher,
        createdBy: String,
        reason: String,
        at: Date,
        expiresAt: Date
    ) async throws -> Silence

    /// Silences of the workspace still active at `at`, soonest to expire first.
    func activeSilences(workspace: String, at: Date) async throws -> [Silence]

    /// Deletes a silence of the workspace.
    /// - Returns: `false` if the workspace has no silence with that id.
    @discardableResult
    func removeSilence(workspace: String, id: Int64) async throws -> Bool

    /// The active silence covering `alert` at `at`, if any; when several do, the one lasting longest.
    func activeSilence(matching alert: Alert, workspace: String, at: Date) async throws -> Silence?

    // MARK: Audit log

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

    // MARK: Channel cursors

    /// Moves the channel's catch-up cursor forward to `ts`; never backwards (Slack `ts` values are compared
    /// numerically).
    /// - Returns: `true` if the cursor moved.
    @discardableResult
    func advanceCursor(workspace: String, channel: String, to ts: String, at: Date) async throws -> Bool

    /// The last `ts` seen in the channel, for `conversations.history` catch-up after a restart.
    func cursor(workspace: String, channel: String) async throws -> String?

    /// Moves the channel's catch-up cursor back to just before `ts`, unless it already is there or earlier (a post
    /// whose handling failed on a store error is read again by the next catch-up). Sets it when the channel has none.
    /// - Returns: `true` if the cursor moved.
    @discardableResult
    func rewindCursor(workspace: String, channel: String, before ts: String, at: Date) async throws -> Bool

    // MARK: Storm summaries

    /// Saves (inserts or replaces) the channel's current storm summary.
    func saveStormSummary(_ summary: StormSummary) async throws

    /// The channel's current storm summary, if any.
    func stormSummary(workspace: String, channel: String) async throws -> StormSummary?

    /// Forgets the channel's storm summary (the storm is over).
    func clearStormSummary(workspace: String, channel: String) async throws
}

extension VigilStore {
    /// The default time-to-live of dedupe keys: 24 hours.
    public static var defaultDedupeTTL: Duration { .seconds(24 * 3600) }

    /// The shortest time-to-live ``pruneProcessedEvents(olderThan:now:)`` uses: 10 minutes, longer than Slack's
    /// retry schedule.
    public static var minimumDedupeTTL: Duration { .seconds(600) }

    /// Deletes dedupe keys older than 24 hours before `now`.
    /// - Returns: How many keys were deleted.
    @discardableResult
    public func pruneProcessedEvents(now: Date) async throws -> Int {
        try await pruneProcessedEvents(olderThan: Self.defaultDedupeTTL, now: now)
    }

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

    /// Flapping state with ``FlapState/defaultWindow`` and ``FlapState/defaultThreshold``.
    public func flapping(workspace: String, identity: String, now: Date) async throws -> FlapState {
        try await flapping(
            workspace: workspace,
            identity: identity,
            window: FlapState.defaultWindow,
            threshold: FlapState.defaultThreshold,
            now: now
        )
    }

    /// Flags an incident as flapping once per ``FlapState/defaultWindow``.
    public func markFlapping(incidentID: Int64, at: Date) async throws -> Bool {
        try await markFlapping(incidentID: incidentID, at: at, window: FlapState.defaultWindow)
    }

    /// Related incidents within ±15 minutes of `incident`'s first firing post.
    public func relatedIncidents(workspace: String, around incident: Incident) async throws -> [Incident] {
        try await relatedIncidents(workspace: workspace, around: incident, within: .seconds(15 * 60))
    }
}
