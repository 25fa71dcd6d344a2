import VigilBase

/// Slack's message limits, enforced before sending so `msg_too_long` and `invalid_blocks` never happen.
///
/// | limit | value |
/// |---|---|
/// | `text` | 40,000 characters (Slack truncates longer text; Vigil trims it visibly) |
/// | blocks per message | 50 |
/// | section / context text | 3,000 characters |
/// | header text | 150 characters |
public enum MessageLimits {
    public static let maximumTextCharacters = 40_000
    public static let maximumBlocks = 50
    public static let maximumSectionCharacters = 3_000
    public static let maximumHeaderCharacters = 150

    /// `text` cut to `limit` characters with a visible `…` marker.
    public static func trim(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// Text and blocks brought within Slack's limits: long text trimmed, long section/header texts trimmed, and
    /// blocks beyond 50 replaced by a context block saying how many were left out.
    public static func fit(text: String, blocks: [JSONValue]?) -> (text: String, blocks: [JSONValue]?) {
        let text = trim(text, to: maximumTextCharacters)
        guard var blocks else { return (text, nil) }
        blocks = blocks.map(fitBlock)
        if blocks.count > maximumBlocks {
            let omitted = blocks.count - (maximumBlocks - 1)
            blocks = Array(blocks.prefix(maximumBlocks - 1))
            blocks.append(.object([
                "type": .string("context"),
                "elements": .array([.object(["type": .string("mrkdwn"), "text": .string("… \(omitted) more blocks omitted")])]),
            ]))
        }
        return (text, blocks)
    }

    private static func fitBlock(_ block: JSONValue) -> JSONValue {
        guard case .object(var members) = block else { return block }
        let limit = members["type"]?.stringValue == "header" ? maximumHeaderCharacters : maximumSectionCharacters
        if case .object(var textObject) = members["text"], let text = textObject["text"]?.stringValue, text.count > limit {
            textObject["text"] = .string(trim(text, to: limit))
            members["text"] = .object(textObject)
        }
        return .object(members)
    }
}
