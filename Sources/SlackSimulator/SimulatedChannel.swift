/// A conversation in the simulated workspace.
public struct SimulatedChannel: Sendable, Hashable, CustomStringConvertible {
    /// The conversation id, for example `C0SIMALERTS` (`C…` public, `G…`/`C…` private, `D…` direct message).
    public var id: String
    /// The name without `#`.
    public var name: String
    /// Whether the conversation is private. The bot cannot see private conversations it is not a member of
    /// (`channel_not_found`), and cannot `conversations.join` them.
    public var isPrivate: Bool
    /// Whether the bot user is a member. Posting to a public non-member channel answers `not_in_channel` until
    /// `conversations.join`; message events are only delivered for member channels.
    public var botIsMember: Bool
    /// Whether the conversation is archived (`is_archived` on writes).
    public var isArchived: Bool
    /// For a direct message: the person on the other side (what `conversations.open` looks up).
    public var user: String?
    /// The people in the channel besides the bot (what `conversations.members` answers, with the bot added when it
    /// is a member).
    public var members: [String]

    /// Creates a conversation.
    /// - Parameters:
    ///   - id: The conversation id.
    ///   - name: The name without `#`.
    ///   - isPrivate: Whether it is private. Default `false`.
    ///   - botIsMember: Whether the bot is a member. Default `true`.
    ///   - isArchived: Whether it is archived. Default `false`.
    ///   - user: For a direct message (`D…`), the person on the other side. Default `nil`.
    ///   - members: The people in it besides the bot. Default none.
    public init(
        id: String,
        name: String,
        isPrivate: Bool = false,
        botIsMember: Bool = true,
        isArchived: Bool = false,
        user: String? = nil,
        members: [String] = []
    ) {
        self.id = id
        self.name = name
        self.isPrivate = isPrivate
        self.botIsMember = botIsMember
        self.isArchived = isArchived
        self.user = user
        self.members = members
    }

    /// Whether this is a direct-message conversation (`D…`).
    public var isIM: Bool { self.id.hasPrefix("D") }

    /// The `channel_type` Slack puts on message events: `channel`, `group` or `im`.
    public var channelType: String { self.isIM ? "im" : (self.isPrivate ? "group" : "channel") }

    /// The default workspace: `#alerts` (`C0SIMALERTS`, member), `#ops` (`C0SIMOPS`, member), `#random`
    /// (`C0SIMRANDOM`, public, not a member) and `#secret` (`G0SIMSECRET`, private, not a member).
    public static let defaults: [SimulatedChannel] = [
        SimulatedChannel(id: "C0SIMALERTS", name: "alerts"),
        SimulatedChannel(id: "C0SIMOPS", name: "ops"),
        SimulatedChannel(id: "C0SIMRANDOM", name: "random", botIsMember: false),
        SimulatedChannel(id: "G0SIMSECRET", name: "secret", isPrivate: true, botIsMember: false),
    ]

    public var description: String { "#\(self.name)(\(self.id))" }
}
