import Synchronization

/// Counts the events (envelopes without a response payload) a ``SocketModeService`` handed to its handler and those
/// whose handling finished, so that whoever reports status (`/vigil status`) can read the events in progress
/// without holding the service itself. Create it before the service and pass it in.
public final class DispatchedEventCounter: Sendable {
    private let dispatched = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)

    /// A counter at zero.
    public init() {}

    /// Events handed over whose handling has not finished: running, or waiting for a handler slot.
    public var inProgress: Int {
        // Read `finished` first: a handling that finishes in between can only make the result larger, never negative.
        let finished = finished.load(ordering: .acquiring)
        return dispatched.load(ordering: .acquiring) - finished
    }

    /// One event was handed to the handler.
    func recordDispatched() { dispatched.add(1, ordering: .releasing) }

    /// The handling of one event finished.
    func recordFinished() { finished.add(1, ordering: .releasing) }
}
