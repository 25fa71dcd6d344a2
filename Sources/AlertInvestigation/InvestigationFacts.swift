import Foundation
import AlertReading
import VigilStorage

/// Everything the investigation reply needs, gathered before the message is built.
///
/// These are plain values, independent of the store's record types: the caller maps store results (history,
/// flapping, related incidents, silences) and probe results onto them, and ``InvestigationMessage`` turns them into
/// Block Kit. Optional parts (`history`, `flapping`, `silence`, `storm`) are simply left out of the message when `nil`.
public struct InvestigationFacts: Sendable, Hashable {
    /// The alert being investigated, as parsed from the root post.
    public var alert: Alert
    /// The channel the alert was posted in (`C…`).
    public var channelID: String
    /// The `ts` of the alert's root post; the investigation is a thread reply under it.
    public var rootTS: String
    /// The incident this alert belongs to.
    public var incident: Incident
    /// How often this alert identity fired before, when the store knows.
    public var history: History?
    /// Recent status transitions of this identity, when the store tracks them.
    public var flapping: Flapping?
    /// Other alerts related to this one by a shared label, most relevant first. Only the first few are shown.
    public var related: [RelatedAlert]
    /// Runbook links resolved for this alert (see ``RunbookPlan``), in display order.
    public var runbookLinks: [AlertLink]
    /// Results of the runbook probes, in plan order.
    public var probeResults: [ProbeResult]
    /// The silence that matched this alert, if any.
    public var silence: Silence?
    /// Set when the channel is in an alert storm.
    public var storm: Storm?

    /// Creates the facts for one investigation.
    ///
    /// - Parameters:
    ///   - alert: The parsed alert.
    ///   - channelID: The alert's channel.
    ///   - rootTS: The `ts` of the alert's root post.
    ///   - incident: The incident record.
    ///   - history: Occurrence history, or `nil` when unknown.
    ///   - flapping: Flapping state, or `nil` when unknown.
    ///   - related: Related alerts, most relevant first.
    ///   - runbookLinks: Resolved runbook links.
    ///   - probeResults: Probe results in plan order.
    ///   - silence: The matching silence, if any.
    ///   - storm: Storm state of the channel, if any.
    public init(
        alert: Alert,
        channelID: String,
        rootTS: String,
        incident: Incident,
        history: History? = nil,
        flapping: Flapping? = nil,
        related: [RelatedAlert] = [],
        runbookLinks: [AlertLink] = [],
        probeResults: [ProbeResult] = [],
        silence: Silence? = nil,
        storm: Storm? = nil
    ) {
        self.alert = alert
        self.channelID = channelID
        self.rootTS = rootTS
        self.incident = incident
        self.history = history
        self.flapping = flapping
        self.related = related
        self.runbookLinks = runbookLinks
        self.probeResults = probeResults
        self.silence = silence
        self.storm = storm
    }
}

extension InvestigationFacts {
    /// Where an incident stands in Vigil (not the source's own status, which is ``AlertStatus``).
    public enum IncidentStatus: String, Sendable, Hashable, Codable, CaseIterable {
        /// Nobody has taken it yet.
        case open
        /// A person acknowledged it.
        case acknowledged
        /// Resolved by a person or by the source.
        case resolved
    }

    /// Who or what resolved an incident.
    public enum Resolver: Sendable, Hashable {
        /// A Slack user pressed Resolve (`U…` or `W…` id).
        case user(id: String)
        /// The source edited its alert post to a resolved state (Alertmanager `update_message`, Zabbix recovery).
        case sourceEdit
        /// The source posted a separate resolved notification.
        case sourceMessage
        /// Anything else, described in a few words (for example "expiry after 24 h").
        case other(String)
    }

    /// One incident: Vigil's record of an alert identity being open, acknowledged or resolved.
    public struct Incident: Sendable, Hashable {
        /// Stable incident id; it is the `value` of every button in the investigation message.
        public var id: String
        /// Current status.
        public var status: IncidentStatus
        /// When the incident was opened (the first firing post).
        public var openedAt: Date
        /// The Slack user who acknowledged it.
        public var acknowledgedBy: String?
        /// When it was acknowledged.
        public var acknowledgedAt: Date?
        /// Who or what resolved it.
        public var resolvedBy: Resolver?
        /// When it was resolved.
        public var resolvedAt: Date?

        /// Creates an incident record.
        ///
        /// - Parameters:
        ///   - id: The incident id.
        ///   - status: The current status.
        ///   - openedAt: When it was opened.
        ///   - acknowledgedBy: The acknowledging user's id, if acknowledged.
        ///   - acknowledgedAt: When it was acknowledged.
        ///   - resolvedBy: Who or what resolved it, if resolved.
        ///   - resolvedAt: When it was resolved.
        public init(
            id: String,
            status: IncidentStatus,
            openedAt: Date,
            acknowledgedBy: String? = nil,
            acknowledgedAt: Date? = nil,
            resolvedBy: Resolver? = nil,
            resolvedAt: Date? = nil
        ) {
            self.id = id
            self.status = status
            self.openedAt = openedAt
            self.acknowledgedBy = acknowledgedBy
            self.acknowledgedAt = acknowledgedAt
            self.resolvedBy = resolvedBy
            self.resolvedAt = resolvedAt
        }
    }

    /// How often this alert identity fired before.
    public struct History: Sendable, Hashable {
        /// Occurrences in the last 24 hours, **including this one** (so `3` reads "3rd time in 24 h").
        public var occurrencesLast24Hours: Int
        /// Occurrences in the last 7 days, including this one.
        public var occurrencesLast7Days: Int
        /// When the previous incident of this identity was resolved.
        public var lastResolvedAt: Date?
        /// How long the previous incident took to resolve.
        public var lastTimeToResolve: Duration?
        /// Mean time to resolve over the history window.
        public var meanTimeToResolve: Duration?

        /// Creates a history summary.
        ///
        /// - Parameters:
        ///   - occurrencesLast24Hours: Occurrences in 24 h, including this one.
        ///   - occurrencesLast7Days: Occurrences in 7 days, including this one.
        ///   - lastResolvedAt: When the previous incident was resolved.
        ///   - lastTimeToResolve: How long the previous incident took to resolve.
        ///   - meanTimeToResolve: Mean time to resolve.
        public init(
            occurrencesLast24Hours: Int,
            occurrencesLast7Days: Int,
            lastResolvedAt: Date? = nil,
            lastTimeToResolve: Duration? = nil,
            meanTimeToResolve: Duration? = nil
        ) {
            self.occurrencesLast24Hours = occurrencesLast24Hours
            self.occurrencesLast7Days = occurrencesLast7Days
            self.lastResolvedAt = lastResolvedAt
            self.lastTimeToResolve = lastTimeToResolve
            self.meanTimeToResolve = meanTimeToResolve
        }
    }

    /// Firing/resolved transitions of this identity within a window.
    public struct Flapping: Sendable, Hashable {
        /// Transitions counted in the window.
        public var transitions: Int
        /// The window length.
        public var window: Duration
        /// Whether the store classified the identity as flapping (further flaps are not re-investigated).
        public var isFlapping: Bool

        /// Creates a flapping summary.
        ///
        /// - Parameters:
        ///   - transitions: Transitions in the window.
        ///   - window: The window length.
        ///   - isFlapping: Whether the identity is flapping.
        public init(transitions: Int, window: Duration, isFlapping: Bool) {
            self.transitions = transitions
            self.window = window
            self.isFlapping = isFlapping
        }
    }

    /// Another alert that shares a label with this one.
    public struct RelatedAlert: Sendable, Hashable {
        /// Its name.
        public var name: String
        /// Its severity.
        public var severity: AlertSeverity
        /// Its incident status.
        public var status: IncidentStatus
        /// Its channel.
        public var channelID: String
        /// The `ts` of its root post.
        public var rootTS: String
        /// Its permalink from `chat.getPermalink`, when known; otherwise a link is derived from channel and ts.
        public var permalink: String?
        /// The key of the label both alerts share (for example `host`).
        public var sharedLabelKey: String
        /// The shared value (for example `web-1`).
        public var sharedLabelValue: String
        /// When it was posted.
        public var postedAt: Date

        /// Creates a related-alert entry.
        ///
        /// - Parameters:
        ///   - name: Alert name.
        ///   - severity: Alert severity.
        ///   - status: Incident status.
        ///   - channelID: Channel of its root post.
        ///   - rootTS: `ts` of its root post.
        ///   - permalink: Permalink, if known.
        ///   - sharedLabelKey: The shared label's key.
        ///   - sharedLabelValue: The shared label's value.
        ///   - postedAt: When it was posted.
        public init(
            name: String,
            severity: AlertSeverity,
            status: IncidentStatus,
            channelID: String,
            rootTS: String,
            permalink: String? = nil,
            sharedLabelKey: String,
            sharedLabelValue: String,
            postedAt: Date
        ) {
            self.name = name
            self.severity = severity
            self.status = status
            self.channelID = channelID
            self.rootTS = rootTS
            self.permalink = permalink
            self.sharedLabelKey = sharedLabelKey
            self.sharedLabelValue = sharedLabelValue
            self.postedAt = postedAt
        }
    }

    /// A silence that matched the alert.
    public struct Silence: Sendable, Hashable {
        /// The silence id.
        public var id: String
        /// The Slack user who created it, when created from Slack.
        public var createdBy: String?
        /// When it expires; `nil` for no expiry.
        public var expiresAt: Date?
        /// The reason given, if any.
        public var reason: String?

        /// Creates a silence summary.
        ///
        /// - Parameters:
        ///   - id: The silence id.
        ///   - createdBy: The creating user's id.
        ///   - expiresAt: The expiry.
        ///   - reason: The reason given.
        public init(id: String, createdBy: String? = nil, expiresAt: Date? = nil, reason: String? = nil) {
            self.id = id
            self.createdBy = createdBy
            self.expiresAt = expiresAt
            self.reason = reason
        }
    }

    /// The channel's storm state at the time of the investigation.
    public struct Storm: Sendable, Hashable {
        /// Alerts posted in the channel within `window`.
        public var alertCount: Int
        /// The counting window (usually one minute).
        public var window: Duration
        /// Whether per-alert replies are paused (a storm summary is posted instead).
        public var repliesPaused: Bool

        /// Creates a storm summary.
        ///
        /// - Parameters:
        ///   - alertCount: Alerts in the window.
        ///   - window: The window.
        ///   - repliesPaused: Whether per-alert replies are paused.
        public init(alertCount: Int, window: Duration, repliesPaused: Bool) {
            self.alertCount = alertCount
            self.window = window
            self.repliesPaused = repliesPaused
        }
    }
}
