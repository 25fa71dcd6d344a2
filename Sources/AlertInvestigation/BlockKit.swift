import VigilBase

/// Block Kit JSON constructors; callers pass text that is already escaped and within limits, and these clamp once
/// more as a safety net.
package enum BlockKit {
    /// A `header` block (plain text, emoji shortcodes rendered).
    static func header(_ text: String) -> JSONValue {
        .object([
            "type": .string("header"),
            "text": plainText(SlackText.truncated(text, limit: SlackText.Limit.headerText)),
        ])
    }

    /// A `section` block with mrkdwn text and optional mrkdwn fields.
    package static func section(_ text: String?, fields: [String] = [], blockID: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["type": .string("section")]
        if let text, !text.isEmpty {
            members["text"] = mrkdwn(SlackText.truncatedMrkdwn(text, limit: SlackText.Limit.sectionText))
        }
        if !fields.isEmpty {
            members["fields"] = .array(
                fields.prefix(SlackText.Limit.fieldsPerSection).map {
                    mrkdwn(SlackText.truncatedMrkdwn($0, limit: SlackText.Limit.fieldText))
                }
            )
        }
        if let blockID { members["block_id"] = .string(blockID) }
        return .object(members)
    }

    /// A `context` block of mrkdwn elements.
    package static func context(_ elements: [String]) -> JSONValue {
        .object([
            "type": .string("context"),
            "elements": .array(
                elements.prefix(SlackText.Limit.contextElements).map {
                    mrkdwn(SlackText.truncatedMrkdwn($0, limit: SlackText.Limit.sectionText))
                }
            ),
        ])
    }

    /// A `divider` block.
    static var divider: JSONValue { .object(["type": .string("divider")]) }

    /// An `actions` block.
    package static func actions(_ elements: [JSONValue], blockID: String) -> JSONValue {
        .object(["type": .string("actions"), "block_id": .string(blockID), "elements": .array(elements)])
    }

    /// A button element.
    package static func button(_ text: String, actionID: String, value: String, style: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": .string("button"),
            "text": plainText(SlackText.truncated(text, limit: SlackText.Limit.buttonText)),
            "action_id": .string(actionID),
            "value": .string(SlackText.truncated(value, limit: 2_000)),
        ]
        if let style { members["style"] = .string(style) }
        return .object(members)
    }

    /// A `mrkdwn` text object.
    static func mrkdwn(_ text: String) -> JSONValue {
        .object(["type": .string("mrkdwn"), "text": .string(text.isEmpty ? " " : text)])
    }

    /// A `plain_text` text object with emoji enabled.
    static func plainText(_ text: String) -> JSONValue {
        .object(["type": .string("plain_text"), "text": .string(text.isEmpty ? " " : text), "emoji": .bool(true)])
    }
}
