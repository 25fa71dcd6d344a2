import VigilBase

/// Reads Grafana-managed alerting posts from the Slack contact point (alert-formats §4.3).
///
/// Recognised by a Prometheus-style title (`[FIRING:2, RESOLVED:1] …`, `[FIRING:1] …`, `[RESOLVED] …`) together with
/// a Grafana signature: footer `Grafana v…`, a `**Firing**`/`**Resolved**` body, a title link under `/alerting/`,
/// a title with both counts, or a Grafana source hint (bot name or known source). Legacy (< 9) titles
/// `[Alerting] …`, `[OK] …`, `[No Data] …` are accepted with the same signature.
///
/// * Status from the title (anything firing → firing), severity from the `severity` label (else a severity word in
///   the title), name from `alertname`, host from `instance`, service from `job`/`service`, folder in
///   `grafana_folder`.
/// * Body: per alert `Value:`, `Labels:` (` - k = v`), `Annotations:` (` - k = v`), then `Source:`, `Silence:`,
///   `Dashboard:`, `Panel:` URLs. Labels come from the first firing alert (the first alert when none fires);
///   `summary`/`description` annotations (else `Value:`) make the summary.
///
/// Identity: `grafana:<title values joined by |>` like Alertmanager (e.g. `grafana:highcpu|prod-db-1|critical`).
public struct GrafanaAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/grafana``.
    public var source: AlertSource { .grafana }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// One alert of the body.
    private struct BodyAlert {
        var status: AlertStatus
        var value: String?
        var labels: [String: String] = [:]
        var annotations: [String: String] = [:]
        var links: [AlertLink] = []
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        let rawBody = content.raws([.attachmentText, .messageText, .section]).joined(separator: "\n")
        let footer = content.plains([.attachmentFooter]).joined(separator: " ")
        let hinted = content.hint == .grafana
        let hasSignature =
            hinted || footer.hasPrefix("Grafana")
            || rawBody.contains("**Firing**") || rawBody.contains("**Resolved**")
            || content.structuralLinks.contains { $0.url.contains("/alerting/") }

        var status: AlertStatus
        var title: PrometheusStyleTitle?
        var legacyName: String?
        if let parsed = content.titleCandidates.lazy.compactMap(PrometheusStyleTitle.init).first {
            guard hasSignature || (parsed.firingCount != nil && parsed.resolvedCount != nil) else { return nil }
            title = parsed
            status = parsed.status
        } else if hasSignature,
            let (legacyStatus, name) = content.titleCandidates.lazy.compactMap(Self.legacyTitle).first
        {
            status = legacyStatus
            legacyName = name
        } else {
            return nil
        }

        let alerts = Self.bodyAlerts(rawBody)
        let chosen = alerts.first { $0.status == .firing } ?? alerts.first
        let labels = chosen?.labels ?? [:]
        if title == nil, alerts.isEmpty == false, chosen?.status == .resolved { status = .resolved }

        let name = labels["alertname"] ?? title?.groupValues.first ?? legacyName ?? ""
        let severity = labels["severity"].flatMap(AlertSeverity.init(normalising:)) ?? title?.severity ?? .unknown
        let annotations = chosen?.annotations ?? [:]
        let summary = annotations["summary"] ?? annotations["description"] ?? chosen?.value.map { "Value: \($0)" } ?? ""
        // Title link first, then the chosen alert's labelled Source/Silence/Dashboard/Panel links, then the rest.
        var links: [AlertLink] = []
        for link in content.structuralLinks + (chosen?.links ?? []) + content.links
        where !links.contains(where: { $0.url == link.url }) {
            links.append(link)
        }
        let identityParts = title.map { $0.allValues.isEmpty ? [name] : $0.allValues } ?? [legacyName ?? name]
        return AlertLimits.clamp(
            Alert(
                source: .grafana,
                status: status,
                severity: severity,
                name: name,
                summary: summary,
                labels: labels,
                host: LabelLines.first(LabelLines.hostKeys, in: labels),
                service: LabelLines.first(["service", "job", "app", "application"], in: labels),
                links: links,
                identity: AlertIdentity.make(.grafana, identityParts)
            )
        )
    }

    /// `[Alerting] name` / `[OK] name` / `[No Data] name` / `[Pending] name` (legacy alerting).
    private static func legacyTitle(_ title: String) -> (AlertStatus, String)? {
        guard title.hasPrefix("["), let close = title.firstIndex(of: "]") else { return nil }
        let word = title[title.index(after: title.startIndex)..<close].lowercased()
        let name = title[title.index(after: close)...].trimmedWhitespace
        switch word {
        case "alerting": return (.firing, name)
        case "ok": return (.resolved, name)
        case "no data", "pending", "paused": return (.other, name)
        default: return nil
        }
    }

    /// Parses the `default.message` body into alerts.
    private static func bodyAlerts(_ raw: String) -> [BodyAlert] {
        enum Mode { case none, labels, annotations }
        var alerts: [BodyAlert] = []
        var sectionStatus: AlertStatus = .firing
        var mode = Mode.none
        var current: BodyAlert?
        func flush() {
            if let alert = current { alerts.append(alert) }
            current = nil
        }
        for rawLine in raw.lineList {
            let line = MrkdwnDecoder.decodeEntities(rawLine)
            let trimmed = line.trimmedWhitespace
            switch trimmed {
            case "**Firing**", "*Firing*":
                flush()
                sectionStatus = .firing
                mode = .none
                continue
            case "**Resolved**", "*Resolved*":
                flush()
                sectionStatus = .resolved
                mode = .none
                continue
            default:
                break
            }
            if trimmed.hasPrefix("Value:") {
                flush()
                current = BodyAlert(status: sectionStatus, value: String(trimmed.dropFirst(6)).trimmedWhitespace)
                mode = .none
            } else if trimmed == "Labels:" {
                if current == nil || !(current?.labels.isEmpty ?? true) {
                    flush()
                    current = BodyAlert(status: sectionStatus)
                }
                mode = .labels
            } else if trimmed == "Annotations:" {
                if current == nil { current = BodyAlert(status: sectionStatus) }
                mode = .annotations
            } else if trimmed.hasPrefix("- "), mode != .none, let (key, value) = Self.pair(trimmed.dropFirst(2)) {
                if mode == .labels { current?.labels[key] = value } else { current?.annotations[key] = value }
            } else if let (key, value) = trimmed.keyValue(separators: [":"]),
                ["Source", "Silence", "Dashboard", "Panel"].contains(key)
            {
                let url = MrkdwnDecoder.decode(value, stripFormatting: false).links.first?.url ?? value
                current?.links.append(AlertLink(label: key, url: url))
                mode = .none
            }
        }
        flush()
        return alerts
    }

    /// ` k = v` → (k, v).
    private static func pair(_ text: Substring) -> (String, String)? {
        guard let range = text.firstRange(of: " = ") else { return text.keyValue(separators: ["="]) }
        let key = text[..<range.lowerBound].trimmedWhitespace
        let value = text[range.upperBound...].trimmedWhitespace
        return key.isEmpty ? nil : (key, value)
    }
}
