/// Scrubs strings that come from outside (libcurl's error buffer, Slack error bodies) before they reach an error
/// description or a log line: Slack tokens become `xoxb-…redacted`, URLs are cut down to their origin.
enum SecretRedaction {
    /// Token prefixes Slack uses (`xoxb-`, `xoxp-`, `xapp-`, `xoxe-`, …). Matching is on `xox`/`xapp-` so unknown
    /// variants are caught too.
    private static func isTokenStart(_ word: Substring) -> Bool {
        word.hasPrefix("xox") || word.hasPrefix("xapp-")
    }

    /// `text` with every whitespace-separated word that looks like a token or a URL redacted.
    static func scrub(_ text: String) -> String {
        guard text.contains("xox") || text.contains("xapp-") || text.contains("://") else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var word = Substring()
        func flush() {
            if word.isEmpty { return }
            if let start = word.firstRange(of: "xox") ?? word.firstRange(of: "xapp-"),
                isTokenStart(word[start.lowerBound...])
            {
                let prefixEnd = word[start.lowerBound...].firstIndex(of: "-") ?? start.upperBound
                output += word[..<start.lowerBound]
                output += word[start.lowerBound..<prefixEnd]
                output += "-…redacted"
            } else if word.contains("://") {
                output += HTTPRequest.redactedOrigin(of: String(word))
            } else {
                output += word
            }
            word = Substring()
        }
        var index = text.startIndex
        var wordStart = text.startIndex
        while index < text.endIndex {
            if text[index].isWhitespace {
                word = text[wordStart..<index]
                flush()
                output.append(text[index])
                wordStart = text.index(after: index)
            }
            index = text.index(after: index)
        }
        word = text[wordStart..<text.endIndex]
        flush()
        return output
    }
}
