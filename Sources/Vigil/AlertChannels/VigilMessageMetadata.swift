import AlertReading
import VigilBase

/// The Slack message metadata Vigil attaches to the messages it must post exactly once (`chat.postMessage`
/// `metadata`), so that after a crash, or a post whose outcome Slack never confirmed, Vigil can find its own message
/// in the thread or channel (`conversations.replies` / `conversations.history` with `include_all_metadata=true`)
/// and adopt it instead of posting a second one.
///
/// On the wire: `{"event_type": "vigil_investigation", "event_payload": {"incident_id": 42}}`; storm summaries
/// carry the channel instead of an incident (`{"event_type": "vigil_storm_summary", "event_payload":
/// {"channel": "C…"}}`). See docs/architecture.md ("Exactly once across crashes").
public struct VigilMessageMetadata: Sendable, Hashable {
    /// What the message is; the raw value is the metadata's `event_type`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The investigation reply in an alert's thread.
        case investigation = "vigil_investigation"
        /// The top-level storm summary of a channel.
        case stormSummary = "vigil_storm_summary"
        /// The resolution note in an alert's thread.
        case resolution = "vigil_resolution"
    }

    /// What the message is.
    public var kind: Kind
    /// The incident the message is about (investigations and resolution notes).
    public var incidentID: Int64?
    /// The channel the message summarises (storm summaries).
    public var channel: String?

    /// Creates metadata.
    /// - Parameters:
    ///   - kind: what the message is.
    ///   - incidentID: the incident, for investigations and resolution notes.
    ///   - channel: the channel, for storm summaries.
    public init(kind: Kind, incidentID: Int64? = nil, channel: String? = nil) {
        self.kind = kind
        self.incidentID = incidentID
        self.channel = channel
    }

    /// An investigation reply's metadata.
    public static func investigation(_ incidentID: Int64) -> Self { Self(kind: .investigation, incidentID: incidentID) }
    /// A resolution note's metadata.
    public static func resolution(_ incidentID: Int64) -> Self { Self(kind: .resolution, incidentID: incidentID) }
    /// A storm summary's metadata.
    public static func stormSummary(channel: String) -> Self { Self(kind: .stormSummary, channel: channel) }

    /// The `metadata` argument of `chat.postMessage`.
    public var json: JSONValue {
        var payload: [String: JSONValue] = [:]
        if let incidentID { payload["incident_id"] = .number(Double(incidentID)) }
        if let channel { payload["channel"] = .string(channel) }
        return .object(["event_type": .string(kind.rawValue), "event_payload": .object(payload)])
    }

    /// Reads the `metadata` member of a message as Slack returns it; `nil` when it is absent or not Vigil's.
    /// Slack may hand numbers back as numbers or strings; both are accepted.
    public init?(message: JSONValue) {
        guard let metadata = message["metadata"], let type = metadata["event_type"]?.stringValue,
              let kind = Kind(rawValue: type)
        else { return nil }
        let payload = metadata["event_payload"]
        var incidentID: Int64?
        if let number = payload?["incident_id"]?.numberValue {
            incidentID = Int64(exactly: number)
        } else if let text = payload?["incident_id"]?.stringValue {
            incidentID = Int64(text)
        }
        self.init(kind: kind, incidentID: incidentID, channel: payload?["channel"]?.stringValue)
    }

    /// The ts of the first message in `messages` that Vigil wrote (bot id, user id or app id of `own`) and that
    /// carries exactly this metadata, in the order given; `nil` if none does.
    ///
    /// An investigation whose metadata Slack did not hand back is still recognised by its buttons, whose value is
    /// the incident id: a message by another app, or one that merely mentions the incident, never matches.
    /// - Parameters:
    ///   - messages: messages as `conversations.replies` or `conversations.history` return them.
    ///   - own: Vigil's identity from `auth.test`.
    public func findOwn(in messages: [JSONValue], own: MessageClassifier.OwnIdentity) -> String? {
        for message in messages where Self.isOwn(message, own) {
            guard let ts = message["ts"]?.stringValue, !ts.isEmpty else { continue }
            if let found = Self(message: message) {
                if found == self { return ts }
                continue
            }
            if message["metadata"] == nil, kind == .investigation, let incidentID,
               Self.buttonValues(of: message).contains(String(incidentID))
            {
                return ts
            }
        }
        return nil
    }

    /// Whether Vigil wrote `message`.
    private static func isOwn(_ message: JSONValue, _ own: MessageClassifier.OwnIdentity) -> Bool {
        func matches(_ value: JSONValue?, _ expected: String?) -> Bool {
            guard let value = value?.stringValue, !value.isEmpty, let expected else { return false }
            return value == expected
        }
        return matches(message["user"], own.userID) || matches(message["bot_id"], own.botID)
            || matches(message["bot_profile"]?["id"], own.botID) || matches(message["app_id"], own.appID)
    }

    /// The `value` of every button in the message's `actions` blocks.
    private static func buttonValues(of message: JSONValue) -> [String] {
        (message["blocks"]?.arrayValue ?? [])
            .filter { $0["type"]?.stringValue == "actions" }
            .flatMap { $0["elements"]?.arrayValue ?? [] }
            .compactMap { $0["value"]?.stringValue }
    }
}
