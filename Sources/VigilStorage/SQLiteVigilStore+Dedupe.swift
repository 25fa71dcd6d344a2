import Foundation
import GRDB
import Logging

extension SQLiteVigilStore {
    public func markEventProcessed(workspace: String, eventID: String, at: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO processed_events (workspace, event_id, processed_at) VALUES (?, ?, ?)
                    ON CONFLICT (workspace, event_id) DO NOTHING
                    """,
                arguments: [workspace, eventID, Self.epoch(at)]
            )
            return db.changesCount == 1
        }
    }

    public func markMessageHandled(
        workspace: String,
        channel: String,
        ts: String,
        purpose: MessagePurpose,
        at: Date
    ) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO handled_messages (workspace, channel, ts, purpose, handled_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace, channel, ts, purpose) DO NOTHING
                    """,
                arguments: [workspace, channel, ts, purpose.rawValue, Self.epoch(at)]
            )
            return db.changesCount == 1
        }
    }

    @discardableResult
    public func pruneProcessedEvents(olderThan ttl: Duration, now: Date) async throws -> Int {
        let effectiveTTL = max(ttl, Self.minimumDedupeTTL)
        let cutoff = Self.epoch(now) - Self.seconds(effectiveTTL)
        let deleted = try await writer.write { db in
            try db.execute(sql: "DELETE FROM processed_events WHERE processed_at < ?", arguments: [cutoff])
            let events = db.changesCount
            try db.execute(sql: "DELETE FROM handled_messages WHERE handled_at < ?", arguments: [cutoff])
            return events + db.changesCount
        }
        logger.debug("Pruned dedupe keys", metadata: ["vigil.store.pruned": "\(deleted)"])
        return deleted
    }
}

extension SQLiteVigilStore {
    @discardableResult
    public func pruneHistory(before cutoff: Date) async throws -> Int {
        let limit = Self.epoch(cutoff)
        let deleted = try await writer.write { db in
            var total = 0
            try db.execute(sql: "DELETE FROM alerts WHERE received_at < ?", arguments: [limit])
            total += db.changesCount
            try db.execute(
                sql: "DELETE FROM incidents WHERE status = 'resolved' AND resolved_at < ?",
                arguments: [limit]
            )
            total += db.changesCount
            try db.execute(sql: "DELETE FROM silences WHERE expires_at < ?", arguments: [limit])
            total += db.changesCount
            return total
        }
        logger.debug("Pruned history", metadata: ["vigil.store.pruned": "\(deleted)"])
        return deleted
    }
}
