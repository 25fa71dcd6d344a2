/// One thing the worker did that Slack alone cannot show: an event's outcome, or a step of its recovery work.
///
/// Written to a ``WorkerActivityLog`` by the router and the alert monitor at the moment it happens, next to the log
/// line that tells operators the same. Values only: nothing reading them can reach back into the worker.
public enum WorkerActivity: Sendable, Hashable, CustomStringConvertible {
    /// The router is done with an event.
    case event(EventOutcome)
    /// A new alert of an incident already flagged as flapping was recorded without a new investigation.
    /// - Parameters:
    ///   - incident: the incident's id.
    ///   - channel: the alert's channel.
    ///   - ts: the alert post.
    case flapRecorded(incident: Int64, channel: String, ts: String)
    /// Slack's answer to a post was lost, but the post arrived: the worker found it and uses its ts.
    /// - Parameters:
    ///   - channel: where it was posted.
    ///   - ts: the post Vigil found.
    ///   - kind: which of Vigil's messages it is.
    case lostAnswerFound(channel: String, ts: String, kind: VigilMessageMetadata.Kind)
    /// A pass over the owed (interrupted) investigations finished; only passes that had any to look at are reported.
    /// - Parameters:
    ///   - resumed: how many were investigated and posted (or adopted) now.
    ///   - owed: how many this pass claimed.
    ///   - inFlight: how many were skipped because their post is being handled right now.
    case owedInvestigationsLookedAt(resumed: Int, owed: Int, inFlight: Int)

    /// The event's outcome, for ``event(_:)``.
    public var event: EventOutcome? {
        if case .event(let outcome) = self { outcome } else { nil }
    }

    public var description: String {
        switch self {
        case .event(let outcome): "\(outcome)"
        case .flapRecorded(let incident, let channel, let ts):
            "flap of incident \(incident) recorded (\(channel) \(ts))"
        case .lostAnswerFound(let channel, let ts, let kind): "lost answer: \(kind.rawValue) found at \(channel) \(ts)"
        case .owedInvestigationsLookedAt(let resumed, let owed, let inFlight):
            "owed investigations looked at: \(resumed) resumed of \(owed), \(inFlight) in flight"
        }
    }
}
