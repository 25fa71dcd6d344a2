import Synchronization

/// Remembers recently dispatched `event_id`s so Slack's redeliveries are acked but not handled twice.
///
/// Slack redelivers an Events API envelope it thinks was not acked (new envelope id, same `event_id`, with
/// `retry_attempt` 1…3 over about five minutes), and sometimes sends the same event twice regardless. This gate is
/// called on the libwebsockets service thread for every envelope, so it is a lock around a dictionary and a FIFO of
/// insertion times; entries older than the window are dropped as new ones arrive.
public final class EventDeduplicator: Sendable {
    private struct State {
        var seen: [String: ContinuousClock.Instant] = [:]
        var order: [(id: String, at: ContinuousClock.Instant)] = []
        var head = 0
    }

    private let window: Duration
    private let state = Mutex(State())

    /// - Parameter window: how long an id is remembered; at least Slack's retry horizon (5 minutes).
    public init(window: Duration) {
        self.window = window
    }

    /// Records `eventID` and tells whether this is its first delivery within the window.
    public func isFirstDelivery(of eventID: String, at now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            let horizon = now - window
            while state.head < state.order.count, state.order[state.head].at < horizon {
                let expired = state.order[state.head]
                if state.seen[expired.id] == expired.at { state.seen[expired.id] = nil }
                state.head += 1
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            if state.seen[eventID] != nil { return false }
            state.seen[eventID] = now
            state.order.append((eventID, now))
            return true
        }
    }

    /// How many ids are remembered now.
    public var count: Int { state.withLock { $0.seen.count } }
}
