/// Builds the stable, source-prefixed dedupe keys stored in ``Alert/identity``.
///
/// Format: `<source raw value>:<part>|<part>…`, each part lowercased with whitespace collapsed, empty parts
/// dropped, the whole key capped at ``maximumLength`` characters. Examples:
/// `alertmanager:highmemoryusage|node-exporter|critical`, `zabbix:event:987654`, `sentry:api-gateway-1a2b`,
/// `cloudwatch:example`, `uptime_kuma:checkout api`, `datadog:high cpu usage on web-01|host:web-01`.
/// Never derived from a Slack ts, so a firing post and its resolved post share it.
public enum AlertIdentity {
    /// Longest identity produced; longer keys are cut (dedupe keys must stay index-friendly).
    public static let maximumLength = 512

    /// Joins normalised `parts` under `source`'s prefix.
    public static func make(_ source: AlertSource, _ parts: [String]) -> String {
        let body = parts.map(normalise).filter { !$0.isEmpty }.joined(separator: "|")
        let key = "\(source.rawValue):\(body)"
        return key.count > maximumLength ? String(key.prefix(maximumLength)) : key
    }

    /// Lowercases and collapses whitespace.
    public static func normalise(_ part: String) -> String {
        part.lowercased().collapsedWhitespace
    }
}
