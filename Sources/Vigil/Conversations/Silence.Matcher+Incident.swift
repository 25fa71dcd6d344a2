import AlertReading
import VigilStorage

extension Silence.Matcher {
    /// Whether an incident's alert would be covered (by name or identity), for "N open incidents match".
    func matches(alertLike incident: Incident) -> Bool {
        matches(
            Alert(
                source: incident.source,
                status: .firing,
                severity: incident.severity,
                name: incident.name,
                identity: incident.identity
            )
        )
    }
}
