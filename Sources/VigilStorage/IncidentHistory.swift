import Foundation
/// How an alert identity behaved recently, for the investigation ("fired 5 times this week, last resolved after
/// 12 minutes").
public struct IncidentHistory: Sendable, Hashable {
    /// The most recent resolution of an identity.
    public struct Resolution: Sendable, Hashable {
        /// The incident that was resolved.
        public var incidentID: Int64
        /// When it was resolved.
        public var resolvedAt: Date
        /// How long it was active (first firing post to resolution).
        public var duration: Duration
        /// Slack user id of the person who resolved it by hand; `nil` when the source resolved it.
        public var resolvedBy: String?

        /// Creates a resolution value.
        public init(incidentID: Int64, resolvedAt: Date, duration: Duration, resolvedBy: String?) {
            self.incidentID = incidentID
            self.resolvedAt = resolvedAt
            self.duration = duration
            self.resolvedBy = resolvedBy
        }
    }

    /// The identity described.
    public var identity: String
    /// Firing posts (incident openings plus repeats) in the 24 hours up to `now`.
    public var occurrencesLast24Hours: Int
    /// Firing posts (incident openings plus repeats) in the 7 days up to `now`.
    public var occurrencesLast7Days: Int
    /// Incidents opened in the 7 days up to `now`.
    public var incidentsLast7Days: Int
    /// The most recent resolution at or before `now`, if any.
    public var lastResolution: Resolution?
    /// Mean time from first firing post to resolution over all resolved incidents of the identity still stored;
    /// `nil` when none was resolved.
    public var meanTimeToResolve: Duration?
    /// How many resolved incidents `meanTimeToResolve` averages.
    public var resolvedIncidentCount: Int

    /// Creates a history value.
    public init(
        identity: String,
        occurrencesLast24Hours: Int,
        occurrencesLast7Days: Int,
        incidentsLast7Days: Int,
        lastResolution: Resolution?,
        meanTimeToResolve: Duration?,
        resolvedIncidentCount: Int
    ) {
        self.identity = identity
        self.occurrencesLast24Hours = occurrencesLast24Hours
        self.occurrencesLast7Days = occurrencesLast7Days
        self.incidentsLast7Days = incidentsLast7Days
        self.lastResolution = lastResolution
        self.meanTimeToResolve = meanTimeToResolve
        self.resolvedIncidentCount = resolvedIncidentCount
    }
}
