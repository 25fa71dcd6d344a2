import VigilBase

/// Small text helpers shared by the alert parsers. FoundationEssentials has no `trimmingCharacters` or
/// `range(of:)`, so these use the standard library only.
extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// Lines split on `\n` (a trailing `\r` is dropped), empty lines included.
    var lineList: [String] {
        split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
    }

    /// Non-empty trimmed lines.
    var nonEmptyLines: [String] {
        lineList.map(\.trimmedWhitespace).filter { !$0.isEmpty }
    }

    /// Runs of whitespace collapsed to one space, trimmed.
    var collapsedWhitespace: String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Lowercased words: maximal runs of letters and digits (other characters separate words).
    var lowercasedWords: [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// The text cut to at most `limit` characters, with `…` when cut.
    func truncated(to limit: Int) -> String {
        guard count > limit else { return String(self) }
        return String(prefix(Swift.max(0, limit - 1))) + "…"
    }

    /// The text without one pair of surrounding backticks (CloudWatch wraps field values in them).
    var withoutSurroundingBackticks: String {
        let trimmed = trimmedWhitespace
        if trimmed.count >= 2, trimmed.hasPrefix("`"), trimmed.hasSuffix("`") {
            return String(trimmed.dropFirst().dropLast()).trimmedWhitespace
        }
        return trimmed
    }

    /// The value of query parameter `name` in a URL (`…?a=1&eventid=987654` → `987654`), entity-decoded first.
    func queryParameter(_ name: String) -> String? {
        let url = MrkdwnDecoder.decodeEntities(String(self))
        guard let question = url.firstIndex(of: "?") else { return nil }
        var query = url[url.index(after: question)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == name[...] { return String(parts[1]) }
        }
        return nil
    }

    /// Splits `key: value` / `key = value` (first separator wins); `nil` when there is no separator or no key.
    func keyValue(separators: Set<Character> = [":", "="]) -> (key: String, value: String)? {
        guard let index = firstIndex(where: { separators.contains($0) }) else { return nil }
        let key = self[..<index].trimmedWhitespace
        let value = self[self.index(after: index)...].trimmedWhitespace
        guard !key.isEmpty else { return nil }
        return (key, value)
    }
}

extension Optional where Wrapped == String {
    /// `true` when the string is present and not empty (Slack and its fixtures use `""` for "absent").
    var isPresent: Bool {
        guard let self else { return false }
        return !self.isEmpty
    }
}
