import VigilBase

/// The fallback reader for any bot post: text, attachments (title, pretext, text, fields, footer, fallback) and
/// blocks (header, section text and fields, context, rich text) through ``MrkdwnDecoder``. Returns `nil` only when
/// the post has no text at all.
///
/// * Name: the best title candidate (attachment title, header, first text line…) without status decorations
///   (leading emoji, `[FIRING]`/`[ALERT]`/`[P1]`-style brackets, `Resolved:`-style prefixes).
/// * Status: words of the title (resolved/recovered/… → resolved; firing/triggered/alarm/problem/down/critical/… →
///   firing; acknowledged/no data → other; ok/up → resolved, weakly), else the colour (red/amber → firing, green →
///   resolved), else words of the whole text, else `other`.
/// * Severity: a `severity`/`level`/`priority` field or key, else unambiguous words (critical, warning, P1…), else
///   the colour (red → high, amber → warning, blue → info), else unknown.
/// * Labels: attachment and section fields (keys lowercased, spaces → `_`) and `key: value` lines with label-like
///   keys; host and service from the usual keys (`host`, `instance`…, `service`, `job`…).
///
/// Identity: `generic:<name words without status, severity and emoji words>` (so "Disk full on db1 - FIRING" and
/// "Disk full on db1 - RESOLVED" match); `generic:<bot name>` when nothing is left.
public struct GenericAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/generic``.
    public var source: AlertSource { .generic }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        let lines = content.plainLines
        guard let rawTitle = content.titleCandidates.first ?? lines.first else { return nil }
        let name = Self.cleanTitle(rawTitle)

        var labels: [String: String] = [:]
        for field in content.fields {
            let key = Self.labelKey(field.title)
            let value = MrkdwnDecoder.decode(field.value).text.withoutSurroundingBackticks
            if !key.isEmpty, !value.isEmpty, labels[key] == nil { labels[key] = value }
        }
        for (key, value) in LabelLines.pairs(in: lines.filter { $0.count <= 200 })
        where labels[Self.labelKey(key)] == nil {
            labels[Self.labelKey(key)] = value
        }

        let allText = lines.joined(separator: "\n")
        let status =
            AlertStatus.guess(fromText: rawTitle)
            ?? content.color?.statusHint
            ?? AlertStatus.guess(fromText: allText)
            ?? .other
        let severity =
            AlertSeverity.guess(fromText: rawTitle)
            ?? LabelLines.first(["severity", "priority", "level", "urgency"], in: labels).flatMap(
                AlertSeverity.init(normalising:)
            )
            ?? AlertSeverity.guess(fromText: allText)
            ?? content.color?.severityHint
            ?? .unknown

        let summary = lines.filter { $0 != rawTitle && Self.cleanTitle($0) != name }.prefix(2).joined(separator: "\n")
        var identityWords = Self.identityWords(name)
        if identityWords.isEmpty {
            identityWords = content.authorName ?? content.message.botID ?? content.message.appID ?? "unknown"
        }
        return AlertLimits.clamp(
            Alert(
                source: .generic,
                status: status,
                severity: severity,
                name: name.isEmpty ? rawTitle : name,
                summary: summary,
                labels: labels,
                host: LabelLines.first(LabelLines.hostKeys, in: labels),
                service: LabelLines.first(LabelLines.serviceKeys, in: labels),
                links: content.links,
                identity: AlertIdentity.make(.generic, [identityWords])
            )
        )
    }

    /// Words that say state or severity, not what is alerting; dropped from identities.
    static let decorationWords: Set<String> = [
        "firing", "fired", "resolved", "triggered", "retriggered", "recovered", "recovery", "ok", "alert", "alerting",
        "alarm", "problem", "critical", "warning", "warn", "info", "down", "up", "p1", "p2", "p3", "p4", "p5",
        "acknowledged", "ack", "cleared", "failed", "failure", "status", "state", "now", "is", "back",
    ]

    /// A title without decorations: leading emoji (unicode or `:shortcode:`), status/priority brackets and
    /// `Word:` status prefixes.
    static func cleanTitle(_ title: String) -> String {
        var rest = Substring(title.trimmedWhitespace)
        var changed = true
        while changed, !rest.isEmpty {
            changed = false
            // Leading `:shortcode:`.
            if rest.hasPrefix(":"), let end = rest.dropFirst().firstIndex(of: ":"),
                !rest[rest.index(after: rest.startIndex)..<end].contains(" "), rest.index(after: rest.startIndex) < end
            {
                rest = rest[rest.index(after: end)...].drop(while: { $0 == " " })
                changed = true
            }
            // Leading pictographs (🔴, ✅, ⚠️, 🚨) and their variation selectors.
            while let first = rest.first,
                first.unicodeScalars.contains(where: {
                    $0.properties.isEmojiPresentation || $0.value == 0x26A0 || $0.value == 0x2705 || $0.value == 0x274C
                })
            {
                rest = rest.dropFirst().drop(while: { $0 == " " })
                changed = true
            }
            // Leading [STATUS] / [P1] brackets whose words are all decorations.
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                let words = rest[rest.index(after: rest.startIndex)..<close].lowercasedWords
                if !words.isEmpty, words.allSatisfy({ decorationWords.contains($0) || Int($0) != nil }) {
                    rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
                    changed = true
                }
            }
            // Leading `Resolved:` / `Alert -` prefixes.
            if let separator = [rest.firstRange(of: ": "), rest.firstRange(of: " - ")].compactMap({ $0 })
                .min(by: { $0.lowerBound < $1.lowerBound })
            {
                let words = rest[..<separator.lowerBound].lowercasedWords
                if !words.isEmpty, words.count <= 2, words.allSatisfy({ decorationWords.contains($0) }) {
                    rest = rest[separator.upperBound...].drop(while: { $0 == " " })
                    changed = true
                }
            }
        }
        return rest.trimmedWhitespace
    }

    /// Name words for identities: emoji shortcodes removed, then lowercase words minus ``decorationWords``.
    static func identityWords(_ name: String) -> String {
        var withoutShortcodes = ""
        var remaining = Substring(name)
        while let colon = remaining.firstIndex(of: ":") {
            withoutShortcodes += remaining[..<colon]
            let after = remaining[remaining.index(after: colon)...]
            if let end = after.firstIndex(of: ":"), after.startIndex < end,
                after[..<end].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "+" || $0 == "-" })
            {
                remaining = after[after.index(after: end)...]
                withoutShortcodes += " "
            } else {
                withoutShortcodes += " "
                remaining = after
            }
        }
        withoutShortcodes += remaining
        return withoutShortcodes.lowercasedWords.filter { !decorationWords.contains($0) }.joined(separator: " ")
    }

    /// `Alarm Name` → `alarm_name`.
    static func labelKey(_ title: String) -> String {
        title.trimmedWhitespace.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: "_")
    }
}
