import AlertReading

/// What became of one Events API event: the router's last word on it.
///
/// ``VigilEventRouter`` produces one for every event that reaches it (and for every redelivery the Socket Mode layer
/// drops), at the moment it is done with the event, and writes it to its ``WorkerActivityLog``. The same moment is
/// logged at debug level as "event handled" for operators; this value is what programs wait on.
public struct EventOutcome: Sendable, Hashable, CustomStringConvertible {
    /// What the event was taken for, or why it was skipped.
    public enum Disposition: Sendable, Hashable, CustomStringConvertible {
        /// A `message` event, handled as the classifier decided (a new alert post, a state change, a person's
        /// message, Vigil's own post, a channel that is not watched, …).
        case message(MessageClassification)
        /// An `app_mention` event, handed to the conversation layer.
        case mention
        /// Dropped on arrival: this process already dispatched an event with the same `event_id` (Slack
        /// redelivered it).
        case redelivery
        /// Dropped: the store says the event was handled before a restart (Slack redelivered it to the new
        /// process).
        case handledBeforeRestart
        /// Dropped: the envelope carried no event the router could read.
        case unreadable

        /// The message's classification, for ``message(_:)``.
        public var classification: MessageClassification? {
            if case .message(let classification) = self { classification } else { nil }
        }

        /// How it reads in the "event handled" log line's `vigil.outcome`.
        public var description: String {
            switch self {
            case .message(let classification): "\(classification)"
            case .mention: "mention"
            case .redelivery: "redelivered event already dispatched"
            case .handledBeforeRestart: "event already handled before a restart"
            case .unreadable: "unreadable event"
            }
        }
    }

    /// Slack's `event_id`; `nil` when the envelope had none.
    public var eventID: String?
    /// The event's channel, when known.
    public var channel: String?
    /// The post the event is about (for an edit, the edited post); `nil` when the event was skipped before it was
    /// read.
    public var ts: String?
    /// What the event was taken for.
    public var disposition: Disposition

    /// - Parameters:
    ///   - eventID: Slack's `event_id`.
    ///   - channel: the event's channel.
    ///   - ts: the post the event is about.
    ///   - disposition: what the event was taken for.
    public init(eventID: String?, channel: String?, ts: String?, disposition: Disposition) {
        self.eventID = eventID
        self.channel = channel
        self.ts = ts
        self.disposition = disposition
    }

    public var description: String {
        "event \(eventID ?? "-") in \(channel ?? "-") about \(ts ?? "-"): \(disposition)"
    }
}
