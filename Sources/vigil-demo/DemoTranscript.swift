import Foundation
import VigilBase

/// Renders Slack messages as plain text, the way they would read in the Slack client: Block Kit headers, sections,
/// fields, context lines and buttons (`[Acknowledge] [Resolve] …`), attachments (title, text, fields), and mrkdwn
/// reduced to readable text (`<url|label>` → `label (url)`, `<@U…>` → `@alice`, `<#C…>` → `#alerts`, dates →
/// their fallback, `*bold*` → `bold`, entities decoded). No ANSI escapes, so it can be captured.
struct DemoTranscript: Sendable {
    /// Display names of user ids (`U0SIMALICE` → `alice`).
    var userNames: [String: String]
    /// Names of channel ids (`C0SIMALERTS` → `alerts`).
    var channelNames: [String: String]
    /// Vigil's bot user id and bot id: their posts are signed "Vigil".
    var vigilUserID: String
    var vigilBotID: String
    /// Lines shown per attachment text or section before "…".
    var maximumTextLines = 6

    /// Parses a stored message's JSON text (`SimulatedMessage.jsonText`, a `RecordedCall` body).
    static func parse(_ jsonText: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(jsonText.utf8))) ?? .null
    }

    /// Who wrote `message`: `Vigil`, `AlertManager (bot)`, `alice`, ….
    func author(of message: JSONValue) -> String {
        let user = message["user"]?.stringValue
        let bot = message["bot_id"]?.stringValue
        if user == vigilUserID || bot == vigilBotID { return "Vigil" }
        if let username = message["username"]?.stringValue, !username.isEmpty { return "\(username) (bot)" }
        if let app = message["bot_profile"]?["name"]?.stringValue, !app.isEmpty { return "\(app) (bot)" }
        if let user, let name = userNames[user] { return bot == nil ? name : "\(name) (bot)" }
        if let bot { return "bot \(bot)" }
        return user ?? "someone"
    }

    /// The message's content as lines (no author line, no indentation). Long texts of other authors are cut
    /// after ``maximumTextLines``; Vigil's own messages (and everything when `complete` is set) are shown whole.
    func body(of message: JSONValue, complete: Bool = false) -> [String] {
        var transcript = self
        if complete || author(of: message) == "Vigil" { transcript.maximumTextLines = .max }
        return transcript.uncutBody(of: message)
    }

    private func uncutBody(of message: JSONValue) -> [String] {
        var lines: [String] = []
        let blocks = message["blocks"]?.arrayValue ?? []
        if blocks.isEmpty {
            lines += textLines(message["text"]?.stringValue ?? "")
        } else {
            lines += render(blocks: blocks)
        }
        for attachment in message["attachments"]?.arrayValue ?? [] {
            lines += render(attachment: attachment)
        }
        return lines.isEmpty ? ["(empty message)"] : lines
    }

    /// Block Kit blocks as lines.
    func render(blocks: [JSONValue]) -> [String] {
        var lines: [String] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "header":
                lines.append(plain(block["text"]?["text"]?.stringValue ?? ""))
            case "section":
                if let text = block["text"]?["text"]?.stringValue {
                    lines += textLines(text)
                }
                let fields = (block["fields"]?.arrayValue ?? []).compactMap { field -> String? in
                    guard let text = field["text"]?.stringValue else { return nil }
                    let parts = plain(text).split(separator: "\n", maxSplits: 1).map(String.init)
                    return parts.count == 2 ? "\(parts[0]): \(parts[1])" : parts.first
                }
                var row: [String] = []
                for field in fields {
                    row.append(field)
                    if row.count == 3 {
                        lines.append(row.joined(separator: " · "))
                        row = []
                    }
                }
                if !row.isEmpty { lines.append(row.joined(separator: " · ")) }
            case "context":
                let elements = (block["elements"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.map(plain)
                if !elements.isEmpty { lines.append(elements.joined(separator: " · ")) }
            case "actions":
                let buttons = (block["elements"]?.arrayValue ?? []).compactMap { $0["text"]?["text"]?.stringValue }
                if !buttons.isEmpty { lines.append(buttons.map { "[\($0)]" }.joined(separator: " ")) }
            case "divider":
                lines.append("---")
            case "rich_text":
                break
            default:
                if let text = block["text"]?["text"]?.stringValue { lines += textLines(text) }
            }
        }
        return lines
    }

    /// A legacy attachment as lines: pretext, title, text, fields, blocks, footer.
    func render(attachment: JSONValue) -> [String] {
        var lines: [String] = []
        if let pretext = attachment["pretext"]?.stringValue, !pretext.isEmpty { lines += textLines(pretext) }
        if let title = attachment["title"]?.stringValue, !title.isEmpty { lines.append(plain(title)) }
        if let text = attachment["text"]?.stringValue, !text.isEmpty { lines += textLines(text) }
        let fields = (attachment["fields"]?.arrayValue ?? []).compactMap { field -> String? in
            guard let title = field["title"]?.stringValue, let value = field["value"]?.stringValue else { return nil }
            return "\(plain(title)): \(plain(value).replacing("\n", with: ", "))"
        }
        lines += fields
        if let blocks = attachment["blocks"]?.arrayValue { lines += render(blocks: blocks) }
        if let footer = attachment["footer"]?.stringValue, !footer.isEmpty { lines.append(plain(footer)) }
        if lines.isEmpty, let fallback = attachment["fallback"]?.stringValue { lines.append(plain(fallback)) }
        return lines
    }

    /// mrkdwn text as at most ``maximumTextLines`` readable lines.
    func textLines(_ text: String) -> [String] {
        let all = plain(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines = all
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        if lines.count > maximumTextLines {
            lines = Array(lines.prefix(maximumTextLines)) + ["…"]
        }
        return lines
    }

    /// mrkdwn reduced to plain text.
    func plain(_ mrkdwn: String) -> String {
        var text = ""
        var rest = Substring(mrkdwn)
        while let open = rest.firstIndex(of: "<") {
            text += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[open...]
                break
            }
            text += special(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        text += rest
        text = text.replacing(/\*\*([^*\n]+)\*\*/) { match in String(match.output.1) }
        text = text.replacing(/\*([^*\n]+)\*/) { match in String(match.output.1) }
        return text.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }

    /// The readable form of one `<…>` sequence.
    private func special(_ inner: String) -> String {
        let parts = inner.split(separator: "|", maxSplits: 1).map(String.init)
        let target = parts.first ?? ""
        let label = parts.count > 1 ? parts[1] : nil
        if target.hasPrefix("@") {
            let id = String(target.dropFirst())
            return "@" + (label ?? userNames[id] ?? id)
        }
        if target.hasPrefix("#") {
            let id = String(target.dropFirst())
            return "#" + (label ?? channelNames[id] ?? id)
        }
        if target.hasPrefix("!date^") { return label ?? target }
        if target.hasPrefix("!") { return "@" + (label ?? String(target.dropFirst())) }
        guard let label, label != target else { return target }
        return "\(label) (\(target))"
    }
}
