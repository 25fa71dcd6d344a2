import AlertInvestigation
import VigilBase

/// A reply in Slack mrkdwn, with the Block Kit sections that show it (for ephemeral slash-command answers).
struct ConversationReply: Sendable, Hashable {
    /// The whole reply as mrkdwn; also the notification fallback.
    var text: String
    /// Whether this reply refuses something (shown only to the person who asked, where Slack allows it).
    var isRefusal: Bool

    /// Creates a reply.
    init(_ text: String, isRefusal: Bool = false) {
        self.text = SlackText.truncatedMrkdwn(text, limit: SlackText.Limit.messageText)
        self.isRefusal = isRefusal
    }

    /// A refusal.
    static func refusal(_ text: String) -> ConversationReply { ConversationReply(text, isRefusal: true) }

    /// Sections of at most 3,000 characters, split at paragraph and line boundaries; at most 50.
    var blocks: [JSONValue] {
        var sections: [String] = []
        var current = ""
        let limit = SlackText.Limit.sectionText - 40
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(line) : current + "\n" + line
            if SlackText.length(candidate) > limit, !current.isEmpty {
                sections.append(current)
                current = String(line)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { sections.append(current) }
        return sections.prefix(SlackText.Limit.blocks).map { BlockKit.section($0) }
    }

    /// The payload of an ephemeral slash-command answer: `{"response_type":"ephemeral","text":…,"blocks":…}`.
    var ephemeralPayload: JSONValue {
        .object([
            "response_type": .string("ephemeral"),
            "text": .string(text),
            "blocks": .array(blocks),
        ])
    }
}
