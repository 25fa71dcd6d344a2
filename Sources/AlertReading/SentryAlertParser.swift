import Foundation
import VigilBase

/// Reads Sentry's Slack integration posts (alert-formats §4.7): issue alerts (blocks only) and metric alerts.
///
/// **Issue alerts** are recognised by a first-block `block_id` JSON with an `issue` key, a `Short ID:` footer, or a
/// `:level_emoji: <…/issues/…|*title*>` section. Name = the linked title; severity from the `level` tag (fatal →
/// critical, error → high, warning, info/debug → info), else from the emoji (`:red_circle:` → high,
/// `:large_yellow_circle:` → warning, `:large_blue_circle:`/`:bug:` → info). Status is firing, resolved once Sentry
/// edits the post with "Issue resolved by …" (or `State: Resolved`), other for archived/ignored. Tags
/// (``key: `value` ``) become labels, plus `project`, `alert_rule`, `short_id`, `state`; host from `server_name`,
/// service from the project. Identity: `sentry:<short id>` (lowercased, e.g. `sentry:api-gateway-1a2b`), else
/// `sentry:issue:<group id>`.
///
/// **Metric alerts** are recognised by a `Critical: …` / `Warning: …` / `Resolved: …` title plus a Sentry signature
/// (a sentry link or `/alerts/rules/` URL, a Sentry source hint, or Sentry's #FA4747/#FFC227/#4DC771 colours).
/// Critical → firing/critical, Warning → firing/warning, Resolved → resolved. Identity
/// `sentry:metric:<rule id>` from the rule URL, else `sentry:metric:<rule name>`.
public struct SentryAlertParser: AlertParser, ContentAlertParser {
    /// Always ``AlertSource/sentry``.
    public var source: AlertSource { .sentry }

    /// Creates the parser.
    public init() {}

    /// Parses `message`; see the type's documentation.
    public func parse(_ message: SlackMessage) -> Alert? {
        parse(content: MessageContent(message))
    }

    /// Parses flattened content; `nil` when it does not look like this tool's post.
    func parse(content: MessageContent) -> Alert? {
        parseIssueAlert(content) ?? parseMetricAlert(content)
    }

    // MARK: - Issue alerts

    private func parseIssueAlert(_ content: MessageContent) -> Alert? {
        let blocks = content.message.blocks + content.message.attachments.flatMap(\.blocks)
        let issueID = blocks.lazy.compactMap { Self.issueID(fromBlockID: $0["block_id"]?.stringValue) }.first
        var heading: (emoji: String, title: String, url: String)?
        for block in blocks where block["type"]?.stringValue == "section" {
            if let raw = block["text"]?["text"]?.stringValue, let parsed = Self.heading(raw) {
                heading = parsed
                break
            }
        }
        let contexts = blocks.filter { $0["type"]?.stringValue == "context" }
            .flatMap { $0["elements"]?.arrayValue ?? [] }
            .compactMap { $0["text"]?.stringValue }
        let footer = contexts.first { $0.contains("Short ID:") }.map {
            Self.keyed(MrkdwnDecoder.decode($0).text, keys: ["Project:", "Alert:", "Short ID:"])
        }
        guard issueID != nil || footer != nil || (heading?.url.contains("/issues/") ?? false) else { return nil }
        return buildIssue(
            content,
            blocks: blocks,
            contexts: contexts,
            footer: footer ?? [:],
            issueID: issueID,
            heading: heading
        )
    }

    private func buildIssue(
        _ content: MessageContent,
        blocks: [JSONValue],
        contexts: [String],
        footer: [String: String],
        issueID: String?,
        heading: (emoji: String, title: String, url: String)?
    ) -> Alert {
        var labels: [String: String] = [:]
        for block in blocks where block["type"]?.stringValue == "section" {
            guard let raw = block["text"]?["text"]?.stringValue, !raw.hasPrefix("```") else { continue }
            let isTagsBlock = block["block_id"]?.stringValue?.hasPrefix("tags_") ?? false
            let pairs = Self.tagPairs(raw)
            if isTagsBlock || pairs.count >= 2 {
                for (key, value) in pairs where labels[key] == nil { labels[key] = value }
            }
        }
        if let project = footer["Project:"] { labels["project"] = project }
        if let rule = footer["Alert:"] { labels["alert_rule"] = rule }
        let shortID = footer["Short ID:"]?.split(separator: " ").first.map(String.init)
        if let shortID { labels["short_id"] = shortID }
        if let issueID { labels["issue_id"] = issueID }

        let decodedContexts = contexts.map { MrkdwnDecoder.decode($0).text }
        var state: String?
        for text in decodedContexts {
            if let stateValue = Self.keyed(text, keys: ["State:", "First Seen:"])["State:"] { state = stateValue }
        }
        if let state { labels["state"] = state }

        // Sentry's actions edit the post and add a line such as "*Issue resolved by <@U…>*"; only line starts are
        // checked, so a title like "Host could not be resolved by DNS" does not count.
        let lines = content.plainLines.map { $0.lowercased() }
        func anyLine(_ prefixes: [String]) -> Bool {
            lines.contains { line in prefixes.contains { line.hasPrefix($0) } }
        }
        let lowerState = state?.lowercased() ?? ""
        let status: AlertStatus
        if anyLine(["issue resolved", "resolved by", "marked as resolved"]) || lowerState == "resolved" {
            status = .resolved
        } else if anyLine(["issue archived", "archived by", "issue ignored", "ignored by"])
            || ["archived", "ignored"].contains(lowerState) || heading?.emoji == "white_circle"
        {
            status = .other
        } else {
            status = .firing
        }

        let severity =
            labels["level"].flatMap(AlertSeverity.init(normalising:))
            ?? heading.flatMap { Self.emojiSeverity($0.emoji) }
            ?? .unknown

        // Summary: the culprit context (first context that is not the state or footer line) and the quoted message.
        let culprit = decodedContexts.first {
            !$0.contains("State:") && !$0.contains("Short ID:") && !$0.contains("First Seen:")
        }
        let quoted = blocks.lazy.compactMap { $0["text"]?["text"]?.stringValue }.first { $0.hasPrefix("```") }
            .map { MrkdwnDecoder.decode($0).text.trimmedWhitespace }
        let summary = [culprit, quoted].compactMap { $0?.trimmedWhitespace }.filter { !$0.isEmpty }.joined(
            separator: "\n"
        )

        let name = heading?.title ?? content.message.text.map { MrkdwnDecoder.decode($0).text.trimmedWhitespace } ?? ""
        let identity: String
        if let shortID {
            identity = AlertIdentity.make(.sentry, [shortID])
        } else if let issueID = issueID ?? heading.flatMap({ Self.pathComponent(after: "/issues/", in: $0.url) }) {
            identity = AlertIdentity.make(.sentry, ["issue:\(issueID)"])
        } else {
            identity = AlertIdentity.make(.sentry, [name])
        }
        return AlertLimits.clamp(
            Alert(
                source: .sentry,
                status: status,
                severity: severity,
                name: name,
                summary: summary,
                labels: labels,
                host: labels["server_name"] ?? labels["host"],
                service: labels["project"],
                links: content.links,
                identity: identity
            )
        )
    }

    /// `:emoji: <url|*title*>` → parts.
    private static func heading(_ raw: String) -> (emoji: String, title: String, url: String)? {
        let trimmed = raw.trimmedWhitespace
        guard trimmed.hasPrefix(":"), let end = trimmed.dropFirst().firstIndex(of: ":") else { return nil }
        let emoji = String(trimmed[trimmed.index(after: trimmed.startIndex)..<end])
        guard !emoji.isEmpty, !emoji.contains(" ") else { return nil }
        let rest = String(trimmed[trimmed.index(after: end)...])
        let decoded = MrkdwnDecoder.decode(rest)
        guard let link = decoded.links.first else { return nil }
        return (emoji, decoded.text.nonEmptyLines.first ?? link.label, link.url)
    }

    private static func emojiSeverity(_ emoji: String) -> AlertSeverity? {
        switch emoji {
        case "red_circle": .high
        case "large_yellow_circle", "yellow_circle": .warning
        case "large_blue_circle", "blue_circle", "bug": .info
        default: nil
        }
    }

    /// The `issue` member of a JSON `block_id` (`{"issue":123,"rule":4}`).
    private static func issueID(fromBlockID blockID: String?) -> String? {
        guard let blockID, blockID.hasPrefix("{"),
            let object = try? JSONDecoder().decode(JSONValue.self, from: Data(blockID.utf8))
        else { return nil }
        if let number = object["issue"]?.numberValue, number.isFinite, abs(number) < 9.0e15 {
            return String(Int64(number))
        }
        return object["issue"]?.stringValue
    }

    /// ``key: `value` `` pairs in raw mrkdwn.
    static func tagPairs(_ raw: String) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        var searchStart = raw.startIndex
        while let open = raw[searchStart...].firstIndex(of: "`") {
            let afterOpen = raw.index(after: open)
            guard let close = raw[afterOpen...].firstIndex(of: "`") else { break }
            let before = raw[searchStart..<open]
            if before.hasSuffix(": ") || before.hasSuffix(":") {
                let keyPart = before.dropLast(before.hasSuffix(": ") ? 2 : 1)
                let key =
                    keyPart.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).last.map(String.init) ?? ""
                let value = MrkdwnDecoder.decodeEntities(String(raw[afterOpen..<close]))
                if !key.isEmpty { pairs.append((key, value)) }
            }
            searchStart = raw.index(after: close)
        }
        return pairs
    }

    /// Splits `Key1: v1    Key2: v2` on the given keys → [key: trimmed value].
    static func keyed(_ text: String, keys: [String]) -> [String: String] {
        var found: [(key: String, range: Range<String.Index>)] = []
        for key in keys {
            if let range = text.firstRange(of: key) { found.append((key, range)) }
        }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var result: [String: String] = [:]
        for (index, entry) in found.enumerated() {
            let end = index + 1 < found.count ? found[index + 1].range.lowerBound : text.endIndex
            guard entry.range.upperBound <= end else { continue }
            result[entry.key] = text[entry.range.upperBound..<end].trimmedWhitespace
        }
        return result
    }

    /// The path component after `marker` in `url` (`…/issues/123/…` → `123`).
    static func pathComponent(after marker: String, in url: String) -> String? {
        guard let range = url.firstRange(of: marker) else { return nil }
        let component = url[range.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return component.isEmpty ? nil : String(component)
    }

    // MARK: - Metric alerts

    private func parseMetricAlert(_ content: MessageContent) -> Alert? {
        guard let (word, rule) = content.titleCandidates.lazy.compactMap(Self.metricTitle).first else { return nil }
        let links = content.links
        let hinted = content.hint == .sentry
        let sentryLink = links.first { $0.url.contains("sentry") || $0.url.contains("/alerts/rules/") }
        let sentryColor = content.colors.contains {
            ["#fa4747", "#ffc227", "#4dc771", "fa4747", "ffc227", "4dc771"].contains($0.lowercased())
        }
        guard hinted || sentryLink != nil || sentryColor else { return nil }

        let status: AlertStatus = word == "resolved" ? .resolved : .firing
        let severity: AlertSeverity = word == "critical" ? .critical : word == "warning" ? .warning : .unknown
        var labels: [String: String] = [:]
        var summary: String?
        for line in content.plains([.section, .attachmentText, .context]).flatMap(\.nonEmptyLines) {
            if line.hasPrefix("Filter:") {
                labels["filter"] = String(line.dropFirst(7)).trimmedWhitespace
            } else if summary == nil, Self.metricTitle(line) == nil {
                summary = line
            }
        }
        let ruleID = sentryLink.flatMap { Self.pathComponent(after: "/rules/details/", in: $0.url) }
        if let ruleID { labels["alert_rule_id"] = ruleID }
        if let incident = sentryLink?.url.queryParameter("alert") { labels["incident"] = incident }
        return AlertLimits.clamp(
            Alert(
                source: .sentry,
                status: status,
                severity: severity,
                name: rule,
                summary: summary ?? "",
                labels: labels,
                links: links,
                identity: AlertIdentity.make(.sentry, ["metric:\(ruleID ?? rule)"])
            )
        )
    }

    /// `Critical: rule` / `Warning: rule` / `Resolved: rule` → (lowercased word, rule).
    private static func metricTitle(_ line: String) -> (String, String)? {
        guard let colon = line.firstRange(of: ": ") else { return nil }
        let word = line[..<colon.lowerBound].lowercased()
        let rule = line[colon.upperBound...].trimmedWhitespace
        guard ["critical", "warning", "resolved"].contains(word), !rule.isEmpty else { return nil }
        return (word, rule)
    }
}
