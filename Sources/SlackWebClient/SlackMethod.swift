/// A Web API method Vigil calls, with the rate-limit tier Slack documents for it and how its body is sent.
///
/// | tier | Slack's allowance | Vigil's budget (burst, sustained) |
/// |---|---|---|
/// | 1 | 1+ per minute | 3, 6/min |
/// | 2 | 20+ per minute | 5, 20/min |
/// | 3 | 50+ per minute | 10, 50/min |
/// | 4 | 100+ per minute | 20, 100/min |
/// | special (`chat.postMessage`) | about 1 per second per channel, "several hundred per minute" per workspace | 1, 1/s per channel; 30, 300/min per workspace |
///
/// Read methods are sent form-encoded (Slack does not accept JSON bodies for all of them); writes as JSON.
public struct SlackMethod: Sendable, Hashable, CustomStringConvertible {
    /// Slack's rate-limit tiers.
    public enum Tier: Sendable, Hashable {
        case tier1, tier2, tier3, tier4
        /// `chat.postMessage`: limited per channel.
        case postMessage
    }

    /// How the arguments travel.
    public enum Encoding: Sendable, Hashable {
        case json
        case form
    }

    /// The method's name, as in the URL (`chat.postMessage`).
    public let name: String
    /// Slack's rate-limit tier for it.
    public let tier: Tier
    /// How its arguments travel.
    public let encoding: Encoding
    /// Whether repeating the call after an ambiguous failure could change something twice (post a message twice).
    public let isIdempotent: Bool
    /// The bot-token scopes the call needs for the conversations Vigil uses it on: public channels (`channels:*`)
    /// and private ones (`groups:*`) for channel methods, direct messages (`im:*`) for `conversations.open`. Empty
    /// when Slack requires none (`auth.test`, `chat.getPermalink`, `views.*`) or the call uses the app-level token
    /// (`apps.connections.open`, which needs `connections:write` on that token).
    public let scopes: [String]

    /// The methods Vigil's code calls on every installation (the worker, `vigil check`; all with the bot token but
    /// `apps.connections.open`): their ``scopes`` are the method part of ``SlackAppScopes/required``. ``usergroupsUsersList`` is left out because it
    /// is only called when permissions name user groups (``SlackAppScopes/userGroups``). A method defined here but
    /// not listed is not called, so its scope is not requested; a unit test fails when this list and the calls in
    /// `Sources/` disagree.
    ///
    /// | method | called by |
    /// |---|---|
    /// | `auth.test` | start, reconnect health check, `vigil check` |
    /// | `apps.connections.open` | every Socket Mode connection (app-level token) |
    /// | `chat.postMessage`, `chat.update`, `chat.postEphemeral` | investigations, replies, approvals, slash commands |
    /// | `reactions.add` | marking handled alerts |
    /// | `conversations.history` | catch-up after a reconnect or restart |
    /// | `conversations.join` | `/vigil watch`, and posting to a public channel Vigil is not in |
    /// | `conversations.open` | approval requests sent as direct messages |
    /// | `conversations.info` | `vigil check`: is the bot a member of every alert channel; is an incident's channel private |
    /// | `conversations.members` | who is in a private alert channel (channel-scoped permissions, cached briefly) |
    public static let calledByVigil: [SlackMethod] = [
        .authTest, .appsConnectionsOpen, .chatPostMessage, .chatUpdate, .chatPostEphemeral, .reactionsAdd,
        .conversationsHistory, .conversationsReplies, .conversationsJoin, .conversationsOpen, .conversationsInfo,
        .conversationsMembers,
    ]

    public var description: String { name }

    public static let authTest = SlackMethod(name: "auth.test", tier: .tier4, encoding: .form, isIdempotent: true, scopes: [])
    public static let appsConnectionsOpen = SlackMethod(name: "apps.connections.open", tier: .tier1, encoding: .form, isIdempotent: true, scopes: [])
    public static let chatPostMessage = SlackMethod(name: "chat.postMessage", tier: .postMessage, encoding: .json, isIdempotent: false, scopes: ["chat:write"])
    public static let chatUpdate = SlackMethod(name: "chat.update", tier: .tier3, encoding: .json, isIdempotent: true, scopes: ["chat:write"])
    public static let chatPostEphemeral = SlackMethod(name: "chat.postEphemeral", tier: .tier4, encoding: .json, isIdempotent: false, scopes: ["chat:write"])
    public static let chatGetPermalink = SlackMethod(name: "chat.getPermalink", tier: .tier4, encoding: .form, isIdempotent: true, scopes: [])
    public static let reactionsAdd = SlackMethod(name: "reactions.add", tier: .tier3, encoding: .json, isIdempotent: true, scopes: ["reactions:write"])
    public static let reactionsRemove = SlackMethod(name: "reactions.remove", tier: .tier2, encoding: .json, isIdempotent: true, scopes: ["reactions:write"])
    public static let conversationsInfo = SlackMethod(name: "conversations.info", tier: .tier3, encoding: .form, isIdempotent: true, scopes: ["channels:read", "groups:read"])
    public static let conversationsMembers = SlackMethod(name: "conversations.members", tier: .tier4, encoding: .form, isIdempotent: true, scopes: ["channels:read", "groups:read"])
    public static let conversationsHistory = SlackMethod(name: "conversations.history", tier: .tier3, encoding: .form, isIdempotent: true, scopes: ["channels:history", "groups:history"])
    public static let conversationsReplies = SlackMethod(name: "conversations.replies", tier: .tier3, encoding: .form, isIdempotent: true, scopes: ["channels:history", "groups:history"])
    public static let conversationsJoin = SlackMethod(name: "conversations.join", tier: .tier3, encoding: .json, isIdempotent: true, scopes: ["channels:join"])
    public static let conversationsOpen = SlackMethod(name: "conversations.open", tier: .tier3, encoding: .json, isIdempotent: true, scopes: ["im:write"])
    public static let usersInfo = SlackMethod(name: "users.info", tier: .tier4, encoding: .form, isIdempotent: true, scopes: ["users:read"])
    public static let usergroupsUsersList = SlackMethod(name: "usergroups.users.list", tier: .tier2, encoding: .form, isIdempotent: true, scopes: ["usergroups:read"])
    public static let viewsOpen = SlackMethod(name: "views.open", tier: .tier4, encoding: .json, isIdempotent: false, scopes: [])
    public static let viewsPublish = SlackMethod(name: "views.publish", tier: .tier4, encoding: .json, isIdempotent: true, scopes: [])
}
