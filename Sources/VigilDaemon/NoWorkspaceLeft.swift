/// Every workspace stopped for a reason a restart cannot fix. Each workspace runs as its own ``WorkspaceService`` in
/// the application's `ServiceGroup`; the last one to fail for good ends the group with this error, and the process
/// exits 78.
public struct NoWorkspaceLeft: Error, CustomStringConvertible {
    /// Why each workspace stopped, by workspace name.
    public var reasons: [String: String]

    public var description: String {
        "no workspace is left working: " + reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}
