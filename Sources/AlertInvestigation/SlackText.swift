import Foundation
import VigilBase

/// Slack mrkdwn building blocks: escaping, length-safe truncation, links, mentions and dates.
///
/// Lengths are measured in UTF-16 code units, which is never less than the characters Slack counts, so a text
/// that fits here fits in Slack.
package enum SlackText {
    /// The visible marker appended to anything that was cut.
    static let ellipsis = "…"

    /// Slack's documented limits that the builders respect.
    package enum Limit {
        package static let blocks = 50
        package static let sectionText = 3_000
        static let fieldsPerSection = 10
        static let fieldText = 2_000
        static let headerText = 150
        static let buttonText = 75
        static let contextElements = 10
        package static let messageText = 40_000
    }

    /// The length Slack limits are checked against.
    package static func length(_ text: some StringProtocol) -> Int { text.utf16.count }

    /// Escapes the three mrkdwn control characters, so text from an alert can never form a mention, a link or a
    /// `<!channel>` ping.
    static func escape(_ text: some StringProtocol) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Escapes `text` and cuts it so the escaped result is at most `limit` long, ending in "…" when cut.
    ///
    /// Cutting happens on raw characters before escaping, so an entity like `&amp;` is never split.
    package static func escaped(_ text: some StringProtocol, limit: Int) -> String {
        let full = escape(text)
        if length(full) <= limit { return full }
        let budget = max(0, limit - length(ellipsis))
        var result = ""
        var used = 0
        for character in text {
            let piece: String =
                switch character {
                case "&": "&amp;"
                case "<": "&lt;"
                case ">": "&gt;"
                default: String(character)
                }
            let pieceLength = length(piece)
            if used + pieceLength > budget { break }
            result += piece
            used += pieceLength
        }
        return result + ellipsis
    }

    /// Cuts plain (unescaped, non-mrkdwn) text to `limit`, ending in "…" when cut.
    static func truncated(_ text: some StringProtocol, limit: Int) -> String {
        if length(text) <= limit { return String(text) }
        let budget = max(0, limit - length(ellipsis))
        var result = ""
        var used = 0
        for character in text {
            let pieceLength = length(String(character))
            if used + pieceLength > budget { break }
            result.append(character)
            used += pieceLength
        }
        return result + ellipsis
    }

    /// Last-resort cut for already formatted mrkdwn: backs off so that neither an entity (`&…;`) nor a `<…>`
    /// token is split, then appends "…".
    package static func truncatedMrkdwn(_ text: String, limit: Int) -> String {
        if length(text) <= limit { return text }
        var cut = truncated(text, limit: max(1, limit - 4))  // room to close a code block
        cut.removeLast()  // the ellipsis
        if let amp = cut.lastIndex(of: "&"), !cut[amp...].contains(";") { cut = String(cut[..<amp]) }
        if let open = cut.lastIndex(of: "<"), !cut[open...].contains(">") { cut = String(cut[..<open]) }
        if fenceCount(cut) % 2 == 1 {
            // An opened code block would swallow the marker; close it.
            cut += "\n```"
        }
        return cut + ellipsis
    }

    /// A mrkdwn link `<url|label>` with the label escaped and the URL made safe for the link syntax; just the
    /// escaped label when the URL is not `http(s)`.
    package static func link(url: String, label: String, labelLimit: Int = 150) -> String {
        let safeLabel = escaped(label.isEmpty ? url : label, limit: labelLimit).replacingPipes()
        guard let safeURL = safeURL(url) else { return safeLabel }
        return "<\(safeURL)|\(safeLabel)>"
    }

    /// `url` with `&`, `<`, `>` escaped and `|` and spaces percent-encoded, or `nil` unless it is `http(s)`.
    static func safeURL(_ url: String) -> String? {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else { return nil }
        var result = ""
        for character in url {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "%3C"
            case ">": result += "%3E"
            case "|": result += "%7C"
            case " ": result += "%20"
            case "\n", "\r", "\t": continue
            default: result.append(character)
            }
        }
        return result
    }

    /// A user mention `<@U…>` when `id` looks like a Slack user id, otherwise the escaped text.
    package static func user(_ id: String) -> String {
        if isSlackID(id, prefixes: ["U", "W"]) { return "<@\(id)>" }
        return escaped(id, limit: 80)
    }

    /// Whether `id` is a Slack id with one of the given prefixes (upper-case letters and digits only).
    package static func isSlackID(_ id: String, prefixes: Set<Character>) -> Bool {
        guard let first = id.first, prefixes.contains(first), id.count >= 2, id.count <= 32 else { return false }
        return id.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// A Slack date token `<!date^epoch^{date_short_pretty} {time}|fallback>`, rendered in the reader's time zone;
    /// the fallback is UTC.
    package static func date(_ date: Date) -> String {
        let epoch = Int64(date.timeIntervalSince1970.rounded(.down))
        return "<!date^\(epoch)^{date_short_pretty} {time}|\(HumanFormat.utc(date))>"
    }

    /// A thread link for a root post: the permalink when given, else `<base>/archives/<channel>/p<ts without dot>`
    /// with `base` the workspace URL or `https://slack.com`; `nil` when channel or ts are malformed.
    package static func threadURL(channelID: String, rootTS: String, permalink: String?, workspaceURL: String?) -> String? {
        if let permalink, safeURL(permalink) != nil { return permalink }
        guard isSlackID(channelID, prefixes: ["C", "G", "D"]) else { return nil }
        let parts = rootTS.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        var base = workspaceURL ?? "https://slack.com"
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/archives/\(channelID)/p\(parts[0])\(parts[1])"
    }

    /// Probe output as a mrkdwn code block: at most `maxLines` lines and `maxLength` characters (escaped),
    /// control characters and ANSI colour codes removed, and backtick runs broken so the output cannot close
    /// the block. Returns `nil` for empty output.
    package static func codeBlock(_ output: String, maxLines: Int, maxLength: Int) -> String? {
        let cleaned = stripControlCharacters(output)
        var lines = cleaned.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        guard !lines.isEmpty else { return nil }
        let fence = "```"
        let budget = max(20, maxLength - 2 * length(fence) - 2 - 40)
        var body: [String] = []
        var used = 0
        var cut = false
        for (index, line) in lines.enumerated() {
            if index >= maxLines {
                cut = true
                break
            }
            let remaining = budget - used - 1
            if remaining < 8 {
                cut = true
                break
            }
            var rendered = breakBacktickRuns(escaped(line, limit: min(remaining, 400)))
            if rendered.isEmpty { rendered = " " }
            body.append(rendered)
            used += length(rendered) + 1
        }
        if cut {
            let omitted = lines.count - body.count
            body.append("… \(omitted) more line\(omitted == 1 ? "" : "s")")
        }
        return fence + "\n" + body.joined(separator: "\n") + "\n" + fence
    }

    /// How many non-overlapping "```" fences `text` contains.
    static func fenceCount(_ text: String) -> Int {
        var count = 0
        var run = 0
        for character in text {
            if character == "`" {
                run += 1
                if run == 3 {
                    count += 1
                    run = 0
                }
            } else {
                run = 0
            }
        }
        return count
    }

    private static func breakBacktickRuns(_ text: String) -> String {
        guard text.contains("``") else { return text }
        var result = ""
        var previous: Character?
        for character in text {
            if character == "`", previous == "`" { result.append("\u{200B}") }
            result.append(character)
            previous = character
        }
        return result
    }

    private static func stripControlCharacters(_ text: String) -> String {
        var result = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\u{1B}":
                // Skip an ANSI CSI sequence: ESC [ parameters final-byte.
                if let next = scalars.next(), next == "[" {
                    while let byte = scalars.next(), !(0x40...0x7E).contains(byte.value) {}
                }
            case "\n", "\t":
                result.unicodeScalars.append(scalar)
            case "\r":
                continue
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result.unicodeScalars.append("\u{FFFD}")
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

extension String {
    /// Replaces `|` so escaped text can sit in the label part of `<url|label>` without ambiguity.
    fileprivate func replacingPipes() -> String {
        contains("|") ? String(map { $0 == "|" ? "¦" : $0 }) : self
    }
}
