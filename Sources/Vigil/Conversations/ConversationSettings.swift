/// How the conversation layer behaves in one workspace: the slash command's name, who may do what, who is asked to
/// approve probes, and a few time budgets.
///
/// Every value has a default, so `ConversationSettings()` is a working configuration in which everyone may
/// acknowledge, resolve, silence and re-run, nobody may change the watched channels, and nobody may approve probes.
public struct ConversationSettings: Sendable, Hashable {
    /// Who may use each action. Entries are everyone (`"*"`), user ids (`U…`/`W…`) and user-group ids (`S…`,
    /// resolved through the ``UserGroupResolver`` given to ``ApprovalService``); see ``Audience``.
    public typealias Permissions = PermissionsConfiguration

    /// The slash command as configured in the Slack app (default `/vigil`); used in help texts.
    public var slashCommand: String
    /// Who may do what.
    public var permissions: Permissions
    /// User ids (`U…`/`W…`) who receive approval requests by direct message. Being listed here does not let anyone
    /// decide: only ``Permissions/approve`` (user groups included) does, for buttons, commands and text alike.
    public var approvers: [String]
    /// How long an approval request stays open (default 30 minutes).
    public var approvalTimeout: Duration
    /// A slash command's reply goes into the ack when it is ready within this budget (default 2 s, below the Socket
    /// Mode dispatcher's 2.5 s deadline); a slower reply is sent through the command's `response_url` instead.
    public var slashReplyBudget: Duration
    /// How long user-group memberships are cached (default 5 minutes); `usergroups.users.list` is rate limited.
    public var userGroupCacheTTL: Duration
    /// The longest silence a person can set (default 7 days, `limits.max_silence`).
    public var maximumSilence: Duration
    /// Characters other than `*` and `?` a silence pattern needs (default 4, `limits.silence_pattern_min_literals`).
    public var silencePatternMinLiterals: Int
    /// Whether the person whose action asked for an approval may approve it (default `false`,
    /// `approvals.allow_self_approval`).
    public var allowSelfApproval: Bool
    /// How long a channel's privacy and members are cached for channel-scoped permissions (default 60 s).
    public var channelAccessCacheTTL: Duration
    /// `https://<workspace>.slack.com` for thread links, from `auth.test`; `nil` uses `https://slack.com` links.
    public var workspaceURL: String?

    /// Creates settings; every argument defaults to the documented default.
    ///
    /// - Parameters:
    ///   - slashCommand: The slash command's name.
    ///   - permissions: Who may do what.
    ///   - approvers: Who is asked to approve probes.
    ///   - approvalTimeout: When approval requests expire.
    ///   - slashReplyBudget: How long a slash command reply may take to go into the ack.
    ///   - userGroupCacheTTL: How long user-group memberships are cached.
    ///   - maximumSilence: The longest silence.
    ///   - silencePatternMinLiterals: Literal characters a silence pattern needs.
    ///   - allowSelfApproval: Whether requesters may approve their own requests.
    ///   - channelAccessCacheTTL: How long channel members are cached.
    ///   - workspaceURL: The workspace URL for links.
    public init(
        slashCommand: String = "/vigil",
        permissions: Permissions = Permissions(),
        approvers: [String] = [],
        approvalTimeout: Duration = .seconds(30 * 60),
        slashReplyBudget: Duration = .seconds(2),
        userGroupCacheTTL: Duration = .seconds(5 * 60),
        maximumSilence: Duration = .seconds(7 * 86_400),
        silencePatternMinLiterals: Int = 4,
        allowSelfApproval: Bool = false,
        channelAccessCacheTTL: Duration = .seconds(60),
        workspaceURL: String? = nil
    ) {
        self.slashCommand = slashCommand
        self.permissions = permissions
        self.approvers = approvers
        self.approvalTimeout = approvalTimeout
        self.slashReplyBudget = slashReplyBudget
        self.userGroupCacheTTL = userGroupCacheTTL
        self.maximumSilence = maximumSilence
        self.silencePatternMinLiterals = silencePatternMinLiterals
        self.allowSelfApproval = allowSelfApproval
        self.channelAccessCacheTTL = channelAccessCacheTTL
        self.workspaceURL = workspaceURL
    }
}
