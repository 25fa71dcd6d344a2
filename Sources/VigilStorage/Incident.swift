import Foundation
import AlertReading
/// One occurrence series of an alert identity in a workspace: opened by the first firing post, bumped by repeats,
/// closed by a resolved post or by a person.
///
/// Incidents are values read from a ``VigilStore``; changing a copy changes nothing stored. At most one incident per
/// `(workspace, identity)` is active (open or acknowledged) at any time.
public struct Incident: Sendable, Hashable, Identifiable {
    /// Store-assigned identifier, unique across all workspaces of a store and never reused.
    public var id: Int64
    /// The Slack team id the incident belongs to.
    public var workspace: String
    /// The alert identity (``Alert/identity``) this incident tracks.
    public var identity: String
    /// The channel of the post that opened the incident.
    public var channel: String
    /// The Slack `ts` of the alert post that opened the incident; Vigil threads its replies under it.
    public var rootTS: String
    /// Lifecycle state.
    public var status: IncidentStatus
    /// Severity of the most recent alert that named one.
    public var severity: AlertSeverity
    /// Alert name, from the most recent alert.
    public var name: String
    /// Monitoring tool that posted the alert.
    public var source: AlertSource
    /// Human summary, from the most recent alert.
    public var summary: String
    /// Labels, from the most recent alert.
    public var labels: [String: String]
    /// Affected host, from the most recent alert that named one.
    public var host: String?
    /// Affected service, from the most recent alert that named one.
    public var service: String?
    /// When the first firing alert was seen.
    public var firstSeen: Date
    /// When the most recent firing alert (or firing edit) was seen.
    public var lastSeen: Date
    /// How many firing posts this incident collected (the opening post included).
    public var occurrences: Int
    /// How many firing↔resolved flips this incident went through (a re-fire that opened it counts as one).
    public var transitions: Int
    /// When it was resolved, if it was.
    public var resolvedAt: Date?
    /// Slack user id of the person who resolved it by hand; `nil` when the source resolved it.
    public var resolvedBy: String?
    /// Slack user id of the person who acknowledged it.
    public var acknowledgedBy: String?
    /// When it was acknowledged.
    public var acknowledgedAt: Date?
    /// The `ts` of Vigil's investigation reply in the thread, once posted.
    public var investigationTS: String?
    /// When Vigil flagged this incident's identity as flapping
    /// (see ``IncidentAnalysisStore/markFlapping(incidentID:at:window:)``).
    public var flappingFlaggedAt: Date?

    /// Creates an incident value (stores create them; tests and fakes may too).
    public init(
        id: Int64,
        workspace: String,
        identity: String,
        channel: String,
        rootTS: String,
        status: IncidentStatus,
        severity: AlertSeverity,
        name: String,
        source: AlertSource,
        summary: String = "",
        labels: [String: String] = [:],
        host: String? = nil,
        service: String? = nil,
        firstSeen: Date,
        lastSeen: Date,
        occurrences: Int = 1,
        transitions: Int = 0,
        resolvedAt: Date? = nil,
        resolvedBy: String? = nil,
        acknowledgedBy: String? = nil,
        acknowledgedAt: Date? = nil,
        investigationTS: String? = nil,
        flappingFlaggedAt: Date? = nil
    ) {
        self.id = id
        self.workspace = workspace
        self.identity = identity
        self.channel = channel
        self.rootTS = rootTS
        self.status = status
        self.severity = severity
        self.name = name
        self.source = source
        self.summary = summary
        self.labels = labels
        self.host = host
        self.service = service
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.occurrences = occurrences
        self.transitions = transitions
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.investigationTS = investigationTS
        self.flappingFlaggedAt = flappingFlaggedAt
    }

    /// True while the incident is open or acknowledged.
    public var isActive: Bool { status.isActive }

    /// Time from the first firing post to resolution; `nil` while active. Never negative.
    public var timeToResolve: Duration? {
        guard let resolvedAt else { return nil }
        return .seconds(max(0, resolvedAt.timeIntervalSince(firstSeen)))
    }
}
