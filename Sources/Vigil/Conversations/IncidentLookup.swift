import AlertReading
import VigilStorage
/// Finds one workspace's incidents and their alerts in the store, for the handlers that act on them.
struct IncidentLookup: Sendable {
    /// The team id; incidents of other workspaces are not found.
    let workspace: String
    /// Where incidents and alert posts are kept.
    let store: any VigilStore

    /// The incident with `id` in this workspace.
    func incident(id: Int64) async throws -> Incident? {
        guard let incident = try await store.incident(id: id), incident.workspace == workspace else { return nil }
        return incident
    }

    /// The alert of an incident: the stored root post, else one rebuilt from the incident's fields.
    func alert(of incident: Incident) async throws -> Alert {
        if let stored = try await store.alert(workspace: workspace, channel: incident.channel, ts: incident.rootTS) {
            return stored.alert
        }
        return Alert(
            source: incident.source,
            status: .firing,
            severity: incident.severity,
            name: incident.name,
            summary: incident.summary,
            labels: incident.labels,
            host: incident.host,
            service: incident.service,
            identity: incident.identity
        )
    }
}
