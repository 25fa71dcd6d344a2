import Foundation

/// The dedupe gates that make each Slack event and each message be handled once, and the pruning that keeps the
/// store from growing without bound. Part of ``VigilStore``.
///
/// The gates are atomic insert-if-absent operations: of any number of concurrent calls with the same key, exactly one
/// returns `true`.
public protocol DedupeStore: Sendable {
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
}

extension DedupeStore {
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
}
