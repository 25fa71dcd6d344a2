#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

extension SQLiteVigilStore {
    // MARK: Watched channels

    /// Implements the ``VigilStore`` requirement of the same name.
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

    /// Implements the ``VigilStore`` requirement of the same name.
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

    /// Implements the ``VigilStore`` requirement of the same name.
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

    /// Implements the ``VigilStore`` requirement of the same name.
    @discardableResult
    public func advanceCursor(workspace: String, channel: String, to ts: String, at: Date) async throws -> Bool {
        try await moveCursor(workspace: workspace, channel: channel, to: ts, at: at) { current in
            Self.slackTS(current, isBefore: ts)
        }
    }

    /// Implements the ``VigilStore`` requirement of the same name.
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
    /// Implements the ``VigilStore`` requirement of the same name.
    @discardableResult
    public func rewindCursor(workspace: String, channel: String, before ts: String, at: Date) async throws -> Bool {
        guard let target = Self.slackTS(justBefore: ts) else { return false }
        return try await moveCursor(workspace: workspace, channel: channel, to: target, at: at) { current in
            Self.slackTS(target, isBefore: current)
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

    /// The Slack `ts` one microsecond before `ts` (`1700000000.000100` → `1700000000.000099`), or `nil` when `ts` is
    /// not a Slack timestamp.
    static func slackTS(justBefore ts: String) -> String? {
        let pieces = ts.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let seconds = Int64(pieces[0]), seconds >= 0 else { return nil }
        var fraction = pieces.count > 1 ? String(pieces[1].prefix(6)) : ""
        while fraction.count < 6 { fraction += "0" }
        guard let micros = Int64(fraction) else { return nil }
        let total = seconds * 1_000_000 + micros - 1
        guard total >= 0 else { return nil }
        let digits = String(total % 1_000_000)
        return "\(total / 1_000_000)." + String(repeating: "0", count: 6 - digits.count) + digits
    }

    static func slackTS(_ lhs: String, isBefore rhs: String) -> Bool {
        func parts(_ ts: String) -> (seconds: String, fraction: String) {
            let pieces = ts.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let seconds = String(pieces[0].drop(while: { $0 == "0" }))
            var fraction = pieces.count > 1 ? String(pieces[1]) : ""
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return (seconds, fraction)
        }
        let (lhsSeconds, lhsFraction) = parts(lhs)
        let (rhsSeconds, rhsFraction) = parts(rhs)
        if lhsSeconds.count != rhsSeconds.count { return lhsSeconds.count < rhsSeconds.count }
        if lhsSeconds != rhsSeconds { return lhsSeconds < rhsSeconds }
        return lhsFraction < rhsFraction
    }

    // MARK: Storm summaries

    /// Implements the ``VigilStore`` requirement of the same name.
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

    /// Implements the ``VigilStore`` requirement of the same name.
    public func stormSummary(workspace: String, channel: String) async throws -> StormSummary? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM storm_summaries WHERE workspace = ? AND channel = ?",
                arguments: [workspace, channel]
            ).map(Self.stormSummary(from:))
        }
    }

    /// Implements the ``VigilStore`` requirement of the same name.
    public func clearStormSummary(workspace: String, channel: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM storm_summaries WHERE workspace = ? AND channel = ?",
                arguments: [workspace, channel]
            )
        }
    }
}
