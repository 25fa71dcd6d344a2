import Logging
import AlertInvestigation
import VigilStorage

extension ConversationService: InvestigationObserver {
    /// Remembers the investigation's check results (for questions and message updates) and asks the approvers about
    /// every probe that waits for approval. A request still pending for the same incident and probe is not asked
    /// again (a re-run does not spam the approvers).
    public func investigationPosted(incident: Incident, results: [ProbeResult], awaitingApproval: [ProbeSpec]) async {
        noteProbeResults(results, incidentID: incident.id)
        for probe in awaitingApproval {
            do {
                try await requestApproval(incident: incident, probe: probe)
            } catch {
                logger.error(
                    "could not record an approval request; the probe will not run: \(error)",
                    metadata: ["vigil.incident": "\(incident.id)", "vigil.probe": "\(probe.name)"]
                )
            }
        }
    }
}
