import AlertInvestigation
import VigilStorage

/// Told about every investigation the alert monitor posts (or re-runs), so the conversation layer can follow up:
/// remember the check results for questions, and ask the approvers about checks that wait for a person's yes.
///
/// ``ConversationService`` conforms. The monitor holds its observer weakly (the conversation layer holds the
/// monitor), so neither keeps the other alive after a workspace stops.
public protocol InvestigationObserver: AnyObject, Sendable {
    /// An investigation of `incident` was posted or updated.
    /// - Parameters:
    ///   - incident: The incident, as it stands after the investigation.
    ///   - results: The check results shown in the message (``ProbeOutcome/awaitingApproval`` for gated ones).
    ///   - awaitingApproval: The runbook probes that did not run because they need approval, in plan order.
    func investigationPosted(incident: Incident, results: [ProbeResult], awaitingApproval: [ProbeSpec]) async
}
