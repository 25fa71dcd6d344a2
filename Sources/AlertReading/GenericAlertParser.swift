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

    /// Parses flattened content; `nil` when the post has no text. See docs/alert-formats.md, "The generic reading".
    func parse(content: MessageContent) -> Alert? {
        let lines = content.plainLines
        let candidates = content.titleCandidates
        guard let rawTitle = candidates.first ?? lines.first else { return nil }
        let author = content.authorName

        // Labels: attachment/section fields, then `key: value` lines (several per line when separated by wide
        // spaces or ` | `, as in `HOST: lb-01   SERVICE: ping4   STATE: CRITICAL`).
        var labels: [String: String] = [:]
        for field in content.fields {
            let key = Self.labelKey(field.title)
            let value = MrkdwnDecoder.decode(field.value).text.withoutSurroundingBackticks
            if !key.isEmpty, !value.isEmpty, labels[key] == nil { labels[key] = value }
        }
        let pieces = lines.filter { $0.count <= 200 }.flatMap(Self.inlinePairs)
        for (key, value) in LabelLines.pairs(in: pieces) where labels[Self.labelKey(key)] == nil {
            labels[Self.labelKey(key)] = value
        }
        // `Impacted entity: checkout-service` (a key of several words ending in `entity`).
        for piece in pieces {
            guard let (key, value) = piece.keyValue(separators: [":"]), !value.isEmpty, !value.hasPrefix("//") else {
                continue
            }
            let keyWords = key.lowercasedWords
            if keyWords.count <= 3, keyWords.last == "entity", labels[Self.labelKey(key)] == nil {
                labels[Self.labelKey(key)] = value.withoutSurroundingBackticks
            }
        }
        // Labels not taken from the title line, for the name (a title `Monitor: X is Down` is not a name field).
        var bodyLabels: [String: String] = [:]
        for field in content.fields {
            let key = Self.labelKey(field.title)
            let value = MrkdwnDecoder.decode(field.value).text.withoutSurroundingBackticks
            if !key.isEmpty, !value.isEmpty, bodyLabels[key] == nil { bodyLabels[key] = value }
        }
        let bodyPieces = lines.filter { $0.count <= 200 && $0 != rawTitle }.flatMap(Self.inlinePairs)
        for (key, value) in LabelLines.pairs(in: bodyPieces) where bodyLabels[Self.labelKey(key)] == nil {
            bodyLabels[Self.labelKey(key)] = value
        }

        // The statement: what the title says; a title naming nothing and saying no state (`Gatus`, `Description`)
        // gives way to the first later line that does.
        let titleIsLabels = Self.isLabelLine(rawTitle)
        var statement = titleIsLabels ? AlertStatement.empty : AlertStatement(rawTitle, author: author)
        if statement.status == nil, Self.isWeakSubject(statement.subject) {
            for candidate in candidates.dropFirst().prefix(6) where !Self.isLabelLine(candidate) {
                let later = AlertStatement(candidate, author: author)
                if later.status != nil, !later.subject.isEmpty {
                    statement = later
                    break
                }
            }
        }

        // Name: a name field (`Check`, `Monitor`, `Rule`…), else the subject (or, when the subject is only a host,
        // the first field's value), else the service, else the cleaned title.
        let cleaned = Self.cleanTitle(rawTitle)
        let nameField = LabelLines.first(Self.nameKeys, in: bodyLabels)
        var name: String
        if let nameField {
            name = nameField
        } else if statement.subjectIsHost, let field = content.fields.first {
            let value = MrkdwnDecoder.decode(field.value).text.trimmedWhitespace
            let beforeValue = value.firstRange(of: " = ").map { String(value[..<$0.lowerBound]) } ?? value
            name = beforeValue.isEmpty ? statement.subject : beforeValue
        } else if !statement.subject.isEmpty {
            name = statement.subject
        } else if !titleIsLabels, !cleaned.lowercasedWords.allSatisfy({
            AlertStatement.emptyTitleWords.contains($0) || AlertStatement.stateWords.contains($0)
        }) {
            // `Job Failed.`: the title names something, just not in a subject's shape.
            name = cleaned
        } else if let service = LabelLines.first(Self.serviceKeys, in: labels) {
            name = service
        } else if titleIsLabels, let host = LabelLines.first(LabelLines.hostKeys, in: labels) {
            name = host
        } else {
            name = cleaned.isEmpty ? rawTitle : cleaned
        }

        // Host and service: fields first (an `Entity` with a host's shape is a host, otherwise a service), then the
        // statement, then a host-shaped `source`.
        let entity = labels.first { $0.key == "entity" || $0.key.hasSuffix("_entity") }?.value
        var host = LabelLines.first(LabelLines.hostKeys, in: labels).map(Self.firstToken)
        if host == nil, let entity, AlertStatement.isHostToken(Self.firstToken(entity)) { host = Self.firstToken(entity) }
        host = host ?? statement.host
        if host == nil, let source = labels["source"], AlertStatement.isHostToken(Self.firstToken(source)) {
            host = Self.firstToken(source)
        }
        var service = LabelLines.first(Self.serviceKeys, in: labels)
        if service == nil, let entity, !AlertStatement.isHostToken(Self.firstToken(entity)) { service = entity }
        if service == nil, let statementService = statement.service,
            statementService.lowercased() != nameField?.lowercased()
        {
            service = statementService
        }
        if service == nil { service = LabelLines.first(["check", "check_name"], in: bodyLabels) }

        // Status: the statement, a status field, the title's words, the colour, the other lines' words; else unstated.
        let allText = lines.joined(separator: "\n")
        let statusField = LabelLines.first(Self.statusKeys, in: labels).flatMap { AlertStatement($0).status }
        let readStatus =
            statement.status
            ?? statusField
            ?? AlertStatus.guess(fromText: rawTitle)
            ?? content.color?.statusHint
            ?? AlertStatus.guess(fromText: allText)
        let severity =
            LabelLines.first(["severity", "priority", "level", "urgency"], in: labels).flatMap(
                AlertSeverity.init(normalising:)
            )
            ?? statement.severity
            ?? AlertSeverity.guess(fromText: rawTitle)
            ?? AlertSeverity.guess(fromText: allText)
            ?? content.color?.severityHint
            ?? .unknown

        let summary = lines.filter { $0 != rawTitle && Self.cleanTitle($0) != cleaned }.prefix(2).joined(separator: "\n")
        var identityWords = Self.identityWords(name)
        if identityWords.isEmpty {
            identityWords = author ?? content.message.botID ?? content.message.appID ?? "unknown"
        }
        var identityParts = [identityWords]
        if let host, !name.lowercased().contains(host.lowercased()) { identityParts.append(host) }
        return AlertLimits.clamp(
            Alert(
                source: .generic,
                status: readStatus ?? .other,
                severity: severity,
                name: name,
                summary: summary,
                labels: labels,
                host: host,
                service: service,
                links: content.links,
                identity: AlertIdentity.make(.generic, identityParts),
                statusStated: readStatus != nil
            )
        )
    }

    /// Label keys naming the alert itself.
    static let nameKeys = [
        "alertname", "alert_name", "check", "check_name", "monitor", "monitor_name", "rule", "rule_name", "trigger",
        "trigger_name",
    ]
    /// Label keys naming the affected service in posts of unknown tools (`project` and `namespace` are not services).
    static let serviceKeys = ["service", "service_name", "job", "app", "application"]
    /// Label keys stating where an alert stands.
    static let statusKeys = [
        "status", "state", "monitor_condition", "notification_type", "current_state", "new_state", "event",
    ]

    /// `web-03 (IP: 10.0.4.3)` → `web-03`.
    static func firstToken(_ value: String) -> String {
        let first = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? value
        return first.trimmingPunctuation.isEmpty ? value : first.trimmingPunctuation
    }

    /// A line split into `key: value` pieces at wide spaces (3+) and ` | `, leading emoji shortcodes dropped.
    static func inlinePairs(_ line: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var spaces = 0
        for character in line {
            if character == " " {
                spaces += 1
                continue
            }
            if spaces >= 3 || (character == "|" && spaces >= 1) {
                pieces.append(current)
                current = ""
                spaces = 0
                if character == "|" { continue }
            }
            if spaces > 0 { current += String(repeating: " ", count: spaces) }
            spaces = 0
            current.append(character)
        }
        pieces.append(current)
        return pieces.map { piece in
            var text = Substring(piece.trimmedWhitespace)
            while text.hasPrefix(":"), let end = text.dropFirst().firstIndex(of: ":"),
                !text[text.index(after: text.startIndex)..<end].contains(" ")
            {
                text = text[text.index(after: end)...].drop(while: { $0 == " " })
            }
            return String(text)
        }.filter { !$0.isEmpty }
    }

    /// A line made of `KEY: value` pairs naming a host, service or state (`Host: web-03 (IP: …)`,
    /// `HOST: lb-01   SERVICE: ping4   STATE: CRITICAL`), not a title.
    static func isLabelLine(_ line: String) -> Bool {
        let pairs = LabelLines.pairs(in: inlinePairs(line))
        if pairs.count >= 2 { return true }
        guard let key = pairs.first?.key.lowercased() else { return false }
        return LabelLines.hostKeys.contains(key) || serviceKeys.contains(key) || statusKeys.contains(key)
    }

    /// A subject that names nothing worth keeping over a later line: empty, or one plain word (`Gatus`).
    static func isWeakSubject(_ subject: String) -> Bool {
        let words = subject.split(separator: " ")
        guard words.count <= 1 else { return false }
        return !subject.contains(where: { $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" })
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
