import VigilBase

/// Reads CloudWatch alarms posted by the common SNS → Lambda path (terraform-aws-modules/notify-slack;
/// alert-formats §4.8). AWS Chatbot's own layout is unverified and goes to the generic parser.
///
/// Recognised by an `Alarm Name` field or the text `AWS CloudWatch notification - <name>`.
/// * Status from `Current State`: ALARM → firing, OK → resolved, INSUFFICIENT_DATA → other; without the field,
///   from the colour (danger → firing, good → resolved, warning → other).
/// * Name from `Alarm Name` (values lose their backticks), summary from `Alarm reason`, else `Alarm Description`.
/// * Labels: `alarm_name`, `current_state`, `old_state`, `alarm_description`, `region` (from the console link).
/// * Severity: CloudWatch has none; a severity word in the alarm name (`…-critical`, `P1-…`) is used, else unknown.
///
/// Identity: `cloudwatch:<alarm name>` (lowercased).
public struct CloudWatchAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/cloudwatch``.
    public var source: AlertSource { .cloudwatch }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        func value(_ title: String) -> String? {
            content.field(title).map {
                MrkdwnDecoder.decode($0, stripFormatting: false).text.withoutSurroundingBackticks
            }
        }
        let notificationName = content.plainLines.lazy.compactMap { line -> String? in
            guard let range = line.firstRange(of: "AWS CloudWatch notification - ") else { return nil }
            return line[range.upperBound...].trimmedWhitespace
        }.first
        let alarmName = value("Alarm Name") ?? notificationName
        let currentState = value("Current State")
        guard let name = alarmName, !name.isEmpty else { return nil }

        let status: AlertStatus
        switch currentState?.uppercased() {
        case "ALARM": status = .firing
        case "OK": status = .resolved
        case "INSUFFICIENT_DATA": status = .other
        default:
            switch content.colors.first?.lowercased() {
            case "danger": status = .firing
            case "good": status = .resolved
            case "warning": status = .other
            default: status = SlackColor(content.colors.first)?.statusHint ?? .other
            }
        }

        var labels: [String: String] = ["alarm_name": name]
        if let currentState { labels["current_state"] = currentState }
        if let oldState = value("Old State") { labels["old_state"] = oldState }
        let description = value("Alarm Description")
        if let description, !description.isEmpty { labels["alarm_description"] = description }
        var links = content.links
        if let link = value("Link to Alarm"), link.hasPrefix("http"), !links.contains(where: { $0.url == link }) {
            links.append(AlertLink(label: "Link to Alarm", url: link))
        }
        if let console = links.first(where: { $0.url.contains("console.aws.amazon.com") }),
            let region = console.url.queryParameter("region")
        {
            labels["region"] = region
        }
        let severity = AlertSeverity.guess(fromText: name) ?? .unknown
        return AlertLimits.clamp(
            Alert(
                source: .cloudwatch,
                status: status,
                severity: severity,
                name: name,
                summary: value("Alarm reason") ?? description ?? "",
                labels: labels,
                links: links,
                identity: AlertIdentity.make(.cloudwatch, [name])
            )
        )
    }
}
