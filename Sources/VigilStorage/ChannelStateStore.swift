import Foundation

/// What Vigil keeps per channel: whether it is watched, its catch-up cursor and its storm summary. Part of
/// ``VigilStore``.
public protocol ChannelStateStore: Sendable {
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

    // MARK: Catch-up cursors

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
