import VigilBase

/// Reads posts of Zabbix's official Slack media type (alert-formats §4.6).
///
/// Recognised by a default subject — `Problem: …`, `Resolved in <duration>: …` / `Resolved: …`,
/// `Updated problem in <age>: …` / `Updated problem: …` — together with a Zabbix signature (a `tr_events.php` link,
/// a `Host` or `Severity` field, or a Zabbix source hint); or by a `tr_events.php` title link alone (operators edit
/// subjects), in which case the status comes from the colour.
///
/// * Status: Problem → firing, Resolved → resolved (alarm mode edits the original post: `message_changed`),
///   Updated problem → other (alarm mode posts it as a thread reply).
/// * Severity from the `Severity` field (Disaster → critical, High → high, Average/Warning → warning,
///   Information → info, Not classified → unknown), else from the Zabbix colour palette.
/// * Host from `Host` (`name [conn]`; the connection goes to label `host_conn`), labels from `Event tags`
///   (`tag: value` lines; hidden `__*` tags skipped) plus `zabbix_eventid`/`zabbix_triggerid`; summary from
///   `Details` (updates), else `Trigger description`, else `Opdata`.
///
/// Identity: `zabbix:event:<eventid>` from the title link (the recovery and update messages reuse the problem's
/// `{EVENT.ID}`), else `zabbix:<name>|<host>`.
public struct ZabbixAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/zabbix``.
    public var source: AlertSource { .zabbix }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        let eventLink =
            content.structuralLinks.first { $0.url.contains("tr_events.php") }
            ?? content.links.first { $0.url.contains("tr_events.php") }
        let hinted = content.hint == .zabbix
        let hasFields = content.field("Host") != nil || content.field("Severity") != nil
        let subject = content.titleCandidates.lazy.compactMap(Self.subject).first

        let status: AlertStatus
        let name: String
        if let subject, eventLink != nil || hasFields || hinted {
            status = subject.status
            name = subject.name
        } else if eventLink != nil, let title = content.titleCandidates.first {
            status = Self.colorStatus(content.colors.first) ?? AlertStatus.guess(fromText: title) ?? .other
            name = title
        } else {
            return nil
        }

        var labels: [String: String] = [:]
        var host: String?
        if let hostField = content.field("Host").map({ MrkdwnDecoder.decode($0).text.trimmedWhitespace }),
            !hostField.isEmpty
        {
            if let bracket = hostField.firstRange(of: " ["), hostField.hasSuffix("]") {
                host = String(hostField[..<bracket.lowerBound]).trimmedWhitespace
                labels["host_conn"] = String(hostField[bracket.upperBound...].dropLast()).trimmedWhitespace
            } else {
                host = hostField
            }
        }
        for line in (content.field("Event tags") ?? "").lineList {
            let plain = MrkdwnDecoder.decode(line).text
            let (key, value) = plain.keyValue(separators: [":"]) ?? (plain.trimmedWhitespace, "")
            guard !key.isEmpty, !key.hasPrefix("__") else { continue }
            labels[key] = value
        }
        let eventID = eventLink?.url.queryParameter("eventid")
        if let eventID { labels["zabbix_eventid"] = eventID }
        if let triggerID = eventLink?.url.queryParameter("triggerid") { labels["zabbix_triggerid"] = triggerID }

        let severityField = content.field("Severity").map { MrkdwnDecoder.decode($0).text.trimmedWhitespace }
        let severity =
            severityField.flatMap(Self.severity(named:))
            ?? Self.paletteSeverity(content.colors.first)
            ?? .unknown
        if let severityField, !severityField.isEmpty { labels["zabbix_severity"] = severityField }

        let summary =
            [content.field("Details"), content.field("Trigger description"), content.field("Opdata")]
            .compactMap { $0 }
            .map { MrkdwnDecoder.decode($0).text.trimmedWhitespace }
            .first { !$0.isEmpty } ?? ""

        let identity =
            eventID.map { AlertIdentity.make(.zabbix, ["event:\($0)"]) }
            ?? AlertIdentity.make(.zabbix, [name, host ?? ""])
        return AlertLimits.clamp(
            Alert(
                source: .zabbix,
                status: status,
                severity: severity,
                name: name,
                summary: summary,
                labels: labels,
                host: host,
                service: LabelLines.first(["service", "application", "component"], in: labels),
                links: content.links,
                identity: identity
            )
        )
    }

    /// A default subject → status and event name.
    static func subject(_ title: String) -> (status: AlertStatus, name: String)? {
        guard let colon = title.firstRange(of: ": ") else { return nil }
        let prefix = title[..<colon.lowerBound].lowercased()
        let name = title[colon.upperBound...].trimmedWhitespace
        guard !name.isEmpty else { return nil }
        if prefix == "problem" { return (.firing, name) }
        if prefix == "resolved" || prefix.hasPrefix("resolved in ") { return (.resolved, name) }
        if prefix == "updated problem" || prefix.hasPrefix("updated problem in ") { return (.other, name) }
        return nil
    }

    /// Zabbix severity names → ``AlertSeverity``; `nil` for "Not classified" and unknown names.
    static func severity(named name: String) -> AlertSeverity? {
        switch name.lowercased() {
        case "disaster": .critical
        case "high": .high
        case "average", "warning": .warning
        case "information", "info": .info
        default: nil
        }
    }

    /// The media type's palette (#E45959 Disaster … #7499FF Information); `nil` for other colours.
    private static func paletteSeverity(_ color: String?) -> AlertSeverity? {
        switch hex(color) {
        case "e45959": .critical
        case "e97659": .high
        case "ffa059", "ffc859": .warning
        case "7499ff": .info
        default: nil
        }
    }

    private static func colorStatus(_ color: String?) -> AlertStatus? {
        if hex(color) == "009900" { return .resolved }
        return SlackColor(color)?.statusHint
    }

    private static func hex(_ color: String?) -> String {
        var value = (color ?? "").trimmedWhitespace.lowercased()
        if value.hasPrefix("#") { value.removeFirst() }
        return value
    }
}
