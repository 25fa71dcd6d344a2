import Synchronization

/// Remembers recently dispatched `event_id`s so Slack's redeliveries are acked but not handled twice.
///
/// Slack redelivers an Events API envelope it thinks was not acked (new envelope id, same `event_id`, with
/// `retry_attempt` 1…3 over about five minutes), and sometimes sends the same event twice regardless. This gate is
/// called on the libwebsockets service thread for every envelope, so it is a lock around a set and a FIFO of
/// insertion times; entries older than the window are dropped as new ones arrive.
///
/// Memory: an id is kept as its 64-bit hash (`Hasher`, seeded per process), 16 bytes in the FIFO and 8 in the set
/// (about 40 bytes per id with the tables' slack), so the table holds `window × event rate` ids: at Slack's
/// Events API limit of 30,000 events an hour per workspace and a 15-minute window, at most 7,500 ids, under
/// 0.3 MiB. Two different ids share a hash with probability about 2⁻⁶⁴ per pair; such an event would be acked and
/// dropped as a redelivery.
public final class EventDeduplicator: Sendable {
    private struct State {
        var seen: Set<UInt64> = []
        /// Hashes in insertion order with their insertion time (nanoseconds since `origin`).
        var order: [(hash: UInt64, at: Int64)] = []
        var head = 0
    }

    private let window: Duration
    private let origin = ContinuousClock.now
    private let state = Mutex(State())

    /// - Parameter window: how long an id is remembered; at least Slack's retry horizon (5 minutes).
    public init(window: Duration) {
        self.window = window
    }

    /// Records `eventID` and tells whether this is its first delivery within the window.
    public func isFirstDelivery(of eventID: String, at now: ContinuousClock.Instant = .now) -> Bool {
        var hasher = Hasher()
        hasher.combine(eventID)
        let hash = UInt64(truncatingIfNeeded: hasher.finalize())
        let at = Self.nanoseconds(now - origin)
        let horizon = at - Self.nanoseconds(window)
        return state.withLock { state in
            while state.head < state.order.count, state.order[state.head].at < horizon {
                state.seen.remove(state.order[state.head].hash)
                state.head += 1
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            guard state.seen.insert(hash).inserted else { return false }
            state.order.append((hash, at))
            return true
        }
    }

    /// How many ids are remembered now.
    public var count: Int { state.withLock { $0.seen.count } }

    /// Whole nanoseconds, saturating (a window of centuries stays "forever").
    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min / 2 : Int64.max / 2 }
        return max(Int64.min / 2, min(Int64.max / 2, whole)) + attoseconds / 1_000_000_000
    }
}
