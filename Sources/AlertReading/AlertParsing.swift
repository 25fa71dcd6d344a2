/// The entry point that turns a bot post into an ``Alert``, whichever tool wrote it.
///
/// Order (alert-formats §4.11):
/// 1. the parser of `knownSource` (e.g. from a per-channel bot-id registry), if given; it also lets parsers accept
///    weaker signatures (a bare `[FIRING:1]` title from a known Grafana bot is Grafana);
/// 2. the parser hinted by the author's name (`bot_profile.name`, else `username`) — a hint only, because
///    webhook usernames are free text: if that parser does not recognise the content, the search goes on;
/// 3. content signatures, most specific first: Grafana (before Alertmanager: both use `[FIRING:n]` titles),
///    Alertmanager, Zabbix, Datadog, Sentry, Uptime Kuma, CloudWatch, PagerDuty;
/// 4. ``GenericAlertParser``, which accepts any post with text.
///
/// So it returns an alert for every post with any text in its text, attachments or blocks, and `nil` only for
/// an empty post. It does not check who wrote the message: classify it first with ``MessageClassifier``.
/// `message_changed` events are read through their new version.
public enum AlertParsing {
    /// The source-specific parsers in content-signature order (the generic parser is not included).
    public static let parsers: [any AlertParser] = contentParsers

    private static let contentParsers: [any ContentAlertParser] = [
        GrafanaAlertParser(),
        AlertmanagerAlertParser(),
        ZabbixAlertParser(),
        DatadogAlertParser(),
        SentryAlertParser(),
        UptimeKumaAlertParser(),
        CloudWatchAlertParser(),
        PagerDutyAlertParser(),
    ]

    /// Parses `message` into an alert.
    ///
    /// - Parameters:
    ///   - message: a bot post, bot thread reply, or `message_changed` event of a bot post.
    ///   - knownSource: the source already known for this author, tried first when given.
    /// - Returns: the alert, or `nil` when the post has no text at all.
    public static func parse(_ message: SlackMessage, knownSource: AlertSource? = nil) -> Alert? {
        let content = MessageContent(message, knownSource: knownSource)
        var tried = Set<AlertSource>()
        for source in [knownSource, sourceHint(for: message)].compactMap({ $0 }) where tried.insert(source).inserted {
            if let parser = contentParsers.first(where: { $0.source == source }),
                let alert = parser.parse(content: content)
            {
                return alert
            }
        }
        for parser in contentParsers where !tried.contains(parser.source) {
            if let alert = parser.parse(content: content) { return alert }
        }
        return GenericAlertParser().parse(content: content)
    }

    /// Reads a bot's **root post in a watched channel**, which is always an alert (the promise to the user: every
    /// such post gets an answer). Never `nil`:
    /// * a post whose status cannot be read (``Alert/statusStated`` `false`) is read as **firing**, so it is
    ///   investigated, and the reply says the status was not stated;
    /// * a post with no text at all (an image, a file) becomes a firing alert named after its author
    ///   (`Post by <bot name>`), identity `generic:<bot name or id>`.
    ///
    /// - Parameters:
    ///   - message: the root post.
    ///   - knownSource: the source already known for this author, tried first when given.
    public static func readRootPost(_ message: SlackMessage, knownSource: AlertSource? = nil) -> Alert {
        if var alert = parse(message, knownSource: knownSource) {
            if !alert.statusStated { alert.status = .firing }
            return alert
        }
        let current = message.currentVersion
        let author = (current.botProfile?.name ?? current.username)?.trimmedWhitespace
        let who = author.flatMap { $0.isEmpty ? nil : $0 } ?? current.botID ?? current.appID ?? "a bot"
        return Alert(
            source: .generic,
            status: .firing,
            severity: .unknown,
            name: "Post by \(who)",
            summary: "The post has no text to read.",
            identity: AlertIdentity.make(.generic, [who]),
            statusStated: false
        )
    }

    /// The status a bot's **thread reply** expresses about its thread's alert, or `nil` when it says none (an image,
    /// a comment). Replies are updates: firing words alone ("Problem", "alert") do not re-fire an alert.
    ///
    /// * A source parser that recognises the reply decides for `resolved` and `other` (Zabbix "Updated problem…" →
    ///   other, "Resolved in…" → resolved; Uptime Kuma "Up", Datadog "Recovered", CloudWatch `OK` → resolved) and
    ///   for `firing` only when it is a tool's own status line (Datadog `[Re-Triggered …]`, Uptime Kuma "Down").
    /// * Otherwise words decide: resolved/recovered/cleared/fixed/closed → `resolved`; acknowledged/updated/no data…
    ///   → `other`; explicit re-fire words (re-triggered, retriggered, reopened, regressed) → `firing`.
    ///
    /// - Parameter message: the reply (or a `message_changed` event of one).
    public static func statusFromReply(_ message: SlackMessage) -> AlertStatus? {
        let content = MessageContent(message)
        let wordParsers = Set<AlertSource>([.pagerduty, .generic])
        for parser in contentParsers where !wordParsers.contains(parser.source) {
            guard let alert = parser.parse(content: content) else { continue }
            return alert.status
        }
        let text = content.plainText
        guard !text.isEmpty else { return nil }
        let lowered = text.lowercased()
        let guessed = AlertStatus.guess(fromText: text)
        if guessed == .resolved, lowered.lowercasedWords.contains(where: Self.strongResolvedWords.contains) {
            return .resolved
        }
        if guessed == .other { return .other }
        if ["re-triggered", "retriggered", "reopened", "re-opened", "regressed", "re-fired", "refired"]
            .contains(where: lowered.contains)
        {
            return .firing
        }
        return nil
    }

    private static let strongResolvedWords: Set<String> = [
        "resolved", "recovered", "recovery", "cleared", "fixed", "closed",
    ]

    /// The source suggested by the author's display name (`bot_profile.name`, else `username`), if any.
    ///
    /// Matches, case-insensitively: alertmanager/prometheus, grafana, zabbix, datadog, sentry, uptime kuma,
    /// cloudwatch/aws/amazon/notify_slack, pagerduty.
    public static func sourceHint(for message: SlackMessage) -> AlertSource? {
        let current = message.currentVersion
        guard let name = (current.botProfile?.name ?? current.username)?.lowercased(), !name.isEmpty else { return nil }
        let compact = name.filter { $0.isLetter || $0.isNumber }
        let table: [(String, AlertSource)] = [
            ("alertmanager", .alertmanager), ("prometheus", .alertmanager), ("grafana", .grafana),
            ("zabbix", .zabbix), ("datadog", .datadog), ("sentry", .sentry), ("uptimekuma", .uptimeKuma),
            ("cloudwatch", .cloudwatch), ("notifyslack", .cloudwatch), ("aws", .cloudwatch), ("amazon", .cloudwatch),
            ("pagerduty", .pagerduty),
        ]
        return table.first { compact.contains($0.0) }?.1
    }
}
