import AlertReading
import VigilBase

/// A configured rule that attaches runbook links and probes to matching alerts.
///
/// A rule states any combination of criteria; an alert matches when **every stated criterion** holds, and a rule
/// that states none matches every alert:
/// - `sources`: the alert's source is in the set (empty = any source);
/// - `namePattern`: the alert name matches the glob, ignoring case;
/// - `labelMatchers`: for each `key: glob`, the alert has label `key` (exact key) whose value matches the glob,
///   ignoring case;
/// - `minimumSeverity`: the alert's severity is at least this (an `unknown` severity never passes a floor).
public struct RunbookRule: Sendable, Hashable {
    /// A runbook link: a label and a URL template filled from the alert.
    public struct Link: Sendable, Hashable {
        /// The link text.
        public var label: String
        /// The URL template (see ``URLTemplate``).
        public var urlTemplate: URLTemplate

        /// Creates a link.
        ///
        /// - Parameters:
        ///   - label: The link text.
        ///   - urlTemplate: The URL template.
        public init(label: String, urlTemplate: URLTemplate) {
            self.label = label
            self.urlTemplate = urlTemplate
        }
    }

    /// The rule's name, for logs and configuration errors.
    public var name: String
    /// Sources the rule applies to; empty means any.
    public var sources: Set<AlertSource>
    /// Glob on the alert name, or `nil` for any name.
    public var namePattern: GlobPattern?
    /// Label key → value glob; all must match.
    public var labelMatchers: [String: GlobPattern]
    /// Severity floor, or `nil` for none.
    public var minimumSeverity: AlertSeverity?
    /// Links yielded for matching alerts.
    public var links: [Link]
    /// Probes yielded for matching alerts.
    public var probes: [ProbeSpec]

    /// Creates a rule.
    ///
    /// - Parameters:
    ///   - name: The rule's name.
    ///   - sources: Sources it applies to (default: any).
    ///   - namePattern: Glob on the alert name (default: any).
    ///   - labelMatchers: `key: value-glob` pairs that must all match (default: none).
    ///   - minimumSeverity: Severity floor (default: none).
    ///   - links: Runbook links.
    ///   - probes: Probes.
    public init(
        name: String,
        sources: Set<AlertSource> = [],
        namePattern: GlobPattern? = nil,
        labelMatchers: [String: GlobPattern] = [:],
        minimumSeverity: AlertSeverity? = nil,
        links: [Link] = [],
        probes: [ProbeSpec] = []
    ) {
        self.name = name
        self.sources = sources
        self.namePattern = namePattern
        self.labelMatchers = labelMatchers
        self.minimumSeverity = minimumSeverity
        self.links = links
        self.probes = probes
    }

    /// Whether `alert` satisfies every criterion this rule states.
    ///
    /// - Parameter alert: The alert to test.
    /// - Returns: `true` when the rule applies.
    public func matches(_ alert: Alert) -> Bool {
        if !sources.isEmpty, !sources.contains(alert.source) { return false }
        if let namePattern, !namePattern.matches(alert.name) { return false }
        if let minimumSeverity, alert.severity < minimumSeverity { return false }
        for (key, pattern) in labelMatchers {
            guard let value = alert.labels[key], pattern.matches(value) else { return false }
        }
        return true
    }

    /// Checks every link template and probe URL template of the rule, for configuration load; a probe's URL must
    /// also have a literal scheme, host and port (``URLTemplate/requestHost()``).
    ///
    /// - Throws: ``URLTemplateError`` for the first invalid template.
    public func validate() throws(URLTemplateError) {
        for link in links { try link.urlTemplate.validate() }
        for probe in probes {
            if case .http(_, let urlTemplate, _, _, _, _) = probe { _ = try urlTemplate.requestHost() }
        }
    }
}

extension Sequence where Element == RunbookRule {
    /// The rules that match `alert`, in their configured order.
    ///
    /// - Parameter alert: The alert to match.
    /// - Returns: Matching rules.
    public func matching(alert: Alert) -> [RunbookRule] {
        filter { $0.matches(alert) }
    }
}
