/// Which monitoring tool posted an alert.
public enum AlertSource: String, Sendable, Hashable, Codable, CaseIterable {
    case alertmanager
    case grafana
    case zabbix
    case datadog
    case sentry
    case uptimeKuma = "uptime_kuma"
    case cloudwatch
    case pagerduty
    /// Read by the generic extractor: text, attachments and blocks, with no tool-specific rules.
    case generic
}

/// Where an alert stands, as its source reports it.
public enum AlertStatus: String, Sendable, Hashable, Codable {
    case firing
    case resolved
    /// Acknowledged, updated, commented, no-data, insufficient-data: anything that is neither firing nor resolved.
    case other
}

/// How bad an alert is, normalised across tools (Zabbix "Disaster" and Sentry "fatal" are both `critical`).
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case unknown
    case info
    case warning
    case high
    case critical

    private var rank: Int {
        switch self {
        case .unknown: 0
        case .info: 1
        case .warning: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// A link carried by an alert (to the alert rule, a dashboard, a runbook, a silence page…).
public struct AlertLink: Sendable, Hashable, Codable {
    public var label: String
    public var url: String

    public init(label: String, url: String) {
        self.label = label
        self.url = url
    }
}

/// One monitoring alert, normalised from a Slack post by a parser.
///
/// `identity` is the stable dedupe key of the thing that is alerting (for example
/// `alertmanager:HighMemoryUsage|node-exporter critical`); it is never derived from the Slack `ts`, so the same
/// alert posted twice, or posted again the next day, maps to the same identity.
public struct Alert: Sendable, Hashable, Codable {
    public var source: AlertSource
    public var status: AlertStatus
    public var severity: AlertSeverity
    /// Short name of what is alerting: the alert rule, monitor, trigger or alarm name.
    public var name: String
    /// One or two lines of human text describing the alert, mrkdwn decoded; may be empty.
    public var summary: String
    /// Key/value labels or tags (Prometheus labels, Zabbix tags, Datadog scope, CloudWatch fields…).
    public var labels: [String: String]
    /// The affected host or instance, when the alert names one.
    public var host: String?
    /// The affected service, job or application, when the alert names one.
    public var service: String?
    public var links: [AlertLink]
    /// Stable dedupe key, source-prefixed; never the Slack ts.
    public var identity: String
    /// `false` when the post did not say where the alert stands (no status word, field or colour): a root post
    /// read this way is investigated as firing, and the reply says that the status was not stated.
    public var statusStated: Bool

    public init(
        source: AlertSource,
        status: AlertStatus,
        severity: AlertSeverity,
        name: String,
        summary: String = "",
        labels: [String: String] = [:],
        host: String? = nil,
        service: String? = nil,
        links: [AlertLink] = [],
        identity: String,
        statusStated: Bool = true
    ) {
        self.source = source
        self.status = status
        self.severity = severity
        self.name = name
        self.summary = summary
        self.labels = labels
        self.host = host
        self.service = service
        self.links = links
        self.identity = identity
        self.statusStated = statusStated
    }

    private enum CodingKeys: String, CodingKey {
        case source, status, severity, name, summary, labels, host, service, links, identity, statusStated
    }

    /// Decodes an alert; alerts stored before `statusStated` existed read as stated.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(AlertSource.self, forKey: .source)
        status = try container.decode(AlertStatus.self, forKey: .status)
        severity = try container.decode(AlertSeverity.self, forKey: .severity)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decode(String.self, forKey: .summary)
        labels = try container.decode([String: String].self, forKey: .labels)
        host = try container.decodeIfPresent(String.self, forKey: .host)
        service = try container.decodeIfPresent(String.self, forKey: .service)
        links = try container.decode([AlertLink].self, forKey: .links)
        identity = try container.decode(String.self, forKey: .identity)
        statusStated = try container.decodeIfPresent(Bool.self, forKey: .statusStated) ?? true
    }
}
