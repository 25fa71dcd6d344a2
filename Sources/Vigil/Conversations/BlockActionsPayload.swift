import VigilBase

/// The fields of a `block_actions` interaction (an `interactive` envelope's `payload`) that Vigil reads.
/// Lenient like ``SlashCommandPayload``: only the first action is used (Slack sends one per click).
struct BlockActionsPayload: Sendable, Hashable, Decodable {
    /// The envelope around it.
    struct Envelope: Decodable {
        /// The interaction.
        var payload: BlockActionsPayload
    }

    /// `block_actions` (other interaction types are not handled).
    var type: String
    /// Who clicked.
    var userID: String
    /// The clicker's own team (`user.team_id`); differs from the workspace's for Slack Connect guests.
    var userTeam: String?
    /// The clicked button's `action_id`.
    var actionID: String
    /// The clicked button's `value`.
    var value: String
    /// The channel of the message holding the button (`container.channel_id`, else `channel.id`).
    var channelID: String
    /// The `ts` of the message holding the button.
    var messageTS: String
    /// The thread the message is in, when it is a reply.
    var threadTS: String?
    /// The message's blocks as they are now.
    var messageBlocks: [JSONValue]
    /// For answering the click (ephemeral replies, replacing the message).
    var responseURL: String?

    private enum CodingKeys: String, CodingKey {
        case type, user, actions, container, channel, message
        case responseURL = "response_url"
    }

    /// Decodes leniently.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func object(_ key: CodingKeys) -> JSONValue? {
            (try? container.decodeIfPresent(JSONValue.self, forKey: key)) ?? nil
        }
        type = ((try? container.decodeIfPresent(String.self, forKey: .type)) ?? nil) ?? ""
        userID = object(.user)?["id"]?.stringValue ?? ""
        userTeam = object(.user)?["team_id"]?.stringValue
        let action = object(.actions)?.arrayValue?.first
        actionID = action?["action_id"]?.stringValue ?? ""
        value = action?["value"]?.stringValue ?? ""
        let holder = object(.container)
        let message = object(.message)
        channelID = holder?["channel_id"]?.stringValue ?? object(.channel)?["id"]?.stringValue ?? ""
        messageTS = holder?["message_ts"]?.stringValue ?? message?["ts"]?.stringValue ?? ""
        threadTS = message?["thread_ts"]?.stringValue ?? holder?["thread_ts"]?.stringValue
        messageBlocks = message?["blocks"]?.arrayValue ?? []
        responseURL = ((try? container.decodeIfPresent(String.self, forKey: .responseURL)) ?? nil)
    }
}
