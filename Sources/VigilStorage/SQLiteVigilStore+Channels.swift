import Foundation
import GRDB
import VigilBase

extension SQLiteVigilStore {
    // MARK: Watched channels

    @discardableResult
    public func addWatchedChannel(
        workspace: String,
        channel: String,
        addedBy: String?,
        source: WatchedChannel.Source,
        at: Date
    ) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO watched_channels (workspace, channel, added_by, source, added_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace, channel) DO NOTHING
                    """,
                arguments: [workspace, channel, addedBy, source.rawValue, Self.epoch(at)]
            )
            return db.changesCount == 1
        }
    }

    @discardableResult
    public func removeWatchedChannel(workspace: String, channel: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM watched_channels WHERE workspace = ? AND channel = ?",
                arguments: [workspace, channel]
            )
            return db.changesCount > 0
        }
    }

    public func watchedChannels(workspace: String) async throws -> [WatchedChannel] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM watched_channels WHERE workspace = ? ORDER BY added_at, channel",
                arguments: [workspace]
            ).map(Self.watchedChannel(from:))
        }
    }

    // MARK: Cursors

    @discardableResult
    public func advanceCursor(workspace: String, channel: String, to ts: String, at: Date) async throws -> Bool {
        try await moveCursor(workspace: workspace, channel: channel, to: ts, at: at) { current in
            SlackTimestamp.isBefore(current, ts)
        }
    }

    public func cursor(workspace: String, channel: String) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT last_ts FROM channel_cursors WHERE workspace = ? AND channel = ?",
                arguments: [workspace, channel]
            )
        }
    }

    /// Compares Slack timestamps (`"1700000000.000100"`) numerically: whole seconds, then the fraction, without
    /// going through `Double` (which cannot hold every microsecond of a 10-digit epoch exactly).
    @discardableResult
    public func rewindCursor(workspace: String, channel: String, before ts: String, at: Date) async throws -> Bool {
        guard let target = SlackTimestamp.justBefore(ts) else { return false }
        return try await moveCursor(workspace: workspace, channel: channel, to: target, at: at) { current in
            SlackTimestamp.isBefore(target, current)
        }
    }

    /// Sets the channel's cursor to `ts` when it has none or `shouldMove(current)` says so, in one transaction.
    private func moveCursor(workspace: String, channel: String, to ts: String, at: Date,
                            when shouldMove: @escaping @Sendable (String) -> Bool) async throws -> Bool {
        try await writer.write { db in
            let current = try String.fetchOne(
                db,
                sql: "SELECT last_ts FROM channel_cursors WHERE workspace = ? AND channel = ?",
                arguments: [workspace, channel]
            )
            if let current, !shouldMove(current) { return false }
            try db.execute(
                sql: """
                    INSERT INTO channel_cursors (workspace, channel, last_ts, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (workspace, channel) DO UPDATE SET last_ts = excluded.last_ts,
                        updated_at = excluded.updated_at
                    """,
                arguments: [workspace, channel, ts, Self.epoch(at)]
            )
            return true
        }
    }

    // MARK: Storm summaries

    public func saveStormSummary(_ summary: StormSummary) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO storm_summaries (workspace, channel, message_ts, window_start, window_end, alert_count)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (workspace, channel) DO UPDATE SET message_ts = excluded.message_ts,
                        window_start = excluded.window_start, window_end = excluded.window_end,
                        alert_count = excluded.alert_count
                    """,
                arguments: [
                    summary.workspace, summary.channel, summary.messageTS, Self.epoch(summary.windowStart),
                    Self.epoch(summary.windowEnd), summary.alertCount,
                ]
            )
        }
    }

    public func stormSummary(workspace: String, channel: String) async throws -> StormSummary? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM storm_summaries WHERE workspace = ? AND channel = ?",
                arguments: [workspace, channel]
            ).map(Self.stormSummary(from:))
        }
    }

    public func clearStormSummary(workspace: String, channel: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM storm_summaries WHERE workspace = ? AND channel = ?",
                arguments: [workspace, channel]
            )
        }
    }
}
