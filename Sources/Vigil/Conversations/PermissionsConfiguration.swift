/// Who may use each Vigil action in one workspace (YAML section `workspaces[n].permissions`).
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `ack` | list of IDs | `["*"]` (everyone) | acknowledge an incident |
/// | `resolve` | list of IDs | `["*"]` (everyone) | mark an incident resolved |
/// | `silence` | list of IDs | `["*"]` (everyone) | silence an alert for a while |
/// | `rerun` | list of IDs | `["*"]` (everyone) | run an incident's investigation again |
/// | `watch` | list of IDs | `[]` (nobody) | make Vigil watch or stop watching a channel (`/vigil watch`) |
/// | `approve` | list of IDs | `[]` (nobody) | approve a probe marked `requires_approval` (the only list checked for approvals; `approvers` only says who is DMed) |
/// | `audit` | list of IDs | `[]` (nobody) | read the audit log (`/vigil audit`) and every channel's incidents |
/// | `other_teams` | list of IDs | `[]` (nobody) | people of *other* Slack teams (Slack Connect) who may use Vigil at all |
///
/// Entries are `"*"`, user IDs (`U…`/`W…`) or user-group IDs (`S…`); see ``Audience``. The defaults let anyone in an
/// alert channel handle incidents (the everyday work), while changing what Vigil watches and running probes that need
/// approval are closed until the admin lists people: alert channels come from `alert_channels` instead.
///
/// Every action is also scoped by channel: acting on or reading an incident needs being able to see its channel (a
/// member of a private channel; anyone of the workspace for a public one), unless the person is *named* in the
/// action's list (their ID or one of their groups; `"*"` does not count). Reading needs the same, with `audit` as the
/// list that names people who may read everything. People whose team differs from the workspace's (Slack Connect)
/// are refused everything unless `other_teams` lists them; they then also need membership or naming as above, even
/// in public channels.
public struct PermissionsConfiguration: Sendable, Hashable {
    /// Who may acknowledge.
    public var ack: Audience
    /// Who may resolve.
    public var resolve: Audience
    /// Who may silence.
    public var silence: Audience
    /// Who may re-run an investigation.
    public var rerun: Audience
    /// Who may add or remove watched channels.
    public var watch: Audience
    /// Who may approve probes that require approval.
    public var approve: Audience
    /// Who may read the audit log and the incidents of every channel.
    public var audit: Audience
    /// Who of other Slack teams (Slack Connect) may use Vigil at all; `"*"` means every external person.
    public var otherTeams: Audience

    /// Whether any permission names a user group (then Vigil needs the `usergroups:read` scope).
    public var namesUserGroups: Bool {
        [ack, resolve, silence, rerun, watch, approve, audit, otherTeams].contains { !$0.userGroupIDs.isEmpty }
    }

    /// Creates permissions; every argument defaults to the documented default.
    ///
    /// - Parameters:
    ///   - ack: Who may acknowledge (default everyone).
    ///   - resolve: Who may resolve (default everyone).
    ///   - silence: Who may silence (default everyone).
    ///   - rerun: Who may re-run investigations (default everyone).
    ///   - watch: Who may change watched channels (default nobody).
    ///   - approve: Who may approve probes (default nobody).
    ///   - audit: Who may read the audit log and every channel's incidents (default nobody).
    ///   - otherTeams: Who of other teams may use Vigil (default nobody).
    public init(
        ack: Audience = .everyone,
        resolve: Audience = .everyone,
        silence: Audience = .everyone,
        rerun: Audience = .everyone,
        watch: Audience = .nobody,
        approve: Audience = .nobody,
        audit: Audience = .nobody,
        otherTeams: Audience = .nobody
    ) {
        self.ack = ack
        self.resolve = resolve
        self.silence = silence
        self.rerun = rerun
        self.watch = watch
        self.approve = approve
        self.audit = audit
        self.otherTeams = otherTeams
    }

    /// An action that needs permission.
    public enum Action: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Acknowledging an incident.
        case ack
        /// Resolving an incident by hand.
        case resolve
        /// Creating or removing silences.
        case silence
        /// Running an incident's investigation again.
        case rerun
        /// Adding or removing watched channels (`/vigil watch`, `unwatch`).
        case watch
        /// Approving or denying a probe that requires approval.
        case approve
        /// Reading the audit log (`/vigil audit`); people named here also read every channel's incidents.
        case audit

        /// What the action does, for refusals ("You're not allowed to *acknowledge incidents*…").
        public var description: String {
            switch self {
            case .ack: "acknowledge incidents"
            case .resolve: "resolve incidents"
            case .silence: "silence alerts"
            case .rerun: "re-run investigations"
            case .watch: "change which channels Vigil watches"
            case .approve: "approve probes"
            case .audit: "read the audit log"
            }
        }
    }

    /// The audience of `action`.
    public subscript(action: Action) -> Audience {
        switch action {
        case .ack: ack
        case .resolve: resolve
        case .silence: silence
        case .rerun: rerun
        case .watch: watch
        case .approve: approve
        case .audit: audit
        }
    }
}
