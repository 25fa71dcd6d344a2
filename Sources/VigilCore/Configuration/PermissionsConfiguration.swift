/// Who may use each Vigil action in one workspace (YAML section `workspaces[n].permissions`).
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `ack` | list of IDs | `["*"]` (everyone) | acknowledge an incident |
/// | `resolve` | list of IDs | `["*"]` (everyone) | mark an incident resolved |
/// | `silence` | list of IDs | `["*"]` (everyone) | silence an alert for a while |
/// | `watch` | list of IDs | `[]` (nobody) | make Vigil watch or stop watching a channel (`/vigil watch`) |
/// | `approve` | list of IDs | `[]` (nobody) | approve a probe marked `requires_approval` |
///
/// Entries are `"*"`, user IDs (`U…`/`W…`) or user-group IDs (`S…`); see ``Audience``. The defaults let anyone in an
/// alert channel handle incidents (the everyday work), while changing what Vigil watches and running probes that need
/// approval are closed until the admin lists people: alert channels come from `alert_channels` instead.
public struct PermissionsConfiguration: Sendable, Hashable {
    /// Who may acknowledge.
    public var ack: Audience
    /// Who may resolve.
    public var resolve: Audience
    /// Who may silence.
    public var silence: Audience
    /// Who may add or remove watched channels.
    public var watch: Audience
    /// Who may approve probes that require approval.
    public var approve: Audience

    /// Creates permissions; every argument defaults to the documented default.
    ///
    /// - Parameters:
    ///   - ack: Who may acknowledge (default everyone).
    ///   - resolve: Who may resolve (default everyone).
    ///   - silence: Who may silence (default everyone).
    ///   - watch: Who may change watched channels (default nobody).
    ///   - approve: Who may approve probes (default nobody).
    public init(
        ack: Audience = .everyone,
        resolve: Audience = .everyone,
        silence: Audience = .everyone,
        watch: Audience = .nobody,
        approve: Audience = .nobody
    ) {
        self.ack = ack
        self.resolve = resolve
        self.silence = silence
        self.watch = watch
        self.approve = approve
    }
}
