import VigilBase

/// Reads Prometheus Alertmanager posts (alert-formats §4.2).
///
/// Recognised by a `[FIRING:n] …` / `[RESOLVED] …` title (attachment title, fallback, header or first text line).
/// * Default template: only the title carries data — status from the prefix, name = first group-label value,
///   severity = the first title value that is a severity word; no labels or host.
/// * Richer text templates: `alertname/severity/instance/job…: value` lines (bullets, bold and backticks allowed)
///   become labels and override name, severity, host (`instance`…) and service (`job`…); `summary`/`description`
///   become the summary.
/// * `update_message: true` edits arrive as `message_changed`; the new version is read.
///
/// Identity: `alertmanager:<footer group key>` when the footer holds a `GroupKey` (`{…}:{…}`), else
/// `alertmanager:<title values joined by |>` (e.g. `alertmanager:highmemoryusage|node-exporter|critical`), identical
/// for the firing and the resolved post of a group.
public struct AlertmanagerAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/alertmanager``.
    public var source: AlertSource { .alertmanager }

    /// Keys of template lines that are text, not labels.
    private static let textKeys: Set<String> = [
        "alert", "description", "summary", "details", "runbook", "runbook_url", "graph", "value", "dashboard", "source",
        "silence", "message", "title", "labels", "annotations", "status",
    ]

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        guard let title = content.titleCandidates.lazy.compactMap(PrometheusStyleTitle.init).first else { return nil }

        let bodyLines = content.plains([.messageText, .attachmentText, .section, .sectionField, .richText])
            .flatMap(\.nonEmptyLines)
            .filter { PrometheusStyleTitle($0) == nil }
        var labels: [String: String] = [:]
        var summary: String?
        for (key, value) in LabelLines.pairs(in: bodyLines) {
            let lower = key.lowercased()
            if lower == "summary" || lower == "description" {
                if summary == nil { summary = value }
            } else if !Self.textKeys.contains(lower) {
                labels[key] = value
            }
        }

        let name = labels["alertname"] ?? title.groupValues.first ?? title.body
        let severity = labels["severity"].flatMap(AlertSeverity.init(normalising:)) ?? title.severity ?? .unknown
        let footer = content.plains([.attachmentFooter]).first?.trimmedWhitespace ?? ""
        let identity: String
        if footer.contains(":{"), footer.hasPrefix("{"), footer.hasSuffix("}") {
            identity = AlertIdentity.make(.alertmanager, [footer])
        } else {
            identity = AlertIdentity.make(.alertmanager, title.allValues.isEmpty ? [name] : title.allValues)
        }
        let firstFreeLine = bodyLines.first { line in
            LabelLines.pairs(in: [line]).isEmpty
        }
        return AlertLimits.clamp(
            Alert(
                source: .alertmanager,
                status: title.status,
                severity: severity,
                name: name,
                summary: summary ?? firstFreeLine ?? title.body,
                labels: labels,
                host: LabelLines.first(LabelLines.hostKeys, in: labels),
                service: LabelLines.first(LabelLines.serviceKeys, in: labels),
                links: content.links,
                identity: identity
            )
        )
    }
}
