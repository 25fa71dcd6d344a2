import AlertInvestigation
import VigilStorage
/// An investigation the alert monitor posted (or updated on a re-run), as published on
/// ``AlertChannelMonitor/postedInvestigations``: what follows up on it (the approval requests) reads these values
/// instead of being called back by the monitor.
public struct InvestigationPosted: Sendable {
    /// The incident, as it stands after the investigation.
    public var incident: Incident
    /// The check results shown in the message (``ProbeOutcome/awaitingApproval`` for gated ones).
    public var results: [ProbeResult]
    /// The runbook probes that did not run because they need approval, in plan order.
    public var awaitingApproval: [ProbeSpec]
    /// Who asked for this run (the Re-run button, `rerun`), `nil` for a new alert's investigation: approval
    /// requests it raises are theirs.
    public var requestedBy: String?
}
