import NIOCore

/// Work to do after releasing the state lock.
struct SimulatorEffects: Sendable {
    /// Frames to write, grouped per connection.
    var writes: [PendingWrite] = []
    /// Waiters to resume.
    var resumptions: [@Sendable () -> Void] = []
    /// If set, arm the ack-deadline timer for this instant.
    var armTimerAt: ContinuousClock.Instant?
    /// Anything else to run after unlocking.
    var actions: [@Sendable () -> Void] = []
}

/// Frames to write to one connection, and the envelopes among them whose write time must be recorded.
struct PendingWrite: Sendable {
    /// The connection id.
    var connection: Int
    /// The connection's channel.
    var channel: any Channel
    /// Frames in write order.
    var frames: [OutboundFrame]
    /// Envelopes among the frames whose flush time is recorded.
    var envelopeIDs: [String]
}

/// A frame the simulator writes.
enum OutboundFrame: Sendable {
    case text(String)
    case binary([UInt8])
    case ping(String)
    case pong(ByteBuffer)
    case close(code: UInt16, reason: String)
}
