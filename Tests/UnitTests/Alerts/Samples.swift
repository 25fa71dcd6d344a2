import Foundation
import Testing
import AlertReading
import VigilBase

/// Loads the sample payloads in the repository (`Tests/Fixtures/samples`) and turns them into ``SlackMessage``
/// values. A missing file is an error, never a silent skip.
enum Samples {
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "sample not found at \(path): the samples live in Tests/Fixtures/samples of the repository; "
                + "restore the file from git or fix the name the test asks for"
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Channel the synthesized alert events are posted in.
    static let alertChannel = "C0000ALERTS"

    /// `Tests/Fixtures/samples` of this repository.
    static var directory: URL { RepositoryFiles.samples }

    /// The JSON file at `relativePath` (e.g. `alerts/x.json`), with every key starting with `_` removed.
    static func json(_ relativePath: String) throws -> JSONValue {
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        return stripAnnotations(value)
    }

    /// Names of the `.json` files in `folder` (e.g. `alerts`).
    static func files(in folder: String) throws -> [String] {
        let url = directory.appendingPathComponent(folder, isDirectory: true)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func stripAnnotations(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members where !key.hasPrefix("_") { kept[key] = stripAnnotations(member) }
            return .object(kept)
        case .array(let elements):
            return .array(elements.map(stripAnnotations))
        default:
            return value
        }
    }

    /// The member at a dotted path (`payload.event`), or a thrown error naming the path.
    static func member(_ value: JSONValue, _ path: String) throws -> JSONValue {
        var current = value
        for key in path.split(separator: ".") {
            guard let next = current[String(key)] else { throw Malformed(description: "no member \(path)") }
            current = next
        }
        return current
    }

    /// Decodes `value` as a Slack message, through real JSON bytes.
    static func message(_ value: JSONValue) throws -> SlackMessage {
        try JSONDecoder().decode(SlackMessage.self, from: JSONEncoder().encode(value))
    }

    /// Decodes a raw JSON string as a Slack message.
    static func message(json: String) throws -> SlackMessage {
        try JSONDecoder().decode(SlackMessage.self, from: Data(json.utf8))
    }

    /// `body` (a posted request body: text/attachments/blocks/username) as the event an incoming webhook produces:
    /// subtype `bot_message`, `bot_id`, the body's `username`.
    static func webhookEvent(
        _ body: JSONValue,
        ts: String = "1760000000.000100",
        botID: String = "B0000WEBHOOK",
        threadTS: String? = nil
    ) throws -> SlackMessage {
        var members = try bodyMembers(body)
        members["type"] = .string("message")
        members["subtype"] = .string("bot_message")
        members["bot_id"] = .string(botID)
        members["channel"] = .string(alertChannel)
        members["channel_type"] = .string("channel")
        members["ts"] = .string(ts)
        members["event_ts"] = .string(ts)
        if let threadTS { members["thread_ts"] = .string(threadTS) }
        return try message(.object(members))
    }

    /// `body` as the event a bot-token `chat.postMessage` produces: `user`, `bot_id`, `app_id`, `bot_profile`, no
    /// subtype.
    static func botTokenEvent(
        _ body: JSONValue,
        botName: String,
        ts: String = "1760000000.000100",
        threadTS: String? = nil
    ) throws -> SlackMessage {
        var members = try bodyMembers(body)
        let id = botName.uppercased().filter { $0.isLetter }
        members.removeValue(forKey: "username")
        members["type"] = .string("message")
        members["user"] = .string("U0000\(id)")
        members["bot_id"] = .string("B0000\(id)")
        members["app_id"] = .string("A0000\(id)")
        members["bot_profile"] = .object([
            "id": .string("B0000\(id)"), "app_id": .string("A0000\(id)"), "name": .string(botName),
        ])
        members["channel"] = .string(alertChannel)
        members["channel_type"] = .string("channel")
        members["ts"] = .string(ts)
        members["event_ts"] = .string(ts)
        if let threadTS { members["thread_ts"] = .string(threadTS) }
        return try message(.object(members))
    }

    /// Keeps the members a posted body shares with the resulting event.
    private static func bodyMembers(_ body: JSONValue) throws -> [String: JSONValue] {
        guard let object = body.objectValue else { throw Malformed(description: "body is not an object") }
        return object.filter { ["text", "attachments", "blocks", "username", "thread_ts"].contains($0.key) }
    }

    /// A webhook post with one attachment.
    static func attachmentPost(
        title: String? = nil,
        text: String? = nil,
        color: String? = nil,
        footer: String? = nil,
        titleLink: String? = nil,
        fields: [(String, String)] = [],
        username: String? = nil,
        messageText: String? = nil
    ) -> SlackMessage {
        SlackMessage(
            subtype: "bot_message",
            channel: alertChannel,
            botID: "B0000WEBHOOK",
            username: username,
            text: messageText,
            ts: "1760000000.000100",
            attachments: [
                SlackAttachment(
                    color: color,
                    title: title,
                    titleLink: titleLink,
                    text: text,
                    footer: footer,
                    fields: fields.map { SlackAttachment.Field(title: $0.0, value: $0.1, short: true) }
                )
            ]
        )
    }

    /// A webhook post with only `text`.
    static func textPost(_ text: String, username: String? = nil) -> SlackMessage {
        SlackMessage(
            subtype: "bot_message",
            channel: alertChannel,
            botID: "B0000WEBHOOK",
            username: username,
            text: text,
            ts: "1760000000.000100"
        )
    }
}
