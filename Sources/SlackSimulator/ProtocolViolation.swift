/// A client frame the simulator did not accept as an ack: non-JSON text, JSON without `envelope_id`, a binary frame,
/// or an ack Slack would silently drop (fragmented, or 20 KiB or larger).
public struct ProtocolViolation: Sendable, CustomStringConvertible {
    /// The connection the frame arrived on.
    public let connection: SocketModeConnectionID
    /// What was wrong.
    public let reason: String
    /// The frame text (for text frames; binary frames are shown as a byte count in ``reason``).
    public let text: String?
    /// When the frame was read (monotonic).
    public let at: ContinuousClock.Instant

    public var description: String { "violation(\(self.connection): \(self.reason))" }
}
