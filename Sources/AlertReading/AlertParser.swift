import VigilBase

/// Reads one monitoring tool's Slack posts into ``Alert`` values. Implementations are pure and stateless.
///
/// A parser recognises its tool by content signatures (title prefixes, footers, field names, links) and returns
/// `nil` for anything else, so ``AlertParsing`` can try parsers in turn. For a `message_changed` event the parser
/// reads the new version (``SlackMessage/currentVersion``).
public protocol AlertParser: Sendable {
    /// The tool this parser reads.
    var source: AlertSource { get }

    /// Parses `message`.
    ///
    /// - Parameter message: a bot post, a bot thread reply, or a `message_changed` event of a bot post.
    /// - Returns: the alert, or `nil` when the post does not look like this tool's.
    func parse(_ message: SlackMessage) -> Alert?
}

/// The internal side of every parser: parse an already flattened message, so ``AlertParsing`` flattens once.
protocol ContentAlertParser: AlertParser {
    /// Parses flattened content; `nil` when the post does not look like this tool's.
    func parse(content: MessageContent) -> Alert?
}

/// Limits applied to parsed values so a huge post cannot produce a huge alert.
enum AlertLimits {
    /// Longest ``Alert/name``.
    static let name = 200
    /// Longest ``Alert/summary``.
    static let summary = 500
    /// Longest label value.
    static let labelValue = 500
    /// Most labels kept.
    static let labelCount = 64
    /// Most links kept.
    static let linkCount = 20

    /// Applies the limits to `alert`.
    static func clamp(_ alert: Alert) -> Alert {
        var alert = alert
        alert.name = alert.name.trimmedWhitespace.truncated(to: name)
        alert.summary = alert.summary.trimmedWhitespace.truncated(to: summary)
        if alert.labels.count > labelCount {
            alert.labels = Dictionary(
                uniqueKeysWithValues: alert.labels.sorted { $0.key < $1.key }.prefix(labelCount).map {
                    ($0.key, $0.value)
                }
            )
        }
        alert.labels = alert.labels.mapValues { $0.truncated(to: labelValue) }
        alert.host = alert.host.map { $0.truncated(to: name) }
        alert.service = alert.service.map { $0.truncated(to: name) }
        alert.links = Array(alert.links.prefix(linkCount))
        return alert
    }
}
