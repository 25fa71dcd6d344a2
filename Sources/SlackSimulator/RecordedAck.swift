/// One ack frame (a client text frame with an `envelope_id`) read by the simulator.
public struct RecordedAck: Sendable, CustomStringConvertible {
    /// The acknowledged envelope id.
    public let envelopeID: String
    /// The connection the ack arrived on.
    public let connection: SocketModeConnectionID
    /// The connection the envelope had been written to, when the envelope is known.
    public let envelopeConnection: SocketModeConnectionID?
    /// The ack's `payload` member as compact JSON text, when present.
    public let payloadJSON: String?
    /// The whole frame as received.
    public let rawText: String
    /// The envelope's `type` (`events_api`, `slash_commands`, `interactive`, …), when the envelope is known.
    public let envelopeType: String?
    /// The envelope's `payload.event_id`, for `events_api` envelopes.
    public let eventID: String?
    /// When the envelope was handed to the channel flush (monotonic), when known.
    public let envelopeWrittenAt: ContinuousClock.Instant?
    /// When the ack frame was read (monotonic, taken before parsing).
    public let readAt: ContinuousClock.Instant
    /// Whether an ack for the same envelope id had already been read.
    public let isDuplicate: Bool
    /// Whether the envelope id was never sent by the simulator.
    public let isUnknown: Bool

    /// Time from writing the envelope to reading this ack, when the envelope is known.
    public var latency: Duration? {
        self.envelopeWrittenAt.map { self.readAt - $0 }
    }

    public var description: String {
        var text = "ack(\(self.envelopeID) on \(self.connection)"
        if self.isDuplicate { text += ", duplicate" }
        if self.isUnknown { text += ", unknown" }
        if let latency = self.latency { text += ", \(latency)" }
        return text + ")"
    }
}
