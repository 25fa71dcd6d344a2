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

    public let name: String
    public let tier: Tier
    public let encoding: Encoding
    /// Whether repeating the call after an ambiguous failure could change something twice (post a message twice).
    public let isIdempotent: Bool

    public var description: String { name }

    public static let authTest = SlackMethod(name: "auth.test", tier: .tier4, encoding: .form, isIdempotent: true)
    public static let appsConnectionsOpen = SlackMethod(name: "apps.connections.open", tier: .tier1, encoding: .form, isIdempotent: true)
    public static let chatPostMessage = SlackMethod(name: "chat.postMessage", tier: .postMessage, encoding: .json, isIdempotent: false)
    public static let chatUpdate = SlackMethod(name: "chat.update", tier: .tier3, encoding: .json, isIdempotent: true)
    public static let chatPostEphemeral = SlackMethod(name: "chat.postEphemeral", tier: .tier4, encoding: .json, isIdempotent: false)
    public static let chatGetPermalink = SlackMethod(name: "chat.getPermalink", tier: .tier4, encoding: .form, isIdempotent: true)
    public static let reactionsAdd = SlackMethod(name: "reactions.add", tier: .tier3, encoding: .json, isIdempotent: true)
    public static let reactionsRemove = SlackMethod(name: "reactions.remove", tier: .tier2, encoding: .json, isIdempotent: true)
    public static let conversationsInfo = SlackMethod(name: "conversations.info", tier: .tier3, encoding: .form, isIdempotent: true)
    public static let conversationsHistory = SlackMethod(name: "conversations.history", tier: .tier3, encoding: .form, isIdempotent: true)
    public static let conversationsReplies = SlackMethod(name: "conversations.replies", tier: .tier3, encoding: .form, isIdempotent: true)
    public static let conversationsJoin = SlackMethod(name: "conversations.join", tier: .tier3, encoding: .json, isIdempotent: true)
    public static let conversationsOpen = SlackMethod(name: "conversations.open", tier: .tier3, encoding: .json, isIdempotent: true)
    public static let usersInfo = SlackMethod(name: "users.info", tier: .tier4, encoding: .form, isIdempotent: true)
    public static let usergroupsUsersList = SlackMethod(name: "usergroups.users.list", tier: .tier2, encoding: .form, isIdempotent: true)
    public static let viewsOpen = SlackMethod(name: "views.open", tier: .tier4, encoding: .json, isIdempotent: false)
    public static let viewsPublish = SlackMethod(name: "views.publish", tier: .tier4, encoding: .json, isIdempotent: true)
}
