import VigilBase

/// The fields of a Slack `message` or `app_mention` event (the inner `event` of an Events API payload) that Vigil
/// reads to route messages and parse alerts.
///
/// Decoding is lenient by design, because Slack adds fields at any time and monitoring tools post odd shapes:
/// * unknown keys are ignored;
/// * an optional field of the wrong type becomes `nil` (or empty) instead of failing the whole message;
/// * `ts`-like fields accept numbers as well as strings (`1725998545` → `"1725998545"`);
/// * `attachments` skips elements that are not objects (for example placeholder strings).
///
/// Only a payload that is not a JSON object at all fails to decode.
///
/// For `message_changed`, ``message`` holds the new version (its `ts` is the original post's ts) and
/// ``previousMessage`` the old one; for `message_deleted`, ``deletedTS`` names the removed post.
public struct SlackMessage: Sendable, Hashable, Decodable {
    /// The author of a bot or app post, as Slack describes it in `bot_profile`.
    public struct BotProfile: Sendable, Hashable, Decodable {
        /// The bot id (`B…`); equals the message's `bot_id`.
        public var id: String?
        /// The display name configured for the app (for example `Grafana`, `Zabbix`); a hint only.
        public var name: String?
        /// The app id (`A…`).
        public var appID: String?

        /// Creates a bot profile.
        public init(id: String? = nil, name: String? = nil, appID: String? = nil) {
            self.id = id
            self.name = name
            self.appID = appID
        }

        /// Decodes a `bot_profile` object leniently.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: SlackKey.self)
            id = container.lenientString("id")
            name = container.lenientString("name")
            appID = container.lenientString("app_id")
        }
    }

    /// The `edited` marker Slack adds when a person or app edits a message.
    public struct Edited: Sendable, Hashable, Decodable {
        /// Who edited the message (a user id, also for bot users).
        public var user: String?
        /// When it was edited.
        public var ts: String?

        /// Creates an edit marker.
        public init(user: String? = nil, ts: String? = nil) {
            self.user = user
            self.ts = ts
        }

        /// Decodes an `edited` object leniently.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: SlackKey.self)
            user = container.lenientString("user")
            ts = container.lenientString("ts")
        }
    }

    /// Event type: `message` or `app_mention` (nested messages usually say `message`).
    public var type: String?
    /// Message subtype: `nil` for plain and app posts, `bot_message`, `message_changed`, `message_deleted`,
    /// `channel_join`, `thread_broadcast`…
    public var subtype: String?
    /// `true` for events that are not shown as new messages (`message_changed`, `message_deleted`, `message_replied`).
    public var hidden: Bool
    /// Channel id (`C…`, `G…`, or `D…` for direct messages).
    public var channel: String?
    /// `channel`, `group`, `im` or `mpim`.
    public var channelType: String?
    /// The author's user id; bot-token posts carry the bot user here, `bot_message` posts have none.
    public var user: String?
    /// The bot id of a bot or app author.
    public var botID: String?
    /// The app id of an app author.
    public var appID: String?
    /// The app's bot profile, on posts made with a bot token.
    public var botProfile: BotProfile?
    /// The display name of a `bot_message` (webhook) post; a hint only, it can be anything.
    public var username: String?
    /// The message text in Slack mrkdwn; may be empty when the content is in attachments or blocks.
    public var text: String?
    /// The message timestamp, which is also its id within the channel.
    public var ts: String?
    /// The thread root's ts, on replies and on roots that have replies.
    public var threadTS: String?
    /// The author of the thread root, on replies.
    public var parentUserID: String?
    /// When the event happened (for `message_changed` this is the edit, not the original post).
    public var eventTS: String?
    /// Set when the message was edited.
    public var edited: Edited?
    /// Legacy attachments (most monitoring tools post these).
    public var attachments: [SlackAttachment]
    /// Block Kit blocks, kept as raw JSON.
    public var blocks: [JSONValue]
    /// For `message_deleted`: the ts of the removed message.
    public var deletedTS: String?
    /// The author's own team (`user_team`, else `team`): differs from the workspace's for people of other
    /// organisations in shared channels (Slack Connect).
    public var userTeam: String?

    /// Storage for the nested messages; an indirect box keeps `SlackMessage` a finite-size value type.
    private var nested: NestedMessages?

    /// For `message_changed` (and `message_replied`): the new version of the message.
    public var message: SlackMessage? {
        get { nested?.message }
        set { nested = NestedMessages(message: newValue, previousMessage: previousMessage) }
    }

    /// For `message_changed` and `message_deleted`: the version before the change.
    public var previousMessage: SlackMessage? {
        get { nested?.previousMessage }
        set { nested = NestedMessages(message: message, previousMessage: newValue) }
    }

    /// Creates a message; every field is optional so tests and simulators can build exactly the shape they need.
    public init(
        type: String? = "message",
        subtype: String? = nil,
        hidden: Bool = false,
        channel: String? = nil,
        channelType: String? = nil,
        user: String? = nil,
        botID: String? = nil,
        appID: String? = nil,
        botProfile: BotProfile? = nil,
        username: String? = nil,
        text: String? = nil,
        ts: String? = nil,
        threadTS: String? = nil,
        parentUserID: String? = nil,
        eventTS: String? = nil,
        edited: Edited? = nil,
        attachments: [SlackAttachment] = [],
        blocks: [JSONValue] = [],
        message: SlackMessage? = nil,
        previousMessage: SlackMessage? = nil,
        deletedTS: String? = nil,
        userTeam: String? = nil
    ) {
        self.type = type
        self.subtype = subtype
        self.hidden = hidden
        self.channel = channel
        self.channelType = channelType
        self.user = user
        self.botID = botID
        self.appID = appID
        self.botProfile = botProfile
        self.username = username
        self.text = text
        self.ts = ts
        self.threadTS = threadTS
        self.parentUserID = parentUserID
        self.eventTS = eventTS
        self.edited = edited
        self.attachments = attachments
        self.blocks = blocks
        self.deletedTS = deletedTS
        self.userTeam = userTeam
        self.nested = NestedMessages(message: message, previousMessage: previousMessage)
    }

    /// Decodes an event object leniently (see the type's documentation).
    ///
    /// - Throws: `DecodingError` only when the value is not a JSON object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: SlackKey.self)
        type = container.lenientString("type")
        subtype = container.lenientString("subtype")
        hidden = container.lenientBool("hidden") ?? false
        channel = container.lenientString("channel")
        channelType = container.lenientString("channel_type")
        user = container.lenientString("user")
        botID = container.lenientString("bot_id")
        appID = container.lenientString("app_id")
        botProfile = container.lenientObject("bot_profile")
        username = container.lenientString("username")
        text = container.lenientString("text")
        ts = container.lenientString("ts")
        threadTS = container.lenientString("thread_ts")
        parentUserID = container.lenientString("parent_user_id")
        eventTS = container.lenientString("event_ts")
        edited = container.lenientObject("edited")
        attachments = container.lenientArray("attachments")
        blocks = container.lenientArray("blocks")
        deletedTS = container.lenientString("deleted_ts")
        userTeam = container.lenientString("user_team") ?? container.lenientString("team")
        nested = NestedMessages(
            message: container.lenientObject("message"),
            previousMessage: container.lenientObject("previous_message")
        )
    }
}

extension SlackMessage {
    /// `true` when a bot or app wrote the message: subtype `bot_message`, or a non-empty `bot_id`, or a
    /// `bot_profile`.
    ///
    /// Why all three: incoming webhooks post `subtype: bot_message`, but bot-token posts (`chat.postMessage`; Zabbix,
    /// Sentry, Alertmanager with a bot token) carry `bot_id`/`bot_profile` and **no** subtype, and frameworks that look
    /// only at the subtype silently drop them (alert-formats §5 #5; slack-protocol §3.3).
    public var isBotAuthored: Bool {
        subtype == "bot_message" || botID.isPresent || botProfile != nil
    }

    /// `true` when the message is a thread root or a plain channel message: `thread_ts` absent or equal to `ts`.
    ///
    /// Why: a root that has replies carries `thread_ts == ts`; only `thread_ts != ts` marks a reply
    /// (alert-formats §4.1, akmatori commit ca3146d; PagerDuty roots look like replies otherwise).
    public var isThreadRoot: Bool {
        guard let threadTS, !threadTS.isEmpty else { return true }
        return threadTS == ts
    }

    /// The ts that anchors this message's thread: `thread_ts` when present, else its own `ts`.
    public var threadAnchorTS: String? {
        if let threadTS, !threadTS.isEmpty { return threadTS }
        return ts
    }

    /// The version of the message whose content counts: the new ``message`` of a `message_changed` event, the
    /// message itself otherwise.
    public var currentVersion: SlackMessage {
        if subtype == "message_changed", let message { return message }
        return self
    }
}

/// Holds the nested messages of `message_changed` / `message_deleted` behind an indirection.
private indirect enum NestedMessages: Sendable, Hashable {
    case pair(message: SlackMessage?, previousMessage: SlackMessage?)

    init?(message: SlackMessage?, previousMessage: SlackMessage?) {
        if message == nil, previousMessage == nil { return nil }
        self = .pair(message: message, previousMessage: previousMessage)
    }

    var message: SlackMessage? {
        switch self {
        case .pair(let message, _): message
        }
    }

    var previousMessage: SlackMessage? {
        switch self {
        case .pair(_, let previous): previous
        }
    }
}
