import Foundation

/// A message stored in a simulated conversation (posted by the client through the Web API, or injected with
/// ``SlackSimulator/postAsBot(channel:fieldsJSON:)`` and friends).
public struct SimulatedMessage: Sendable, CustomStringConvertible {
    /// The conversation id.
    public let channel: String
    /// The message timestamp (its id within the conversation).
    public let ts: String
    /// The parent's ts for thread replies; `nil` for top-level messages.
    public let threadTS: String?
    /// `text`, if present.
    public let text: String?
    /// `user`, if present.
    public let user: String?
    /// `bot_id`, if present.
    public let botID: String?
    /// `subtype`, if present.
    public let subtype: String?
    /// Whether the message was ephemeral (`chat.postEphemeral` or an ephemeral response-URL answer).
    public let isEphemeral: Bool
    /// For ephemeral messages, the user who can see it.
    public let visibleTo: String?
    /// Reaction names (without colons) in the order they were added.
    public let reactions: [String]
    /// The whole stored message as compact JSON text (as `conversations.history` returns it, minus thread
    /// decorations).
    public let jsonText: String

    /// Whether this is a thread reply (`thread_ts` present and different from `ts`).
    public var isThreadReply: Bool { self.threadTS != nil && self.threadTS != self.ts }

    /// The stored message parsed into Foundation types.
    public func jsonObject() -> [String: Any]? {
        guard let data = self.jsonText.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    public var description: String {
        "message(\(self.channel) \(self.ts)\(self.threadTS.map { " in thread \($0)" } ?? ""): \(self.text ?? "<no text>"))"
    }
}
