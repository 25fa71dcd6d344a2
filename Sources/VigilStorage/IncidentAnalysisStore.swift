import Foundation

/// What an investigation reads about an alert's past: its history, flapping, related incidents and the channel's
/// alert rate (storm control). Part of ``VigilStore``.
public protocol IncidentAnalysisStore: Sendable {
    /// How the identity behaved up to `now`: occurrences in the last 24 h and 7 d, incidents opened in 7 d, the
    /// last resolution and the mean time to resolve.
    func history(workspace: String, identity: String, now: Date) async throws -> IncidentHistory

    /// Counts the identity's firing↔resolved flips in `(now - window, now]` and reports whether it was already
    /// flagged as flapping within that window.
    func flapping(
        workspace: String,
        identity: String,
        window: Duration,
        threshold: Int,
        now: Date
    ) async throws -> FlapState

    /// Flags an incident as flapping, once per identity and window: atomically, nothing happens (and `false` is
    /// returned) if this incident or another of the same identity was flagged within `window` before `at`.
    /// - Returns: `true` if this call set the flag (so the caller should post the flapping investigation).
    func markFlapping(incidentID: Int64, at: Date, window: Duration) async throws -> Bool

    /// Other incidents of the workspace, in any channel, active around `incident`'s first firing post and sharing
    /// a host, service, instance, cluster, namespace or job value with it; oldest first.
    ///
    /// "Around" means the other incident's span (first seen to resolution, or to last seen while active) overlaps
    /// `incident.firstSeen ± within`. Host values are compared case-insensitively with any `:port` suffix dropped,
    /// so `host=web-1` relates to `instance=web-1:9100`.
    func relatedIncidents(workspace: String, around incident: Incident, within: Duration) async throws -> [Incident]

    /// Alert posts stored for the channel at or after `since` (for storm control).
    func recentAlertCount(workspace: String, channel: String, since: Date) async throws -> Int
}

extension IncidentAnalysisStore {
    /// Flapping state with ``FlapState/defaultWindow`` and ``FlapState/defaultThreshold``.
    public func flapping(workspace: String, identity: String, now: Date) async throws -> FlapState {
        try await flapping(
            workspace: workspace,
            identity: identity,
            window: FlapState.defaultWindow,
            threshold: FlapState.defaultThreshold,
            now: now
        )
    }

    /// Flags an incident as flapping once per ``FlapState/defaultWindow``.
    public func markFlapping(incidentID: Int64, at: Date) async throws -> Bool {
        try await markFlapping(incidentID: incidentID, at: at, window: FlapState.defaultWindow)
    }

    /// Related incidents within ±15 minutes of `incident`'s first firing post.
    public func relatedIncidents(workspace: String, around incident: Incident) async throws -> [Incident] {
        try await relatedIncidents(workspace: workspace, around: incident, within: .seconds(15 * 60))
    }
}
