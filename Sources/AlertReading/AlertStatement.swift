import VigilBase

/// What one title line of a bot post says, read the way an on-call engineer reads it: **what** is alerting (the
/// subject), **where** (host, service), and the **state** it is in now. The generic reader's core (docs/alert-formats.md).
///
/// Rules, in order:
/// 1. Decorations go first: leading emoji, `*`/`_` markup, `[STATUS]` brackets, a leading `#1042:`-style id, a
///    leading `[host]` (kept as the host) or `[site tag]` bracket.
/// 2. The state is the one **after** a transition (`OK -> CRIT`, `→`, `=>`, `from OK to WARNING`, `changed to
///    CRITICAL`); otherwise the first status phrase (``AlertStatement/phrases``: `is DOWN`, `has recovered`,
///    `needs attention`, `back to normal`, `PROBLEM`…).
/// 3. The subject is the text before the state phrase without connecting words (`is`, `has been`, `status`…) and
///    generic lead words (`The check`, `Monitor:`, `Your site`, `An alert for`); when the state phrase opens the
///    line (`Activated: High error rate…`, `RESOLVED Problem …`), the text after it. A quoted name inside the subject
///    (`'High 5xx ratio'`, `"nightly-backup"`, `` `queue-consumer` ``) is the subject.
/// 4. Host and service from the subject: `<host>/<service>`, `<host> - <service>`, `host=<host>`, `<name> (<host>)`,
///    and from prose anywhere in the line: `on <host>`, `for <host>`, `on host <host>`, `for device <host>`, where a
///    host is a single token with a digit (`web-03`, `api-3`) or, inside parentheses, a dotted name.
struct AlertStatement: Sendable, Hashable {
    /// What is alerting; empty when the line names nothing (`Service PROBLEM notification`).
    var subject: String
    var status: AlertStatus?
    var severity: AlertSeverity?
    var host: String?
    var service: String?
    /// `true` when the subject is only a host (`web-03 needs attention`): it says where, not what.
    var subjectIsHost: Bool { host != nil && subject.lowercased() == host?.lowercased() }

    /// A state phrase: its words, the status it means and the severity it implies.
    struct Phrase: Sendable {
        var words: [String]
        var status: AlertStatus
        var severity: AlertSeverity?
        /// Counts only right after `is`/`was`/`been`/`now` or at the start of the line (`open`, `closed`, `active`).
        var needsCopula = false
    }

    /// The status vocabulary, longest phrases first within each word.
    static let phrases: [Phrase] = [
        Phrase(words: ["needs", "attention"], status: .firing, severity: .warning),
        Phrase(words: ["back", "to", "normal"], status: .resolved),
        Phrase(words: ["back", "up"], status: .resolved),
        Phrase(words: ["gone", "down"], status: .firing),
        Phrase(words: ["went", "down"], status: .firing),
        Phrase(words: ["no", "data"], status: .other),
        Phrase(words: ["major", "outage"], status: .firing, severity: .critical),
        Phrase(words: ["partial", "outage"], status: .firing, severity: .high),
        Phrase(words: ["degraded", "performance"], status: .firing, severity: .warning),
        Phrase(words: ["problem"], status: .firing),
        Phrase(words: ["recovery"], status: .resolved),
        Phrase(words: ["critical"], status: .firing, severity: .critical),
        Phrase(words: ["crit"], status: .firing, severity: .critical),
        Phrase(words: ["warning"], status: .firing, severity: .warning),
        Phrase(words: ["warn"], status: .firing, severity: .warning),
        Phrase(words: ["unknown"], status: .firing),
        Phrase(words: ["unreachable"], status: .firing),
        Phrase(words: ["down"], status: .firing),
        Phrase(words: ["failing"], status: .firing),
        Phrase(words: ["failed"], status: .firing),
        Phrase(words: ["firing"], status: .firing),
        Phrase(words: ["fired"], status: .firing),
        Phrase(words: ["triggered"], status: .firing),
        Phrase(words: ["retriggered"], status: .firing),
        Phrase(words: ["activated"], status: .firing),
        Phrase(words: ["escalation"], status: .firing),
        Phrase(words: ["outage"], status: .firing),
        Phrase(words: ["degraded"], status: .firing, severity: .warning),
        Phrase(words: ["alerting"], status: .firing),
        Phrase(words: ["alert"], status: .firing),
        Phrase(words: ["alarm"], status: .firing),
        Phrase(words: ["created"], status: .firing),
        Phrase(words: ["opened"], status: .firing),
        Phrase(words: ["open"], status: .firing, needsCopula: true),
        Phrase(words: ["active"], status: .firing, needsCopula: true),
        Phrase(words: ["ok"], status: .resolved),
        Phrase(words: ["up"], status: .resolved, needsCopula: true),
        Phrase(words: ["resolved"], status: .resolved),
        Phrase(words: ["recovered"], status: .resolved),
        Phrase(words: ["cleared"], status: .resolved),
        Phrase(words: ["closed"], status: .resolved),
        Phrase(words: ["fixed"], status: .resolved),
        Phrase(words: ["operational"], status: .resolved),
        Phrase(words: ["healthy"], status: .resolved, needsCopula: true),
        Phrase(words: ["normal"], status: .resolved, needsCopula: true),
        Phrase(words: ["succeeded"], status: .resolved),
        Phrase(words: ["acknowledged"], status: .other),
        Phrase(words: ["acknowledgement"], status: .other),
    ]

    /// Words that join a subject to its state (`is`, `has been`, `changed to`…); dropped from the subject's end.
    static let connectors: Set<String> = [
        "is", "are", "was", "were", "has", "have", "had", "been", "be", "now", "status", "state", "changed", "to", "from",
        "went", "gone", "became", "becomes", "still", "again", "the", "in", "-",
    ]
    /// Words that open a line without naming anything (`The check`, `Monitor`, `Your site`, `An alert for`).
    static let leadWords: Set<String> = [
        "the", "a", "an", "your", "our", "site", "website", "monitor", "check", "service", "host", "device", "alert",
        "alarm", "incident", "notification", "new", "for", "rule", "problem", "event", "job", "url", "http", "endpoint",
    ]
    /// Words of a title that names nothing (`Service PROBLEM notification`, `Additional Info`, `Description`).
    static let emptyTitleWords: Set<String> = [
        "service", "host", "notification", "notifications", "alert", "alerts", "alarm", "description", "additional",
        "info", "information", "details", "new", "incident", "event", "message", "summary", "update", "status",
    ]

    /// A statement that says nothing.
    static let empty = AlertStatement(subject: "", status: nil, severity: nil, host: nil, service: nil)

    init(subject: String, status: AlertStatus?, severity: AlertSeverity?, host: String?, service: String?) {
        self.subject = subject
        self.status = status
        self.severity = severity
        self.host = host
        self.service = service
    }

    /// Reads `line` (plain text, mrkdwn already decoded).
    /// - Parameters:
    ///   - line: the title line.
    ///   - author: the bot's name; a leading `<author>:` (`Check_MK: …` from the `Checkmk` bot) is dropped.
    init(_ line: String, author: String? = nil) {
        self.init(line, author: author, depth: 0)
    }

    private init(_ line: String, author: String?, depth: Int) {
        var text = Self.stripDecorations(line)
        var host: String?
        // A leading `[…]` bracket: a host (`[web-08] nginx - …`) or a site tag (`[PRTG Network Monitor (HQ)] …`).
        if text.hasPrefix("["), let close = Self.matchingBracket(in: text) {
            let inside = String(text[text.index(after: text.startIndex)..<close]).trimmedWhitespace
            if Self.isHostToken(inside) { host = inside }
            text = String(text[text.index(after: close)...]).trimmedWhitespace
        }
        let tokens = Self.tokens(text)
        let words = tokens.map { $0.raw.hasPrefix("(") && !$0.word.isEmpty ? "(" + $0.word : $0.word }

        // The state: after a transition, else the first phrase.
        var found: (start: Int, end: Int, phrase: Phrase)?
        if let arrow = tokens.firstIndex(where: { ["->", "→", "=>", "⇒", "-->"].contains($0.raw) }) {
            if let after = Self.phrase(in: words, from: arrow + 1, ignoringCopula: true) {
                let before = Self.phrase(in: words, from: max(0, arrow - 3), ignoringCopula: true)
                let start = before.map { $0.start < arrow ? $0.start : arrow } ?? arrow
                found = (start, after.end, after.phrase)
            }
        }
        if found == nil, let from = words.firstIndex(of: "from"), let to = words[from...].firstIndex(of: "to"),
            let before = Self.phrase(in: words, from: from + 1, ignoringCopula: true), before.start < to,
            let after = Self.phrase(in: words, from: to + 1, ignoringCopula: true), after.start == to + 1
        {
            found = (from, after.end, after.phrase)
        }
        if found == nil, let changed = words.firstIndex(where: { $0 == "changed" || $0 == "switched" }),
            changed + 1 < words.count, words[changed + 1] == "to",
            let after = Self.phrase(in: words, from: changed + 2, ignoringCopula: true), after.start == changed + 2
        {
            found = (changed, after.end, after.phrase)
        }
        if found == nil { found = Self.phrase(in: words, from: 0, ignoringCopula: false) }
        if found == nil { found = Self.phrase(in: words, from: 0, ignoringCopula: false, weak: true) }

        var status = found?.phrase.status
        var severity = found?.phrase.severity
        // `Problem acknowledged by Jane`: an acknowledgement is news about an alert, not a firing.
        if words.contains(where: { ["acknowledged", "acked", "silenced", "snoozed", "muted"].contains($0) }) {
            status = .other
        }

        // The subject.
        var subjectText: String
        if let found {
            let before = Self.joined(tokens, text: text, upTo: found.start)
            let beforeWords = Self.meaningful(Array(words[..<found.start]))
            if beforeWords.isEmpty {
                // The state opens the line: the subject follows it (`Activated: …`, `RESOLVED Problem …`), read as a
                // statement of its own (`PROBLEM Service Alert: web-03/HTTP is CRITICAL`); the opening state wins.
                let rest = Self.joined(tokens, text: text, from: found.end)
                if depth < 3 {
                    let inner = AlertStatement(rest, author: author, depth: depth + 1)
                    if status == nil { status = inner.status }
                    severity = severity ?? inner.severity
                    self.init(subject: inner.subject, status: status, severity: severity,
                              host: host ?? inner.host, service: inner.service)
                    return
                }
                subjectText = rest
            } else {
                subjectText = before
            }
        } else {
            subjectText = text
        }
        subjectText = Self.trimSubject(subjectText, author: author)

        // Host and service.
        var service: String?
        if let quoted = Self.quoted(in: subjectText) {
            subjectText = quoted
        } else {
            // `<name> (<host>)`.
            if let open = subjectText.firstIndex(of: "("), !subjectText[..<open].trimmedWhitespace.isEmpty {
                let inside = subjectText[subjectText.index(after: open)...].prefix(while: { $0 != ")" }).trimmedWhitespace
                if Self.isHostToken(inside) || Self.isDottedName(inside) { host = host ?? inside }
                subjectText = String(subjectText[..<open]).trimmedWhitespace
            }
            // `<host>/<service>`, `<host> - <service>`.
            for separator in ["/", " - "] {
                if let range = subjectText.firstRange(of: separator) {
                    let left = subjectText[..<range.lowerBound].trimmedWhitespace
                    let right = subjectText[range.upperBound...].trimmedWhitespace
                    if Self.isHostToken(left), !right.isEmpty {
                        host = host ?? left
                        service = right
                        break
                    }
                }
            }
            // `host=<host>` tags (`cpu:host=web-05`).
            if let tag = subjectText.firstRange(of: "host=") {
                let value = subjectText[tag.upperBound...].prefix(while: { $0 != "," && $0 != " " && $0 != ";" })
                if !value.isEmpty { host = host ?? String(value) }
            }
            // `<name> on <host>` / `<name> for <host>`.
            if let (_, prose) = Self.proseHost(subjectText) { host = host ?? prose }
        }
        if host == nil, let (_, prose) = Self.proseHost(text) { host = prose }
        // A `<host> <check>` subject (`fs-02 Ping`).
        if host == nil || host?.lowercased() == subjectText.split(separator: " ").first.map({ $0.lowercased() }),
            let first = subjectText.split(separator: " ").first, Self.isHostToken(String(first)),
            subjectText.split(separator: " ").count > 1
        {
            host = String(first)
        }
        if host == nil, Self.isHostToken(subjectText) { host = subjectText }
        if let group = Self.groupName(text) { service = service ?? group }
        self.init(subject: subjectText, status: status, severity: severity, host: host, service: service)
    }

    // MARK: - Pieces

    struct Token: Sendable {
        var raw: String
        var word: String
        var range: Range<String.Index>
    }

    /// Space-separated tokens with their lowercased letters-and-digits word (`CRIT` → `crit`, `->` → `->`).
    static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index] == " " || text[index] == "\t" { index = text.index(after: index) }
            guard index < text.endIndex else { break }
            let start = index
            while index < text.endIndex, text[index] != " ", text[index] != "\t" { index = text.index(after: index) }
            let raw = String(text[start..<index])
            let word = raw.lowercasedWords.joined()
            result.append(Token(raw: raw, word: word.isEmpty ? raw : word, range: start..<index))
        }
        return result
    }

    /// Words that are states only when nothing stronger is in the line (`Azure Monitor alert 'x' Fired`).
    static let weakWords: Set<String> = ["alert", "alarm", "alerting"]

    static func phrase(in words: [String], from start: Int, ignoringCopula: Bool, weak: Bool = false)
        -> (start: Int, end: Int, phrase: Phrase)?
    {
        guard start < words.count else { return nil }
        for index in start..<words.count {
            for phrase in phrases where index + phrase.words.count <= words.count {
                guard weakWords.contains(phrase.words[0]) == weak else { continue }
                let slice = words[index..<(index + phrase.words.count)].map { $0.hasPrefix("(") ? String($0.dropFirst()) : $0 }
                guard slice == phrase.words else { continue }
                if phrase.needsCopula, !ignoringCopula, index > 0 {
                    let end = index + phrase.words.count
                    let before = words[index - 1]
                    let after = end < words.count ? words[end] : ""
                    let copula = ["is", "was", "been", "now", "are", "be", "again", "back"].contains(before)
                    let closing = after.isEmpty || ["again", "since", "after"].contains(after) || after.hasPrefix("(")
                    guard copula || (closing && end < words.count) else { continue }
                }
                return (index, index + phrase.words.count, phrase)
            }
        }
        return nil
    }

    static func joined(_ tokens: [Token], text: String, upTo end: Int) -> String {
        guard end > 0, let last = tokens.prefix(end).last else { return "" }
        return String(text[tokens[0].range.lowerBound..<last.range.upperBound])
    }

    static func joined(_ tokens: [Token], text: String, from start: Int) -> String {
        guard start < tokens.count else { return "" }
        var rest = String(text[tokens[start].range.lowerBound...])
        // Up to the end of the sentence: `. `, ` - Reason`, ` -- `.
        for stop in [". ", " - Reason", " - reason", " -- "] {
            if let range = rest.firstRange(of: stop) { rest = String(rest[..<range.lowerBound]) }
        }
        return rest
    }

    /// Words that are neither connectors nor lead words nor punctuation.
    static func meaningful(_ words: [String]) -> [String] {
        words.filter { !$0.isEmpty && !connectors.contains($0) && !leadWords.contains($0) && $0.contains(where: \.isLetter) }
    }

    /// Words of the status vocabulary (single words).
    static let stateWords: Set<String> = Set(phrases.filter { $0.words.count == 1 }.map { $0.words[0] })

    /// Drops an `id:` / `<author>:` / lead-word prefix, leading lead words, trailing connectors and separators, and
    /// keeps the part before ` - ` when that part is not a host (`nginx - connection succeeded`).
    static func trimSubject(_ subject: String, author: String?) -> String {
        var text = subject.trimmedWhitespace
        while let first = text.first, ":-–—|".contains(first) { text = String(text.dropFirst()).trimmedWhitespace }
        if let colon = text.firstRange(of: ": "), quoted(in: text) == nil {
            let head = text[..<colon.lowerBound].trimmedWhitespace
            let rest = text[colon.upperBound...].trimmedWhitespace
            let headWords = head.split(separator: " ")
            let hasID = headWords.contains { word in
                word.hasPrefix("#") || (word.contains("-") && word.contains(where: \.isNumber) && word.first?.isUppercase == true)
            }
            let allLead = head.lowercasedWords.allSatisfy {
                leadWords.contains($0) || connectors.contains($0) || stateWords.contains($0)
            }
            let compact: (String) -> String = { $0.lowercased().filter { $0.isLetter || $0.isNumber } }
            let isAuthor = headWords.count == 1 && author.map { compact($0) == compact(head) && !compact(head).isEmpty } == true
            if hasID || allLead || isAuthor, !rest.isEmpty { text = rest }
        }
        if let dash = text.firstRange(of: " - ") {
            let left = text[..<dash.lowerBound].trimmedWhitespace
            if !isHostToken(left), !left.isEmpty { text = left }
        }
        var tokens = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        while let last = tokens.last,
            connectors.contains(last.lowercasedWords.joined()) || last.allSatisfy({ $0.isASCII && !$0.isLetter && !$0.isNumber })
        {
            tokens.removeLast()
        }
        while tokens.count > 1, let first = tokens.first,
            leadWords.contains(first.lowercasedWords.joined()) || first.allSatisfy({ !$0.isLetter && !$0.isNumber })
        {
            tokens.removeFirst()
        }
        var result = tokens.joined(separator: " ")
        while let last = result.last, [":", "-", ",", ".", ";", "–", "—"].contains(last) { result.removeLast() }
        result = result.trimmedWhitespace
        let resultWords = result.lowercasedWords
        if resultWords.allSatisfy({ leadWords.contains($0) || emptyTitleWords.contains($0) || stateWords.contains($0) }) {
            return ""
        }
        return result
    }

    /// The first `'…'`, `"…"`, `` `…` ``, `“…”` or `‘…’` quoted text (at least two characters).
    static func quoted(in text: String) -> String? {
        for (open, close) in [("'", "'"), ("\"", "\""), ("`", "`"), ("“", "”"), ("‘", "’")] {
            guard let start = text.firstRange(of: open) else { continue }
            let rest = text[start.upperBound...]
            guard let end = rest.firstRange(of: close) else { continue }
            let inside = rest[..<end.lowerBound].trimmedWhitespace
            if inside.count >= 2 { return inside }
        }
        return nil
    }

    /// `<name> on <host>`, `for <host>`, `on host <host>`, `for device <host>`: the name before and the host.
    static func proseHost(_ text: String) -> (String, String)? {
        let tokens = text.split(separator: " ").map(String.init)
        for (index, token) in tokens.enumerated() where ["on", "for", "at"].contains(token.lowercased()) {
            var next = index + 1
            if next < tokens.count, ["host", "device", "node", "server", "instance"].contains(tokens[next].lowercased()) {
                next += 1
            }
            guard next < tokens.count else { continue }
            let candidate = tokens[next].trimmingPunctuation
            if isHostToken(candidate) {
                return (tokens[..<index].joined(separator: " "), candidate)
            }
        }
        return nil
    }

    /// `for group 'nginx-ingress'` (Kibana's alert group): the group.
    static func groupName(_ text: String) -> String? {
        guard let range = text.firstRange(of: "for group ") else { return nil }
        let rest = String(text[range.upperBound...])
        if rest.hasPrefix("'") || rest.hasPrefix("\""), let quoted = quoted(in: rest) { return quoted }
        let word = rest.split(separator: " ").first.map { String($0).trimmingPunctuation } ?? ""
        return word.isEmpty ? nil : word
    }

    /// A host name: one token of letters, digits, `-`, `.`, `_`, holding a digit and a letter (`web-03`, `api-3`,
    /// `ip-10-0-1-5.ec2.internal`).
    static func isHostToken(_ token: String) -> Bool {
        guard token.count >= 2, token.count <= 253, let first = token.first, first.isLetter, first.isASCII,
            token.last.map({ $0.isLetter || $0.isNumber }) == true,
            token.allSatisfy({ ($0.isLetter && $0.isASCII) || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }),
            token.contains(where: \.isNumber)
        else { return false }
        if token.contains("-") || token.contains(".") || token.contains("_") { return true }
        // `db1`, `web01`: letters then digits.
        let letters = token.prefix(while: \.isLetter)
        return letters.count >= 2 && token.dropFirst(letters.count).allSatisfy(\.isNumber)
    }

    /// A dotted DNS name (`shop.example.com`).
    static func isDottedName(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ($0.isLetter && $0.isASCII) || $0.isNumber || $0 == "-" } }
            && parts.last?.allSatisfy(\.isLetter) == true
    }

    /// `text` without leading emoji (unicode or `:shortcode:`), `*`/`_`/`~` markup and `[STATUS]`-style brackets of
    /// decoration words, and without trailing markup.
    static func stripDecorations(_ line: String) -> String {
        var text = GenericAlertParser.cleanTitle(line)
        while let first = text.first, first == ">" { text = String(text.dropFirst()).trimmedWhitespace }
        // Markup around the whole line (`*** PROBLEM … ***`), not inside it (`Queue backlog *growing*`).
        while text.count >= 2, let first = text.first, let last = text.last, "*_~".contains(first), "*_~".contains(last),
            !text.dropFirst().dropLast().contains(first) || text.hasPrefix("\(first)\(first)")
        {
            text = String(text.dropFirst().dropLast()).trimmedWhitespace
        }
        let again = GenericAlertParser.cleanTitle(text)
        return again.isEmpty ? text : again
    }

    static func matchingBracket(in text: String) -> String.Index? {
        var depth = 0
        for index in text.indices {
            if text[index] == "[" { depth += 1 }
            if text[index] == "]" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }
}

extension String {
    /// Without surrounding punctuation (`web-03,` → `web-03`, `(db-1)` → `db-1`).
    var trimmingPunctuation: String {
        let isEdge: (Character) -> Bool = { !$0.isLetter && !$0.isNumber }
        guard let first = firstIndex(where: { !isEdge($0) }), let last = lastIndex(where: { !isEdge($0) }) else { return "" }
        return String(self[first...last])
    }
}
