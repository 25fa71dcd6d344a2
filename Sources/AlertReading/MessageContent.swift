import VigilBase

/// A flattened, read-only view of everything a Slack post says: message text, attachments (title, pretext, text,
/// fields, footer, fallback, buttons) and Block Kit blocks (header, section text and fields, context elements,
/// rich text, buttons), in display order. Shared by all parsers so each one reads a message the same way.
///
/// Unfurl attachments Slack added for shared message links are skipped: they quote another message, not the author.
struct MessageContent: Sendable {
    /// Where a piece of text came from.
    enum Role: Sendable, Hashable {
        case messageText
        case attachmentPretext
        case attachmentTitle
        case attachmentText
        case attachmentFallback
        case attachmentFooter
        case header
        case section
        case sectionField
        case context
        case richText
    }

    /// One piece of text.
    struct Segment: Sendable, Hashable {
        var role: Role
        /// The text as posted (mrkdwn unless `isMrkdwn` is false).
        var raw: String
        /// `false` for `plain_text` and rich-text elements, which need no mrkdwn decoding.
        var isMrkdwn: Bool

    }

    /// A key/value pair from an attachment field or a section field shaped like `*Key*\nvalue` or `*Key*: value`.
    struct Field: Sendable, Hashable {
        var title: String
        /// The raw (mrkdwn) value.
        var value: String
    }

    /// Longest text piece read, in Unicode scalars; longer pieces are cut. Slack caps message text at 40,000
    /// characters and section text at 3,000, so this only bounds the work done on abnormal posts.
    static let maximumSegmentLength = 50_000
    /// Most text pieces read (Slack allows 50 blocks and 100 attachments per message).
    static let maximumSegments = 500

    /// The message whose content is read (the new version for `message_changed`).
    let message: SlackMessage
    /// All text pieces in display order.
    private(set) var segments: [Segment] = []
    /// Attachment fields and labelled section fields, in order.
    private(set) var fields: [Field] = []
    /// Links that are not inside text: title links and button URLs (label = link text or button text).
    private(set) var structuralLinks: [AlertLink] = []
    /// Attachment colours, in order.
    private(set) var colors: [String] = []

    /// The source the author is believed to be: the caller's known source, else the author-name hint
    /// (``AlertParsing/sourceHint(for:)``). Parsers accept weaker signatures when it names them.
    let hint: AlertSource?

    /// Reads `message` (its ``SlackMessage/currentVersion``).
    ///
    /// - Parameters:
    ///   - message: the message or `message_changed` event.
    ///   - knownSource: the source already known for this author (e.g. from a bot-id registry), if any.
    init(_ message: SlackMessage, knownSource: AlertSource? = nil) {
        let current = message.currentVersion
        self.message = current
        hint = knownSource ?? AlertParsing.sourceHint(for: current)
        add(.messageText, current.text)
        for block in current.blocks { readBlock(block) }
        for attachment in current.attachments where !attachment.isMessageUnfurl { readAttachment(attachment) }
        decoded = segments.map { segment in
            segment.isMrkdwn ? MrkdwnDecoder.decode(segment.raw) : MrkdwnDecoder.Output(text: segment.raw, links: [])
        }
    }

    /// The decoded form of each segment (same order as ``segments``).
    private var decoded: [MrkdwnDecoder.Output] = []

    // MARK: - Queries

    /// Plain (decoded) texts of the given roles, in order.
    func plains(_ roles: Set<Role>) -> [String] {
        segments.indices.filter { roles.contains(segments[$0].role) }.map { decoded[$0].text }
    }

    /// Raw texts of the given roles, in order, non-empty only.
    func raws(_ roles: Set<Role>) -> [String] {
        segments.filter { roles.contains($0.role) && !$0.raw.trimmedWhitespace.isEmpty }.map(\.raw)
    }

    /// Candidate title lines, best first: attachment titles, header blocks, the first line of the message text,
    /// of each section and of each attachment text, then attachment fallbacks and pretexts. Each is plain text
    /// (mrkdwn decoded), trimmed and non-empty.
    var titleCandidates: [String] {
        var result: [String] = []
        func add(_ roles: Set<Role>) {
            for (index, segment) in segments.enumerated() where roles.contains(segment.role) {
                if let first = decoded[index].text.nonEmptyLines.first { result.append(first) }
            }
        }
        add([.attachmentTitle])
        add([.header])
        add([.messageText])
        add([.section, .attachmentText])
        add([.attachmentFallback, .attachmentPretext])
        return result
    }

    /// Every line of every segment as plain text (fallbacks excluded: they repeat the title), trimmed, non-empty.
    var plainLines: [String] {
        segments.indices.filter { segments[$0].role != .attachmentFallback }.flatMap { decoded[$0].text.nonEmptyLines }
    }

    /// All plain text joined by newlines (fallbacks excluded).
    var plainText: String { plainLines.joined(separator: "\n") }

    /// Links found in text (from `<url|label>`) followed by structural links, without duplicate URLs.
    var links: [AlertLink] {
        var seen = Set<String>()
        var result: [AlertLink] = []
        let textLinks = segments.indices.filter { segments[$0].role != .attachmentFallback }.flatMap {
            decoded[$0].links
        }
        for link in textLinks + structuralLinks where seen.insert(link.url).inserted {
            result.append(link)
        }
        return result
    }

    /// The value of the first field whose title matches `title` case-insensitively.
    func field(_ title: String) -> String? {
        let wanted = title.lowercased()
        return fields.first { $0.title.lowercased() == wanted }?.value
    }

    /// The first colour classified by ``SlackColor``.
    var color: SlackColor? {
        colors.lazy.compactMap { SlackColor($0) }.first
    }

    /// The bot's display name: `bot_profile.name`, else `username`.
    var authorName: String? {
        message.botProfile?.name ?? message.username
    }

    // MARK: - Reading

    private mutating func readAttachment(_ attachment: SlackAttachment) {
        if let color = attachment.color { colors.append(color) }
        add(.attachmentPretext, attachment.pretext)
        add(.attachmentTitle, attachment.title)
        if let link = attachment.titleLink, !link.isEmpty {
            let label = attachment.title.map { MrkdwnDecoder.decode($0).text.trimmedWhitespace } ?? ""
            structuralLinks.append(
                AlertLink(label: label.isEmpty ? link : label, url: MrkdwnDecoder.decodeEntities(link))
            )
        }
        add(.attachmentText, attachment.text)
        for field in attachment.fields {
            let title = MrkdwnDecoder.decode(field.title ?? "").text.trimmedWhitespace
            let value = field.value ?? ""
            if !title.isEmpty { fields.append(Field(title: title, value: value)) }
            add(.attachmentText, title.isEmpty ? value : "\(title): \(value)")
        }
        for block in attachment.blocks { readBlock(block) }
        for action in attachment.actions { readButton(action) }
        add(.attachmentFooter, attachment.footer)
        add(.attachmentFallback, attachment.fallback)
    }

    private mutating func add(_ role: Role, _ text: String?, mrkdwn: Bool = true) {
        guard var text, segments.count < Self.maximumSegments else { return }
        if text.utf8.count > Self.maximumSegmentLength {
            text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(Self.maximumSegmentLength)))
        }
        guard !text.trimmedWhitespace.isEmpty else { return }
        segments.append(Segment(role: role, raw: text, isMrkdwn: mrkdwn))
    }

    private mutating func readBlock(_ block: JSONValue) {
        switch block["type"]?.stringValue {
        case "header":
            addTextObject(.header, block["text"])
        case "section", "markdown":
            if block["type"]?.stringValue == "markdown" {
                add(.section, block["text"]?.stringValue)
            } else {
                addTextObject(.section, block["text"])
            }
            for field in block["fields"]?.arrayValue ?? [] {
                addTextObject(.sectionField, field)
                if let raw = field["text"]?.stringValue, let labelled = Self.labelledField(raw) {
                    fields.append(labelled)
                }
            }
            if let accessory = block["accessory"] { readButton(accessory) }
        case "context":
            for element in block["elements"]?.arrayValue ?? [] { addTextObject(.context, element) }
        case "rich_text":
            var text = ""
            for element in block["elements"]?.arrayValue ?? [] {
                if !text.isEmpty { text += "\n" }
                text += richText(element)
            }
            add(.richText, text, mrkdwn: false)
        case "actions":
            for element in block["elements"]?.arrayValue ?? [] { readButton(element) }
        default:
            break
        }
    }

    /// Adds a text object (`{type: mrkdwn|plain_text, text}`) or a bare string.
    private mutating func addTextObject(_ role: Role, _ object: JSONValue?) {
        guard let object else { return }
        if let string = object.stringValue {
            add(role, string)
        } else if let text = object["text"]?.stringValue {
            add(role, text, mrkdwn: object["type"]?.stringValue != "plain_text")
        }
    }

    private mutating func readButton(_ element: JSONValue) {
        guard let url = element["url"]?.stringValue, !url.isEmpty else { return }
        let label = element["text"]?["text"]?.stringValue ?? element["text"]?.stringValue ?? url
        structuralLinks.append(AlertLink(label: label, url: MrkdwnDecoder.decodeEntities(url)))
    }

    /// Renders rich-text elements (sections, lists, quotes, preformatted) to plain text, collecting link URLs.
    private mutating func richText(_ element: JSONValue) -> String {
        switch element["type"]?.stringValue {
        case "text": return element["text"]?.stringValue ?? ""
        case "link":
            let url = element["url"]?.stringValue ?? ""
            let label = element["text"]?.stringValue ?? url
            if !url.isEmpty { structuralLinks.append(AlertLink(label: label, url: url)) }
            return label
        case "user": return "@" + (element["user_id"]?.stringValue ?? "")
        case "channel": return "#" + (element["channel_id"]?.stringValue ?? "")
        case "usergroup": return "@" + (element["usergroup_id"]?.stringValue ?? "")
        case "broadcast": return "@" + (element["range"]?.stringValue ?? "")
        case "emoji": return ":" + (element["name"]?.stringValue ?? "") + ":"
        case "date": return element["fallback"]?.stringValue ?? ""
        case "rich_text_list":
            var items: [String] = []
            for item in element["elements"]?.arrayValue ?? [] { items.append("• " + richText(item)) }
            return items.joined(separator: "\n")
        default:
            var parts = ""
            for child in element["elements"]?.arrayValue ?? [] { parts += richText(child) }
            return parts
        }
    }

    /// `*Key*\nvalue`, `*Key*: value`, `*Key:* value` or `Key: value` (Block Kit section fields) → a field with the
    /// raw value; `nil` otherwise.
    static func labelledField(_ raw: String) -> Field? {
        let rawLines = raw.lineList
        if rawLines.count >= 2, rawLines[0].trimmedWhitespace.hasPrefix("*") {
            var title = MrkdwnDecoder.decode(rawLines[0]).text.trimmedWhitespace
            if title.hasSuffix(":") { title = String(title.dropLast()).trimmedWhitespace }
            if !title.isEmpty, title.count <= 60, !title.contains("*") {
                return Field(title: title, value: rawLines.dropFirst().joined(separator: "\n").trimmedWhitespace)
            }
        }
        guard let colon = raw.firstIndex(of: ":") else { return nil }
        let keyRaw = raw[..<colon]
        var valueRaw = raw[raw.index(after: colon)...]
        guard !keyRaw.contains("<"), !keyRaw.contains("\n"), keyRaw.count <= 64 else { return nil }
        var key: String
        if keyRaw.hasPrefix("*"), valueRaw.hasPrefix("*"), !keyRaw.dropFirst().contains("*") {
            key = String(keyRaw.dropFirst())  // "*Key:* value"
            valueRaw = valueRaw.dropFirst()
        } else {
            key = MrkdwnDecoder.decode(String(keyRaw)).text
        }
        key = key.trimmedWhitespace
        let value = valueRaw.trimmedWhitespace
        guard !key.isEmpty, !value.isEmpty, !key.contains("*") else { return nil }
        return Field(title: key, value: value)
    }
}
