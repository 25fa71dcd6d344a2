import VigilBase

/// A legacy message attachment, the layout most monitoring tools still post (Alertmanager, Grafana, Zabbix,
/// CloudWatch via notify-slack, Uptime Kuma's rich mode).
///
/// Decoding is lenient like ``SlackMessage``: unknown keys are ignored, wrong-typed fields become `nil`/empty, and
/// `ts` may be a number. `color` is kept as sent: `good`, `warning`, `danger`, or hex with or without `#` (Slack may
/// return named colours as hex when a message is read back).
public struct SlackAttachment: Sendable, Hashable, Decodable {
    /// One entry of `fields`: a short title/value pair.
    public struct Field: Sendable, Hashable, Decodable {
        /// The field's label (for example `Host`, `Current State`).
        public var title: String?
        /// The field's value, in mrkdwn.
        public var value: String?
        /// Whether Slack shows it side by side with the next field.
        public var short: Bool?

        /// Creates a field.
        public init(title: String? = nil, value: String? = nil, short: Bool? = nil) {
            self.title = title
            self.value = value
            self.short = short
        }

        /// Decodes a field object leniently.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: SlackKey.self)
            title = container.lenientString("title")
            value = container.lenientString("value")
            short = container.lenientBool("short")
        }
    }

    /// Attachment index within the message, as Slack assigns it.
    public var id: Int?
    /// Colour bar: `good`, `warning`, `danger` or a hex colour.
    public var color: String?
    /// Bold title line.
    public var title: String?
    /// Link of the title.
    public var titleLink: String?
    /// Main text, in mrkdwn when listed in ``mrkdwnIn``.
    public var text: String?
    /// Line shown above the attachment.
    public var pretext: String?
    /// Plain-text summary used by notifications.
    public var fallback: String?
    /// Small footer line.
    public var footer: String?
    /// Author line (used by some tools for the service name).
    public var authorName: String?
    /// Attachment timestamp (epoch seconds, as text).
    public var ts: String?
    /// Key/value fields.
    public var fields: [Field]
    /// Block Kit blocks inside the attachment (Uptime Kuma's rich mode), kept as raw JSON.
    public var blocks: [JSONValue]
    /// Legacy buttons (`actions`), kept as raw JSON.
    public var actions: [JSONValue]
    /// Which parts Slack renders as mrkdwn.
    public var mrkdwnIn: [String]
    /// `true` when Slack added this attachment as an unfurl of a shared message link, not the author.
    public var isMessageUnfurl: Bool

    /// Creates an attachment.
    public init(
        id: Int? = nil,
        color: String? = nil,
        title: String? = nil,
        titleLink: String? = nil,
        text: String? = nil,
        pretext: String? = nil,
        fallback: String? = nil,
        footer: String? = nil,
        authorName: String? = nil,
        ts: String? = nil,
        fields: [Field] = [],
        blocks: [JSONValue] = [],
        actions: [JSONValue] = [],
        mrkdwnIn: [String] = [],
        isMessageUnfurl: Bool = false
    ) {
        self.id = id
        self.color = color
        self.title = title
        self.titleLink = titleLink
        self.text = text
        self.pretext = pretext
        self.fallback = fallback
        self.footer = footer
        self.authorName = authorName
        self.ts = ts
        self.fields = fields
        self.blocks = blocks
        self.actions = actions
        self.mrkdwnIn = mrkdwnIn
        self.isMessageUnfurl = isMessageUnfurl
    }

    /// Decodes an attachment object leniently.
    ///
    /// - Throws: `DecodingError` only when the value is not a JSON object (``SlackMessage`` then skips it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: SlackKey.self)
        id = container.lenientInt("id")
        color = container.lenientString("color")
        title = container.lenientString("title")
        titleLink = container.lenientString("title_link")
        text = container.lenientString("text")
        pretext = container.lenientString("pretext")
        fallback = container.lenientString("fallback")
        footer = container.lenientString("footer")
        authorName = container.lenientString("author_name")
        ts = container.lenientString("ts")
        fields = container.lenientArray("fields")
        blocks = container.lenientArray("blocks")
        actions = container.lenientArray("actions")
        mrkdwnIn = container.lenientStringArray("mrkdwn_in")
        isMessageUnfurl = container.lenientBool("is_msg_unfurl") ?? false
    }
}
