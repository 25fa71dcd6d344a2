/// Reads PagerDuty Slack app posts (alert-formats §4.4). Their exact layout is unverified, so this parser is the
/// generic extractor plus PagerDuty's incident number.
///
/// Recognised by a PagerDuty source hint (bot name or known source) or a link to `pagerduty.com`.
/// * Status from words: Triggered → firing, Acknowledged (and other updates) → other, Resolved → resolved; thread
///   replies ("Acknowledged by …", "Resolved by …") are status updates of the root incident.
/// * Severity: priority (`P1`…) or `severity`/`urgency` values, "High urgency" → high, "Low urgency" → info.
/// * Name: the title without status words and the incident number.
///
/// Identity: `pagerduty:incident:<number>` from `#1234`, else from an `/incidents/<id>` link, else the generic
/// name-based identity under the `pagerduty:` prefix.
public struct PagerDutyAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/pagerduty``.
    public var source: AlertSource { .pagerduty }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        let hinted = content.hint == .pagerduty
        let pagerDutyLinks = content.links.filter { $0.url.contains("pagerduty.com") }
        guard hinted || !pagerDutyLinks.isEmpty else { return nil }
        guard var alert = GenericAlertParser().parse(content: content) else { return nil }

        let titleLines = content.titleCandidates
        let lines = content.plainLines
        let number = (titleLines + lines).lazy.compactMap(Self.incidentNumber).first
        let incidentID = pagerDutyLinks.lazy.compactMap {
            SentryAlertParser.pathComponent(after: "/incidents/", in: $0.url)
        }.first

        let title = titleLines.first ?? alert.name
        var name = title
        if let number { name = name.replacing("[#\(number)]", with: "").replacing("#\(number)", with: "") }
        name = GenericAlertParser.cleanTitle(name.trimmedWhitespace)
        if name.hasPrefix(":") { name = String(name.dropFirst()).trimmedWhitespace }
        alert.name = name.isEmpty ? alert.name : name

        let allText = lines.joined(separator: "\n")
        alert.status = AlertStatus.guess(fromText: title) ?? AlertStatus.guess(fromText: allText) ?? alert.status
        let lowered = allText.lowercased()
        if alert.severity == .unknown || alert.severity == SlackColor(content.colors.first)?.severityHint {
            if lowered.contains("high urgency") {
                alert.severity = .high
            } else if lowered.contains("low urgency") {
                alert.severity = .info
            }
        }
        alert.source = .pagerduty
        if let number { alert.labels["incident_number"] = number }
        if let incidentID { alert.labels["incident_id"] = incidentID }
        if let number {
            alert.identity = AlertIdentity.make(.pagerduty, ["incident:\(number)"])
        } else if let incidentID {
            alert.identity = AlertIdentity.make(.pagerduty, ["incident:\(incidentID)"])
        } else {
            alert.identity = AlertIdentity.make(.pagerduty, [GenericAlertParser.identityWords(alert.name)])
        }
        return AlertLimits.clamp(alert)
    }

    /// The digits of the first `#1234` in `line` (not part of a word or a channel name).
    static func incidentNumber(_ line: String) -> String? {
        var index = line.startIndex
        while let hash = line[index...].firstIndex(of: "#") {
            let digits = line[line.index(after: hash)...].prefix { $0.isASCII && $0.isNumber }
            let after = line.index(hash, offsetBy: digits.count + 1)
            let boundary =
                after == line.endIndex || !(line[after].isLetter || line[after].isNumber || line[after] == "_")
            let start =
                hash == line.startIndex
                || !(line[line.index(before: hash)].isLetter || line[line.index(before: hash)].isNumber)
            if !digits.isEmpty, boundary, start { return String(digits) }
            index = line.index(after: hash)
        }
        return nil
    }
}
