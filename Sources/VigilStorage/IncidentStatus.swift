/// Where an incident stands in Vigil's lifecycle.
///
/// An incident is *open* from the first firing alert of an identity until a resolved alert (or a person) closes it.
/// Acknowledging keeps it open: repeats still attach to it, and a resolved alert still closes it.
public enum IncidentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Firing and not yet acknowledged.
    case open
    /// Firing, and somebody said they are on it.
    case acknowledged
    /// Closed by a resolved alert or by a person. Terminal: a later firing alert opens a new incident.
    case resolved

    /// True for `open` and `acknowledged`: the incident still collects repeats of its identity.
    public var isActive: Bool { self != .resolved }
}
