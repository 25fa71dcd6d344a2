import VigilBase

/// Turns Slack mrkdwn into plain text and collects the links it contains. Pure and linear in the input size.
///
/// What it does, in order:
/// 1. Control sequences in angle brackets (Slack escapes a literal `<` as `&lt;`, so every raw `<…>` is one):
///    * `<url|label>` → `label` (the URL is collected as a link, with the label's formatting removed when
///      `stripFormatting`), `<url>` → `url` (collected too);
///    * `<@U123>` → `@U123`, `<@U123|name>` → `@name`; `<#C123|name>` → `#name`, `<#C123>` → `#C123`;
///    * `<!here>` → `@here`, `<!channel>` → `@channel`, `<!everyone>` → `@everyone`,
///      `<!subteam^ID|@team>` → `@team`, `<!subteam^ID>` → `@ID`;
///    * `<!date^epoch^format|fallback>` → `fallback` (or the epoch as `YYYY-MM-DD HH:MM UTC` without one).
///    A `<` with no closing `>` on the same line is kept literally.
/// 2. Entities: `&amp;` `&lt;` `&gt;` (and `&quot;` `&#39;`) are decoded once (`&amp;lt;` → `&lt;`).
/// 3. With `stripFormatting`, formatting markers are removed **only where they are unambiguous**: paired
///    `*bold*`, `**bold**`, `_italic_`, `~strike~` whose opening marker follows a non-word character and precedes a
///    non-space, and whose closing marker mirrors that on the same line; paired inline code backticks and
///    ```` ``` ```` fences (their content is left untouched). Markers inside words (`snake_case`), inside code, and
///    inside words containing `://` are kept. Emoji shortcodes (`:red_circle:`) are kept.
public enum MrkdwnDecoder {
    /// The decoded text and the links found in it, in order of appearance.
    public struct Output: Sendable, Hashable {
        /// Plain text.
        public var text: String
        /// Links from `<url|label>` and `<url>` sequences; the label is the URL itself when there was none.
        public var links: [AlertLink]

        /// Creates an output value.
        public init(text: String, links: [AlertLink]) {
            self.text = text
            self.links = links
        }
    }

    /// Decodes `mrkdwn`.
    ///
    /// - Parameters:
    ///   - mrkdwn: Slack mrkdwn as found in `text`, attachment fields or blocks.
    ///   - stripFormatting: remove bold/italic/strike/code markers where unambiguous (default `true`).
    /// - Returns: the plain text and the links.
    public static func decode(_ mrkdwn: String, stripFormatting: Bool = true) -> Output {
        var links: [AlertLink] = []
        let expanded = expandControlSequences(
            Array(mrkdwn.unicodeScalars),
            stripFormatting: stripFormatting,
            links: &links
        )
        guard stripFormatting else { return Output(text: string(expanded), links: links) }
        return Output(text: string(removeFormatting(expanded)), links: links)
    }

    /// Decodes only the entities `&amp; &lt; &gt; &quot; &#39;` (no control sequences, no formatting).
    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "&", let (decoded, length) = entity(in: scalars, at: index) {
                out.append(decoded)
                index += length
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return string(out)
    }

    // MARK: - Control sequences and entities

    private static func expandControlSequences(
        _ scalars: [Unicode.Scalar],
        stripFormatting: Bool,
        links: inout [AlertLink]
    ) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                // Scan to the closing '>'; a second '<' or a newline first means this '<' is literal. Each scalar is
                // scanned at most twice, so this stays linear.
                var end = index + 1
                while end < scalars.count, scalars[end] != ">", scalars[end] != "<", scalars[end] != "\n" { end += 1 }
                if end < scalars.count, scalars[end] == ">", end > index + 1 {
                    out.append(
                        contentsOf: render(
                            String(String.UnicodeScalarView(scalars[(index + 1)..<end])),
                            stripFormatting: stripFormatting,
                            links: &links
                        ).unicodeScalars
                    )
                    index = end + 1
                    continue
                }
                out.append(scalar)
                index += 1
            } else if scalar == "&", let (decoded, length) = entity(in: scalars, at: index) {
                out.append(decoded)
                index += length
            } else {
                out.append(scalar)
                index += 1
            }
        }
        return out
    }

    private static let entities: [(String, Unicode.Scalar)] = [
        ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"),
    ]

    private static func entity(in scalars: [Unicode.Scalar], at index: Int) -> (Unicode.Scalar, Int)? {
        for (name, value) in entities {
            let nameScalars = Array(name.unicodeScalars)
            guard index + nameScalars.count <= scalars.count else { continue }
            if Array(scalars[index..<(index + nameScalars.count)]) == nameScalars { return (value, nameScalars.count) }
        }
        return nil
    }

    /// Renders the inside of one `<…>` sequence.
    private static func render(_ token: String, stripFormatting: Bool, links: inout [AlertLink]) -> String {
        let head: String
        let label: String?
        if let bar = token.firstIndex(of: "|") {
            head = String(token[..<bar])
            label = decodeEntities(String(token[token.index(after: bar)...]))
        } else {
            head = token
            label = nil
        }
        if head.hasPrefix("@") {
            let id = String(head.dropFirst())
            return "@" + stripLeadingAt(nonEmpty(label) ?? id)
        }
        if head.hasPrefix("#") {
            let id = String(head.dropFirst())
            return "#" + (nonEmpty(label).map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 } ?? id)
        }
        if head.hasPrefix("!") {
            let parts = head.dropFirst().split(separator: "^", omittingEmptySubsequences: false).map(String.init)
            let keyword = parts.first ?? ""
            switch keyword {
            case "here", "channel", "everyone":
                return "@" + keyword
            case "subteam":
                if let label = nonEmpty(label) { return "@" + stripLeadingAt(label) }
                return "@" + (parts.count > 1 ? parts[1] : "subteam")
            case "date":
                if let label = nonEmpty(label) { return label.trimmedWhitespace }
                if parts.count > 1, let epoch = Int64(parts[1]) { return utcDateString(epoch: epoch) }
                return ""
            default:
                return nonEmpty(label) ?? "@" + keyword
            }
        }
        let url = decodeEntities(head)
        guard hasScheme(url) else { return nonEmpty(label) ?? url }
        let shown = nonEmpty(label) ?? url
        // The link gets a plain label (`<url|*title*>` → "title"); the text keeps the markers for the final pass.
        let plainLabel = stripFormatting ? string(removeFormatting(Array(shown.unicodeScalars))) : shown
        links.append(AlertLink(label: plainLabel, url: url))
        return shown
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func stripLeadingAt(_ value: String) -> String {
        value.hasPrefix("@") ? String(value.dropFirst()) : value
    }

    /// `true` for `scheme:…` (http, https, mailto, tel, slack…).
    private static func hasScheme(_ value: String) -> Bool {
        guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else { return false }
        return value[..<colon].unicodeScalars.allSatisfy { scalar in
            (scalar.value >= 0x61 && scalar.value <= 0x7A) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
                || (scalar.value >= 0x30 && scalar.value <= 0x39) || scalar == "+" || scalar == "." || scalar == "-"
        }
    }

    /// Formats epoch seconds as `YYYY-MM-DD HH:MM UTC` (proleptic Gregorian; days-from-civil inverse).
    static func utcDateString(epoch: Int64) -> String {
        let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let secondsOfDay = epoch - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondsOfDay / 3600)):\(two(secondsOfDay % 3600 / 60)) UTC"
    }

    // MARK: - Formatting markers

    private static func removeFormatting(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var keep = [Bool](repeating: true, count: scalars.count)
        var protected = [Bool](repeating: false, count: scalars.count)
        markCode(scalars, keep: &keep, protected: &protected)
        markURLWords(scalars, protected: &protected)
        for marker: Unicode.Scalar in ["*", "_", "~"] {
            markEmphasis(marker, in: scalars, keep: &keep, protected: protected)
        }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for index in scalars.indices where keep[index] { out.append(scalars[index]) }
        return out
    }

    /// Removes paired ``` fences and paired inline backticks (same line), protecting their content.
    private static func markCode(_ scalars: [Unicode.Scalar], keep: inout [Bool], protected: inout [Bool]) {
        func isFence(_ index: Int) -> Bool {
            index + 2 < scalars.count && scalars[index] == "`" && scalars[index + 1] == "`" && scalars[index + 2] == "`"
        }
        var index = 0
        var searchedFenceTo = 0  // no fence exists before this index beyond what was already consumed
        while index < scalars.count {
            if isFence(index) {
                var close = max(index + 3, searchedFenceTo)
                while close < scalars.count, !isFence(close) { close += 1 }
                searchedFenceTo = close
                if close < scalars.count {
                    for offset in 0..<3 {
                        keep[index + offset] = false
                        keep[close + offset] = false
                    }
                    for inner in (index + 3)..<close { protected[inner] = true }
                    index = close + 3
                } else {
                    index += 3
                }
                continue
            }
            if scalars[index] == "`" {
                var close = index + 1
                while close < scalars.count, scalars[close] != "`", scalars[close] != "\n" { close += 1 }
                if close < scalars.count, scalars[close] == "`", close > index + 1 {
                    keep[index] = false
                    keep[close] = false
                    for inner in (index + 1)..<close { protected[inner] = true }
                    index = close + 1
                    continue
                }
                // Skip the scanned span: it holds no backtick, so no pairing can start inside it.
                index = close
                continue
            }
            index += 1
        }
    }

    /// Protects whitespace-separated words that contain `://` (URLs keep their underscores and asterisks).
    private static func markURLWords(_ scalars: [Unicode.Scalar], protected: inout [Bool]) {
        var start = 0
        while start < scalars.count {
            while start < scalars.count, isSpace(scalars[start]) { start += 1 }
            var end = start
            var hasURL = false
            while end < scalars.count, !isSpace(scalars[end]) {
                if scalars[end] == ":", end + 2 < scalars.count, scalars[end + 1] == "/", scalars[end + 2] == "/" {
                    hasURL = true
                }
                end += 1
            }
            if hasURL { for index in start..<end { protected[index] = true } }
            start = end
        }
    }

    /// Removes paired emphasis runs of `marker` (length 1 or 2) on each line.
    private static func markEmphasis(
        _ marker: Unicode.Scalar,
        in scalars: [Unicode.Scalar],
        keep: inout [Bool],
        protected: [Bool]
    ) {
        struct Run {
            var start: Int
            var length: Int
        }
        var lineStart = 0
        while lineStart < scalars.count {
            var lineEnd = lineStart
            while lineEnd < scalars.count, scalars[lineEnd] != "\n" { lineEnd += 1 }
            // Collect marker runs on this line.
            var runs: [Run] = []
            var index = lineStart
            while index < lineEnd {
                if scalars[index] == marker, keep[index], !protected[index] {
                    var end = index
                    while end < lineEnd, scalars[end] == marker, keep[end], !protected[end] { end += 1 }
                    runs.append(Run(start: index, length: end - index))
                    index = end
                } else {
                    index += 1
                }
            }
            // Greedy left-to-right pairing of an opener with the nearest mirror closer of the same length.
            // `searchFrom[length]` only moves forward: runs it skipped can never close a later opener of that length.
            var searchFrom = [0, 0, 0]
            var runIndex = 0
            while runIndex < runs.count {
                let opener = runs[runIndex]
                guard opener.length <= 2, isOpener(opener.start, opener.length, scalars, lineEnd) else {
                    runIndex += 1
                    continue
                }
                var closerIndex = max(runIndex + 1, searchFrom[opener.length])
                while closerIndex < runs.count {
                    let closer = runs[closerIndex]
                    if closer.length == opener.length, isCloser(closer.start, closer.length, scalars, lineEnd) { break }
                    closerIndex += 1
                }
                searchFrom[opener.length] = closerIndex
                guard closerIndex < runs.count else {
                    runIndex += 1
                    continue
                }
                let closer = runs[closerIndex]
                for offset in 0..<opener.length {
                    keep[opener.start + offset] = false
                    keep[closer.start + offset] = false
                }
                runIndex = closerIndex + 1
            }
            lineStart = lineEnd + 1
        }
    }

    private static func isOpener(_ start: Int, _ length: Int, _ scalars: [Unicode.Scalar], _ lineEnd: Int) -> Bool {
        let after = start + length
        guard after < lineEnd, !isSpace(scalars[after]) else { return false }
        return start == 0 || !isWordScalar(scalars[start - 1])
    }

    private static func isCloser(_ start: Int, _ length: Int, _ scalars: [Unicode.Scalar], _ lineEnd: Int) -> Bool {
        guard start > 0, !isSpace(scalars[start - 1]) else { return false }
        let after = start + length
        return after >= lineEnd || !isWordScalar(scalars[after])
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
