/// Why Vigil handles a Slack message, for the message-level dedupe gate
/// (``DedupeStore/markMessageHandled(workspace:channel:ts:purpose:at:)``).
///
/// One post can legitimately be handled once per purpose (parsed as an alert, and answered as a mention), but
/// never twice for the same purpose, whether it arrives as `message`, as `app_mention`, or via history catch-up.
public struct MessagePurpose: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The stored key.
    public var rawValue: String

    /// Creates a purpose from its stored key.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Parsing the post as a monitoring alert.
    public static let alert = MessagePurpose(rawValue: "alert")
    /// Answering a message that mentions Vigil.
    public static let mention = MessagePurpose(rawValue: "mention")
    /// Running a text command addressed to Vigil.
    public static let command = MessagePurpose(rawValue: "command")

    /// The stored key.
    public var description: String { rawValue }
}
