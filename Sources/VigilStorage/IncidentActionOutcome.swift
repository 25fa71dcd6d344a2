/// What a person's action on an incident (acknowledge, resolve) did.
public enum IncidentActionOutcome: Sendable, Hashable {
    /// The action changed the incident; carries it as it is now.
    case applied(Incident)
    /// The incident was already in that state or past it (acknowledging an acknowledged or resolved incident,
    /// resolving a resolved one); carries it unchanged, so the caller can say who got there first.
    case unchanged(Incident)
    /// No incident has that id.
    case notFound
}
