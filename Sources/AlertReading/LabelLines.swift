import VigilBase

/// Reads `key: value` / `key = value` lines such as those of a customised Alertmanager text template
/// (`• *alertname:* `HighMemoryUsage``, `severity: critical`, ` - instance = db-1:9100`).
package enum LabelLines {
    /// Pairs whose key looks like a Prometheus label name (`[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters), from
    /// plain (already mrkdwn-decoded) lines; URLs (`https://…`) are not pairs. Leading bullets (`•`, `-`, `*`, `·`)
    /// are skipped, values lose surrounding backticks and quotes. Duplicate keys keep their first value.
    static func pairs(in lines: [String]) -> [(key: String, value: String)] {
        var seen = Set<String>()
        var result: [(key: String, value: String)] = []
        for line in lines {
            var text = Substring(line.trimmedWhitespace)
            while let first = text.first, ["•", "-", "*", "·", "◦", "▪"].contains(first) {
                text = text.dropFirst().drop(while: { $0 == " " || $0 == "\t" })
            }
            guard let (key, rawValue) = text.keyValue(), isLabelName(key), !rawValue.hasPrefix("//") else { continue }
            var value = rawValue.withoutSurroundingBackticks
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard !value.isEmpty, seen.insert(key).inserted else { continue }
            result.append((key, value))
        }
        return result
    }

    /// `true` for `[A-Za-z_][A-Za-z0-9_]*` of at most 64 characters.
    static func isLabelName(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, key.unicodeScalars.count <= 64 else { return false }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
                || scalar == "_"
        }
        return isLetter(first)
            && key.unicodeScalars.allSatisfy { isLetter($0) || ($0.value >= 0x30 && $0.value <= 0x39) }
    }

    /// The first value among `keys` (case-insensitive key match).
    static func first(_ keys: [String], in labels: [String: String]) -> String? {
        for key in keys {
            if let value = labels[key], !value.isEmpty { return value }
            if let match = labels.first(where: { $0.key.lowercased() == key }), !match.value.isEmpty {
                return match.value
            }
        }
        return nil
    }

    /// Label keys that name the affected host, best first.
    package static let hostKeys = ["instance", "host", "hostname", "node", "nodename", "server", "server_name", "pod"]
    /// Label keys that name the affected service, best first.
    package static let serviceKeys = ["service", "job", "app", "application", "namespace", "project"]
}
