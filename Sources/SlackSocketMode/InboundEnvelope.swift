/// One Socket Mode envelope as handed to a handler, after it was acked (or, for envelopes that accept a response
/// payload, while its ack waits for the handler's answer).
///
/// The routing fields are read by ``EnvelopeHeader`` without decoding the frame; handlers decode ``frame`` into the
/// typed payload they need.
public struct InboundEnvelope: Sendable {
    /// What kind of envelope this is.
    public enum Kind: Sendable, Hashable {
        case eventsAPI
        case slashCommands
        case interactive
        /// An envelope type Vigil does not know; it is acked and logged, never handled.
        case unknown(String)

        init(rawType: String) {
            switch rawType {
            case "events_api": self = .eventsAPI
            case "slash_commands": self = .slashCommands
            case "interactive": self = .interactive
            default: self = .unknown(rawType)
            }
        }
    }

    public var kind: Kind
    public var envelopeID: String
    /// `payload.event_id` for Events API envelopes: the stable key for deduplicating redeliveries.
    public var eventID: String?
    /// `payload.team_id`, the workspace the envelope belongs to, when present.
    public var teamID: String?
    /// `payload.event.type` for Events API envelopes (`message`, `app_mention`, …).
    public var eventType: String?
    /// `payload.event.channel` for Events API envelopes.
    public var eventChannel: String?
    /// `payload.type` for interactive envelopes (`block_actions`, `view_submission`, …).
    public var payloadType: String?
    public var retryAttempt: Int
    public var retryReason: String?
    /// Whether Slack accepts a `payload` in the ack (slash commands, some interactive envelopes).
    public var acceptsResponsePayload: Bool
    /// The whole frame, UTF-8 JSON, copied out of the C buffer.
    public var frame: [UInt8]
    /// The connection it arrived on.
    public var connectionID: WebSocketConnectionID
    /// When the frame was read, on the monotonic clock.
    public var receivedAt: ContinuousClock.Instant

    public init(
        kind: Kind,
        envelopeID: String,
        eventID: String? = nil,
        teamID: String? = nil,
        eventType: String? = nil,
        eventChannel: String? = nil,
        payloadType: String? = nil,
        retryAttempt: Int = 0,
        retryReason: String? = nil,
        acceptsResponsePayload: Bool = false,
        frame: [UInt8],
        connectionID: WebSocketConnectionID,
        receivedAt: ContinuousClock.Instant
    ) {
        self.kind = kind
        self.envelopeID = envelopeID
        self.eventID = eventID
        self.teamID = teamID
        self.eventType = eventType
        self.eventChannel = eventChannel
        self.payloadType = payloadType
        self.retryAttempt = retryAttempt
        self.retryReason = retryReason
        self.acceptsResponsePayload = acceptsResponsePayload
        self.frame = frame
        self.connectionID = connectionID
        self.receivedAt = receivedAt
    }
}
