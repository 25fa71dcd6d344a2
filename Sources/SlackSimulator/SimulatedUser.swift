/// A person (or bot) in the simulated workspace, answered by `users.info`.
public struct SimulatedUser: Sendable, Hashable, CustomStringConvertible {
    /// The user id, for example `U0SIMALICE`.
    public var id: String
    /// The handle.
    public var name: String
    /// The full name.
    public var realName: String
    /// Whether the user is a bot.
    public var isBot: Bool
    /// The IANA time zone, for example `Europe/Berlin`.
    public var timeZone: String
    /// The person's own team when it is not the simulated workspace's (a Slack Connect guest); `nil` for members.
    /// Their messages and clicks then carry this team (`team`, `user_team`, `user.team_id`).
    public var teamID: String?

    /// Creates a user.
    public init(
        id: String, name: String, realName: String, isBot: Bool = false, timeZone: String = "Europe/Berlin",
        teamID: String? = nil
    ) {
        self.teamID = teamID
        self.id = id
        self.name = name
        self.realName = realName
        self.isBot = isBot
        self.timeZone = timeZone
    }

    /// The default people: `alice` (`U0SIMALICE`) and `bob` (`U0SIMBOB`).
    public static let defaults: [SimulatedUser] = [
        SimulatedUser(id: "U0SIMALICE", name: "alice", realName: "Alice Oncall"),
        SimulatedUser(id: "U0SIMBOB", name: "bob", realName: "Bob Builder", timeZone: "America/New_York"),
    ]

    public var description: String { "@\(self.name)(\(self.id))" }
}
