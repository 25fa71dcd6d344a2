import AlertReading

/// A runbook rule as configured (an item of the YAML list `runbooks`): which alerts it applies to, and the links
/// and probes it attaches to them.
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `name` | text | required | for logs and errors; unique |
/// | `match.sources` | list | any source | `alertmanager`, `grafana`, `zabbix`, `datadog`, `sentry`, `uptime_kuma`, `cloudwatch`, `pagerduty`, `generic` |
/// | `match.name` | glob | any name | alert name, `*` and `?`, case-insensitive |
/// | `match.labels` | section `key: glob` | none | every listed label must exist and match |
/// | `match.min_severity` | `info`, `warning`, `high`, `critical` | none | severity floor (alerts of unknown severity never pass a floor) |
/// | `links` | list of `{label, url}` | `[]` | runbook links; `url` is a template like probe `http` |
/// | `probes` | list | `[]` | see ``ProbeConfiguration`` |
///
/// An alert matches when every stated criterion holds; a rule without `match` applies to every alert.
public struct RunbookRuleConfiguration: Sendable, Hashable {
    /// Which alerts a rule applies to.
    public struct Match: Sendable, Hashable {
        /// Sources; empty means any.
        public var sources: [AlertSource]
        /// Glob on the alert name, or `nil` for any.
        public var namePattern: String?
        /// Label key → value glob; all must match.
        public var labels: [String: String]
        /// Severity floor, or `nil` for none.
        public var minimumSeverity: AlertSeverity?

        /// Creates a match; the defaults match every alert.
        ///
        /// - Parameters:
        ///   - sources: Sources (default any).
        ///   - namePattern: Name glob (default any).
        ///   - labels: Label globs (default none).
        ///   - minimumSeverity: Severity floor (default none).
        public init(
            sources: [AlertSource] = [],
            namePattern: String? = nil,
            labels: [String: String] = [:],
            minimumSeverity: AlertSeverity? = nil
        ) {
            self.sources = sources
            self.namePattern = namePattern
            self.labels = labels
            self.minimumSeverity = minimumSeverity
        }
    }

    /// A runbook link.
    public struct Link: Sendable, Hashable {
        /// The link text.
        public var label: String
        /// The URL template.
        public var urlTemplate: String

        /// Creates a link.
        ///
        /// - Parameters:
        ///   - label: The link text.
        ///   - urlTemplate: The URL template.
        public init(label: String, urlTemplate: String) {
            self.label = label
            self.urlTemplate = urlTemplate
        }
    }

    /// The rule's name.
    public var name: String
    /// Which alerts it applies to.
    public var match: Match
    /// Links attached to matching alerts.
    public var links: [Link]
    /// Probes run for matching alerts.
    public var probes: [ProbeConfiguration]

    /// Creates a rule.
    ///
    /// - Parameters:
    ///   - name: The name.
    ///   - match: Which alerts (default all).
    ///   - links: Links (default none).
    ///   - probes: Probes (default none).
    public init(name: String, match: Match = Match(), links: [Link] = [], probes: [ProbeConfiguration] = []) {
        self.name = name
        self.match = match
        self.links = links
        self.probes = probes
    }
}
