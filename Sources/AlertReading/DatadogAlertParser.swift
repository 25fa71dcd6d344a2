import VigilBase

/// Reads Datadog monitor notifications (alert-formats §4.5). The Slack layout of the Datadog app is unverified, so
/// the title is looked for everywhere a title can be (attachment title, header, first line of text or section).
///
/// Title grammar: optional priority `[P1]`…`[P5]`, then `[<Transition>]` or `[<Transition> on {tag:value,…}]`, then
/// the monitor title. Transitions: Triggered, Re-Triggered, Renotify → firing; Warn, Re-Warn → firing with warning
/// severity; Recovered and `… Recovered` variants → resolved; No Data, Re-No Data → other. Unknown words are not
/// recognised (so `[Checkout API] [🔴 Down]` is left to Uptime Kuma).
///
/// Severity from the priority (P1 → critical … P4/P5 → info), else warning for Warn transitions, else unknown.
/// The scope becomes labels (`host`, `env`, `service`…). The `%%%` body markers, the "The monitor was last
/// triggered at" line and Markdown links (`[[Monitor Status](…)]`) are handled in the summary and links.
///
/// Identity: `datadog:<monitor title>|<scope tags sorted>` (`datadog:high cpu usage on web-01|host:web-01`), or
/// `datadog:<monitor title>` without a scope.
public struct DatadogAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/datadog``.
    public var source: AlertSource { .datadog }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// A parsed Datadog title.
    struct Title: Sendable, Hashable {
        var priority: String?
        var transition: String
        var status: AlertStatus
        var scope: [String]
        var monitor: String
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        guard let title = content.titleCandidates.lazy.compactMap(Self.title).first else { return nil }
        var labels: [String: String] = [:]
        for tag in title.scope {
            let (key, value) = tag.keyValue(separators: [":"]) ?? (tag, "")
            labels[key] = value
        }
        if let priority = title.priority { labels["priority"] = priority }
        labels["transition"] = title.transition

        let severity =
            title.priority.flatMap(AlertSeverity.init(normalising:))
            ?? (title.transition.lowercased().contains("warn") && title.status == .firing ? .warning : nil)
            ?? .unknown

        var links = content.links
        var summary: String?
        for line in content.plainLines {
            for link in Self.markdownLinks(line) where !links.contains(where: { $0.url == link.url }) {
                links.append(link)
            }
            let cleaned = line.replacing("%%%", with: "").trimmedWhitespace
            if summary == nil, !cleaned.isEmpty, Self.title(cleaned) == nil, !cleaned.hasPrefix("The monitor was last"),
                !cleaned.hasPrefix("[["), !cleaned.hasPrefix("[")
            {
                summary = cleaned
            }
        }
        return AlertLimits.clamp(
            Alert(
                source: .datadog,
                status: title.status,
                severity: severity,
                name: title.monitor,
                summary: summary ?? "",
                labels: labels,
                host: labels["host"],
                service: labels["service"],
                links: links,
                identity: AlertIdentity.make(.datadog, [title.monitor, title.scope.sorted().joined(separator: ",")])
            )
        )
    }

    /// Parses a Datadog title; `nil` when the transition word is not a Datadog one.
    static func title(_ line: String) -> Title? {
        var rest = Substring(line.trimmedWhitespace)
        var priority: String?
        if rest.hasPrefix("[P"), let close = rest.firstIndex(of: "]") {
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            if inside.count == 2, let digit = inside.last, ("1"..."5").contains(digit) {
                priority = String(inside)
                rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
            }
        }
        guard rest.hasPrefix("["), let close = rest.firstIndex(of: "]") else { return nil }
        var inside = rest[rest.index(after: rest.startIndex)..<close]
        var scope: [String] = []
        if let on = inside.firstRange(of: " on {"), inside.hasSuffix("}") {
            scope = inside[on.upperBound..<inside.index(before: inside.endIndex)]
                .split(separator: ",").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }
            inside = inside[..<on.lowerBound]
        }
        let transition = inside.trimmedWhitespace
        guard let status = Self.status(transition) else { return nil }
        let monitor = rest[rest.index(after: close)...].trimmedWhitespace
        guard !monitor.isEmpty else { return nil }
        return Title(priority: priority, transition: transition, status: status, scope: scope, monitor: monitor)
    }

    private static func status(_ transition: String) -> AlertStatus? {
        let key = transition.lowercased()
        if key.hasSuffix("recovered") { return .resolved }
        switch key {
        case "triggered", "re-triggered", "retriggered", "renotify", "warn", "re-warn", "warning": return .firing
        case "no data", "re-no data", "nodata": return .other
        default: return nil
        }
    }

    /// `[label](url)` Markdown links (Datadog bodies use them).
    static func markdownLinks(_ text: String) -> [AlertLink] {
        var links: [AlertLink] = []
        var searchStart = text.startIndex
        while let marker = text[searchStart...].firstRange(of: "](") {
            // Backward search covers only [searchStart, marker) and the forward one ends the loop or moves
            // searchStart past what it read, so the scan stays linear.
            guard let open = text[searchStart..<marker.lowerBound].lastIndex(of: "[") else {
                searchStart = marker.upperBound
                continue
            }
            guard let close = text[marker.upperBound...].firstIndex(of: ")") else { break }
            let label = String(text[text.index(after: open)..<marker.lowerBound])
            let url = String(text[marker.upperBound..<close])
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                links.append(AlertLink(label: label.isEmpty ? url : label, url: url))
            }
            searchStart = close
        }
        return links
    }
}
