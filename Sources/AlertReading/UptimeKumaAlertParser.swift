import VigilBase

/// Reads Uptime Kuma notifications (alert-formats §4.9), in rich mode (text + attachment with blocks) and plain mode
/// (`_group_\nname\nmsg`).
///
/// Recognised by a line `[<monitor>] [<emoji> Down] <reason>` or `[<monitor>] [<emoji> Up] <reason>` anywhere in the
/// text (Slack may turn the emoji into a shortcode such as `:red_circle:`). Down → firing, Up → resolved; severity
/// is unknown (Uptime Kuma has none). The reason (without the trailing `@channel`) is the summary; the group path
/// (context block or first plain line in italics) goes to label `group`; buttons become links.
///
/// Identity: `uptime_kuma:<monitor name>` (lowercased).
public struct UptimeKumaAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/uptimeKuma``.
    public var source: AlertSource { .uptimeKuma }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        let lines = content.plainLines
        guard
            let (index, match) = lines.enumerated().lazy.compactMap({ entry in
                Self.statusLine(entry.element).map { (entry.offset, $0) }
            }).first
        else { return nil }

        var labels: [String: String] = [:]
        // Rich mode: the context block holds `_Group / Sub_`; plain mode: the line before the monitor name.
        let contextGroup = content.plains([.context]).map(\.trimmedWhitespace).first { !$0.isEmpty }
        var plainGroup: String?
        if index >= 2, lines[index - 1] == match.monitor { plainGroup = lines[index - 2] }
        if let group = contextGroup ?? plainGroup, !group.isEmpty, group != match.monitor { labels["group"] = group }
        for field in content.fields where field.title.hasPrefix("Time") {
            labels["time"] = MrkdwnDecoder.decode(field.value).text.trimmedWhitespace
        }
        return AlertLimits.clamp(
            Alert(
                source: .uptimeKuma,
                status: match.status,
                severity: .unknown,
                name: match.monitor,
                summary: match.reason,
                labels: labels,
                links: content.links,
                identity: AlertIdentity.make(.uptimeKuma, [match.monitor])
            )
        )
    }

    /// `[name] [🔴 Down] reason` → parts; `nil` for other lines.
    static func statusLine(_ line: String) -> (monitor: String, status: AlertStatus, reason: String)? {
        guard line.hasPrefix("["), let separator = line.firstRange(of: "] [") else { return nil }
        let monitor = line[line.index(after: line.startIndex)..<separator.lowerBound].trimmedWhitespace
        let afterOpen = separator.upperBound
        guard let close = line[afterOpen...].firstIndex(of: "]"), !monitor.isEmpty else { return nil }
        let badge = line[afterOpen..<close].trimmedWhitespace
        guard badge.count <= 24 else { return nil }
        let word = badge.split(separator: " ").last.map { $0.lowercased() } ?? ""
        let status: AlertStatus
        switch word {
        case "down": status = .firing
        case "up": status = .resolved
        default: return nil
        }
        var reason = line[line.index(after: close)...].trimmedWhitespace
        for mention in ["@channel", "@here", "@everyone"] where reason.hasSuffix(mention) {
            reason = String(reason.dropLast(mention.count)).trimmedWhitespace
        }
        return (monitor, status, reason)
    }
}
