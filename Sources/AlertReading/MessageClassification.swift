/// What a Slack message event means for Vigil, as decided by ``MessageClassifier``.
public enum MessageClassification: Sendable, Hashable, CustomStringConvertible {
    /// How an existing alert's thread received a state change.
    public enum StateChangeKind: Sendable, Hashable {
        /// A bot posted a reply in the alert's thread (Zabbix updates, PagerDuty status lines, Grafana images).
        case threadReply
        /// A bot post was edited (`message_changed`: Alertmanager `update_message`, Zabbix recovery, Sentry actions).
        case edit
    }

    /// Why a message was ignored.
    public enum IgnoreReason: Sendable, Hashable, CustomStringConvertible {
        /// The event is neither `message` nor `app_mention`.
        case unsupportedEventType(String?)
        /// A subtype Vigil has no use for (`channel_join`, `message_replied`, `channel_topic`…).
        case subtype(String)
        /// A hidden event with no subtype Vigil handles (for example `message_replied` delivered without its subtype).
        case hidden
        /// A person edited a message (or Slack changed one of theirs, e.g. a link unfurl): not an alert change.
        case humanEdit
        /// The event lacks the timestamp or nested message its kind requires.
        case malformed(String)

        /// A short explanation for logs.
        public var description: String {
            switch self {
            case .unsupportedEventType(let type): "unsupported event type \(type ?? "<none>")"
            case .subtype(let subtype): "subtype \(subtype) is not routed"
            case .hidden: "hidden event without a routed subtype (e.g. message_replied)"
            case .humanEdit: "edit of a message not written by a bot"
            case .malformed(let what): "malformed event: \(what)"
            }
        }
    }

    /// A bot post at the root of a thread in a watched channel: parse it as a (possibly new) alert.
    case newAlertPost
    /// A bot's thread reply or an edited bot post in a watched channel: a state change of the alert whose thread
    /// root is `rootTS`, never a new alert.
    case alertStateChange(rootTS: String, kind: StateChangeKind)
    /// A message in a watched channel was deleted; `ts` is the deleted message's ts.
    case deletion(ts: String)
    /// A person wrote in a watched channel, a direct message, or mentioned Vigil; `threadRootTS` is set for replies.
    case humanMessage(threadRootTS: String?)
    /// Vigil's own post, edit or deletion: always ignored, so Vigil never reacts to itself.
    case ownMessage
    /// A bot post, edit or deletion, or a person's plain channel message, in a channel Vigil does not watch.
    case notWatched
    /// Nothing to do, for the reason given.
    case ignored(IgnoreReason)

    /// Which rule produced this classification, for logs.
    public var description: String {
        switch self {
        case .newAlertPost: "new alert post (bot thread root in a watched channel)"
        case .alertStateChange(let rootTS, .threadReply): "alert state change: bot reply in thread \(rootTS)"
        case .alertStateChange(let rootTS, .edit): "alert state change: edit of bot post in thread \(rootTS)"
        case .deletion(let ts): "deletion of \(ts)"
        case .humanMessage(nil): "human message"
        case .humanMessage(.some(let root)): "human reply in thread \(root)"
        case .ownMessage: "Vigil's own message"
        case .notWatched: "channel not watched"
        case .ignored(let reason): "ignored: \(reason)"
        }
    }
}
