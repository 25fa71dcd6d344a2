import VigilBase

/// Decides what a Slack `message` / `app_mention` event means for Vigil. Pure: no I/O, no state.
///
/// Rules, applied in this order (each with the reason it exists):
/// 1. **Only `message` and `app_mention` events** are routed; anything else is ``MessageClassification/ignored(_:)``.
/// 2. **Own messages are always ignored** — when the author (for edits the edited message, for deletions the deleted
///    one) has Vigil's `user_id` or `bot_id` from `auth.test`, or Vigil's app id, including in `bot_profile`.
///    Reason: Vigil's posts come back as events; reacting to them loops. `bot_id` is checked as well as `user`
///    because "message events can have bot_id while they do not have user_id" (bolt's self filter,
///    slack-protocol §3.3).
/// 3. **`message_deleted`** in a watched channel → ``MessageClassification/deletion(ts:)`` with `deleted_ts`.
/// 4. **`message_changed`** of a *bot* post in a watched channel →
///    ``MessageClassification/alertStateChange(rootTS:kind:)`` keyed by the edited message's thread anchor
///    (`message.thread_ts ?? message.ts`: the original post, not the event's own ts). Reason: Alertmanager `update_message`, Zabbix recoveries and Sentry actions arrive as edits;
///    skipping them loses resolutions, and treating them as new posts duplicates alerts (alert-formats §4.2, §4.6).
///    Edits of human messages (and Slack's link unfurls of them) are ignored.
/// 5. **Other subtypes** (`channel_join`, `message_replied`, `channel_topic`…) and **hidden** events are ignored;
///    `bot_message`, `thread_broadcast`, `file_share` and `me_message` are content and go on. A subtype-less event
///    with a nested `message` is a `message_replied` whose subtype Slack forgot (slack-protocol §3.5): ignored.
/// 6. **Bot posts** (subtype `bot_message` ∨ `bot_id` ∨ `bot_profile`, see ``SlackMessage/isBotAuthored``) in a
///    watched channel: a thread root (`thread_ts` absent or equal to `ts`) is a
///    ``MessageClassification/newAlertPost``; a reply is a state change of its root, **never a new alert**
///    (Zabbix updates, PagerDuty status lines and Grafana images are replies; alert-formats §5 #4).
///    Outside watched channels → ``MessageClassification/notWatched``.
/// 7. **Human messages**: in watched channels, in direct messages (`im`/`mpim`, channel `D…`) and in every
///    `app_mention` → ``MessageClassification/humanMessage(threadRootTS:)``; elsewhere
///    ``MessageClassification/notWatched``.
///    Reason: people talk to Vigil in alert threads, in DMs and by mentioning it anywhere.
///
/// A mention in a subscribed channel arrives twice (`app_mention` and `message`); both classify the same way, so the
/// caller must dedupe on (channel, ts).
public struct MessageClassifier: Sendable {
    /// Vigil's own identity in the workspace, from `auth.test` (and the app id from `apps.connections.open`).
    public struct OwnIdentity: Sendable, Hashable {
        /// Vigil's bot id (`B…`), `auth.test` `bot_id`.
        public var botID: String?
        /// Vigil's bot user id (`U…`), `auth.test` `user_id`.
        public var userID: String?
        /// Vigil's app id (`A…`), optional.
        public var appID: String?

        /// Creates an identity; pass what `auth.test` returned.
        public init(botID: String?, userID: String?, appID: String? = nil) {
            self.botID = botID
            self.userID = userID
            self.appID = appID
        }
    }

    /// Channel ids whose bot posts are treated as alerts.
    public var watchedChannels: Set<String>
    /// Vigil's own identity.
    public var own: OwnIdentity

    /// Subtypes whose messages carry content to route like a plain post.
    private static let contentSubtypes: Set<String> = ["bot_message", "thread_broadcast", "file_share", "me_message"]

    /// Creates a classifier.
    ///
    /// - Parameters:
    ///   - watchedChannels: channel ids where bot posts are alerts.
    ///   - own: Vigil's identity from `auth.test`.
    public init(watchedChannels: Set<String>, own: OwnIdentity) {
        self.watchedChannels = watchedChannels
        self.own = own
    }

    /// Classifies one event; see the type's documentation for the rules and their order.
    ///
    /// - Parameter message: the inner `event` of an Events API payload.
    /// - Returns: the classification; ``MessageClassification/description`` names the rule that applied.
    public func classify(_ message: SlackMessage) -> MessageClassification {
        // Rule 1: event type.
        guard message.type == "message" || message.type == "app_mention" else {
            return .ignored(.unsupportedEventType(message.type))
        }
        // Rule 2: own messages, whichever version carries the author.
        if isOwn(message) || isOwn(message.message)
            || (message.subtype == "message_deleted" && isOwn(message.previousMessage))
        {
            return .ownMessage
        }
        let watched = message.channel.map { watchedChannels.contains($0) } ?? false

        switch message.subtype {
        case "message_deleted":
            // Rule 3.
            guard watched else { return .notWatched }
            guard let deleted = nonEmpty(message.deletedTS) ?? nonEmpty(message.previousMessage?.ts) else {
                return .ignored(.malformed("message_deleted without deleted_ts"))
            }
            return .deletion(ts: deleted)
        case "message_changed":
            // Rule 4.
            guard let edited = message.message else { return .ignored(.malformed("message_changed without message")) }
            guard edited.isBotAuthored || (message.previousMessage?.isBotAuthored ?? false) else {
                return .ignored(.humanEdit)
            }
            guard watched else { return .notWatched }
            guard let root = nonEmpty(edited.threadAnchorTS) else {
                return .ignored(.malformed("message_changed without message.ts"))
            }
            return .alertStateChange(rootTS: root, kind: .edit)
        case .some(let subtype) where !subtype.isEmpty && !Self.contentSubtypes.contains(subtype):
            // Rule 5.
            return .ignored(.subtype(subtype))
        default:
            break
        }
        // Rule 5, continued: hidden events and message_replied delivered without its subtype.
        if message.hidden || (message.message != nil && message.subtype == nil) {
            return .ignored(.hidden)
        }

        if message.isBotAuthored {
            // Rule 6.
            guard watched else { return .notWatched }
            guard let ts = nonEmpty(message.ts) else { return .ignored(.malformed("bot post without ts")) }
            if message.isThreadRoot { return .newAlertPost }
            return .alertStateChange(rootTS: message.threadTS ?? ts, kind: .threadReply)
        }

        // Rule 7.
        let isDirect =
            message.channelType == "im" || message.channelType == "mpim"
            || (message.channel?.hasPrefix("D") ?? false)
        guard watched || isDirect || message.type == "app_mention" else { return .notWatched }
        return .humanMessage(threadRootTS: message.isThreadRoot ? nil : message.threadTS)
    }

    /// `true` when Vigil wrote `message` (user id, bot id or app id match, directly or in `bot_profile`).
    private func isOwn(_ message: SlackMessage?) -> Bool {
        guard let message else { return false }
        if let user = nonEmpty(message.user), user == own.userID { return true }
        if let bot = nonEmpty(message.botID) ?? nonEmpty(message.botProfile?.id), bot == own.botID { return true }
        if let ownApp = nonEmpty(own.appID),
            nonEmpty(message.appID) == ownApp || nonEmpty(message.botProfile?.appID) == ownApp
        {
            return true
        }
        return false
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
