/// The `__subject` title Alertmanager and Grafana render: `[FIRING:2] Group values (common values)`,
/// `[RESOLVED] …`, Grafana's `[FIRING:2, RESOLVED:1] …`.
///
/// Group-label values come before the parenthesis, common-label values (minus the group labels) inside it; both
/// are sorted by label *name*, so their order is stable but their names are unknown.
struct PrometheusStyleTitle: Sendable, Hashable {
    /// Alerts firing, when the prefix says `FIRING[:n]` (`FIRING` without a count reads as 1).
    var firingCount: Int?
    /// Alerts resolved, when the prefix says `RESOLVED[:n]` (`RESOLVED` without a count reads as 1).
    var resolvedCount: Int?
    /// Group-label values (before the parenthesis).
    var groupValues: [String]
    /// Common-label values (inside the trailing parenthesis).
    var commonValues: [String]
    /// The title without its status prefix, trimmed.
    var body: String

    /// `firing` when anything fires, else `resolved`.
    var status: AlertStatus { (firingCount ?? 0) > 0 ? .firing : .resolved }

    /// Parses `title`; `nil` unless it starts with `[FIRING…]` / `[RESOLVED…]` (case-insensitive).
    init?(_ title: String) {
        let trimmed = title.trimmedWhitespace
        guard trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") else { return nil }
        let inside = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
        var firing: Int?
        var resolved: Int?
        for item in inside.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmedWhitespace }
            guard let word = parts.first?.uppercased() else { return nil }
            let count: Int
            if parts.count == 2 {
                guard let parsed = Int(parts[1]), parsed >= 0 else { return nil }
                count = parsed
            } else {
                count = 1
            }
            switch word {
            case "FIRING": firing = count
            case "RESOLVED": resolved = count
            default: return nil
            }
        }
        guard firing != nil || resolved != nil else { return nil }
        firingCount = firing
        resolvedCount = resolved
        body = trimmed[trimmed.index(after: close)...].trimmedWhitespace
        (groupValues, commonValues) = Self.splitValues(body)
    }

    /// Splits `Group values (common values)` at the trailing balanced parenthesis.
    private static func splitValues(_ body: String) -> ([String], [String]) {
        func words(_ text: Substring) -> [String] {
            text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        guard body.hasSuffix(")") else { return (words(body[...]), []) }
        var depth = 0
        var index = body.index(before: body.endIndex)
        while true {
            let character = body[index]
            if character == ")" { depth += 1 }
            if character == "(" {
                depth -= 1
                if depth == 0 { break }
            }
            guard index > body.startIndex else { return (words(body[...]), []) }
            index = body.index(before: index)
        }
        let group = body[..<index]
        let common = body[body.index(after: index)..<body.index(before: body.endIndex)]
        guard !group.trimmedWhitespace.isEmpty else { return (words(common), []) }
        return (words(group), words(common))
    }

    /// All values, group first (the identity parts).
    var allValues: [String] { groupValues + commonValues }

    /// The first value that is a severity word (`critical`, `warning`, `P1`…), normalised.
    var severity: AlertSeverity? {
        allValues.lazy.compactMap { AlertSeverity(normalising: $0) }.first
    }
}
