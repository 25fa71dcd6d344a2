/// The bot-token scopes Vigil's Slack app needs, derived from what the code uses: the scopes of the Web API methods
/// it calls (``SlackMethod/calledByVigil``), of the events it subscribes to (``botEvents``) and of its slash
/// command. `vigil check` asks for exactly ``required`` (plus ``userGroups`` when permissions name user groups),
/// and a unit test keeps `deploy/slack-app-manifest.yaml` equal to ``required`` + ``userGroups``, so adding a call
/// to a method with a new scope changes both.
public enum SlackAppScopes {
    /// The Events API subscriptions (`settings.event_subscriptions.bot_events` in the manifest), each with the scope
    /// Slack requires for it: mentions, messages in public and private alert channels, and direct messages.
    public static let botEvents: [String: String] = [
        "app_mention": "app_mentions:read",
        "message.channels": "channels:history",
        "message.groups": "groups:history",
        "message.im": "im:history",
    ]

    /// The scope of the `/vigil` slash command.
    public static let slashCommands = "commands"

    /// Needed as well when permissions name user groups (`usergroups.users.list`).
    public static let userGroups = "usergroups:read"

    /// Every scope needed on every installation, sorted.
    public static let required: [String] = Set(
        SlackMethod.calledByVigil.flatMap(\.scopes) + botEvents.values + [slashCommands]
    ).sorted()
}
