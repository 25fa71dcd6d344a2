import Vigil

/// One Slack workspace Vigil works in (an item of the YAML list `workspaces`).
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `name` | text `[a-z0-9_-]`, ≤ 32 | `default` when there is one workspace; required otherwise | label in logs and metrics; prefix of the default credential names |
/// | `app_token_credential` | credential name | `slack-app-token` (first workspace), `<name>-slack-app-token` (others) | systemd credential holding the app-level token |
/// | `bot_token_credential` | credential name | `slack-bot-token` (first workspace), `<name>-slack-bot-token` (others) | systemd credential holding the bot token |
/// | `app_token_file` | absolute path | none | file holding the app-level token, used when the credential is absent |
/// | `bot_token_file` | absolute path | none | file holding the bot token, used when the credential is absent |
/// | `api_url` | URL | `https://slack.com/api/` | Web API base URL (`SLACK_API_URL` overrides it for the first workspace) |
/// | `alert_channels` | list of channel IDs | `[]` | channels watched from the start (`VIGIL_ALERT_CHANNELS` adds to the first workspace's list) |
/// | `permissions` | section | see ``PermissionsConfiguration`` | who may ack, resolve, silence, watch, approve |
/// | `approvers` | list of user IDs | `[]` | people who receive approval requests by DM |
/// | `slash_command` | `/name` | `/vigil` | the slash command configured in the Slack app |
/// | `approvals.allow_self_approval` | boolean | `false` | whether the person whose action asked for an approval (a re-run) may approve it themselves |
///
/// Tokens are looked up in this order: `SLACK_APP_TOKEN`/`SLACK_BOT_TOKEN` (first workspace only), then
/// `$CREDENTIALS_DIRECTORY/<credential name>`, then the `…_token_file`. The keys `app_token` and `bot_token` are
/// refused: a token must not sit in a configuration file that is readable, copied and committed like one.
public struct WorkspaceConfiguration: Sendable, Hashable {
    /// The workspace's label.
    public var name: String
    /// The app-level token (`xapp-…`) for Socket Mode.
    public var appToken: SecretValue
    /// The bot token (`xoxb-…`) for the Web API.
    public var botToken: SecretValue
    /// Where ``appToken`` came from, for the startup log: `SLACK_APP_TOKEN`, `credential slack-app-token` or
    /// `workspaces[1].app_token_file`. Never the token itself.
    public var appTokenSource: String
    /// Where ``botToken`` came from (see ``appTokenSource``).
    public var botTokenSource: String
    /// The Web API base URL, ending in `/`.
    public var apiURL: String
    /// Channel IDs watched from the start, without duplicates.
    public var alertChannels: [String]
    /// Who may do what.
    public var permissions: PermissionsConfiguration
    /// User IDs that receive approval requests.
    public var approvers: [String]
    /// The slash command, with its leading `/`.
    public var slashCommand: String
    /// Whether the person whose action asked for an approval may approve it themselves (default `false`).
    public var allowSelfApproval: Bool

    /// The default Web API base URL.
    public static let defaultAPIURL = "https://slack.com/api/"

    /// The default slash command.
    public static let defaultSlashCommand = "/vigil"

    /// Creates a workspace configuration.
    ///
    /// - Parameters:
    ///   - name: The label.
    ///   - appToken: The app-level token.
    ///   - botToken: The bot token.
    ///   - appTokenSource: Where the app-level token came from.
    ///   - botTokenSource: Where the bot token came from.
    ///   - apiURL: The Web API base URL (default `https://slack.com/api/`).
    ///   - alertChannels: Watched channel IDs (default none).
    ///   - permissions: Permissions (default ``PermissionsConfiguration/init(ack:resolve:silence:watch:approve:)``).
    ///   - approvers: Approval recipients (default none).
    ///   - slashCommand: The slash command (default `/vigil`).
    ///   - allowSelfApproval: Whether requesters may approve their own requests (default `false`).
    public init(
        name: String,
        appToken: SecretValue,
        botToken: SecretValue,
        appTokenSource: String = "",
        botTokenSource: String = "",
        apiURL: String = WorkspaceConfiguration.defaultAPIURL,
        alertChannels: [String] = [],
        permissions: PermissionsConfiguration = PermissionsConfiguration(),
        approvers: [String] = [],
        slashCommand: String = WorkspaceConfiguration.defaultSlashCommand,
        allowSelfApproval: Bool = false
    ) {
        self.name = name
        self.appToken = appToken
        self.botToken = botToken
        self.appTokenSource = appTokenSource
        self.botTokenSource = botTokenSource
        self.apiURL = apiURL
        self.alertChannels = alertChannels
        self.permissions = permissions
        self.approvers = approvers
        self.slashCommand = slashCommand
        self.allowSelfApproval = allowSelfApproval
    }

    /// The default credential name of a token: `slack-app-token` for the first workspace, `<name>-slack-app-token`
    /// for the others (and likewise `…-bot-token`).
    ///
    /// - Parameters:
    ///   - kind: `app` or `bot`.
    ///   - index: The workspace's position in the list.
    ///   - name: The workspace's name.
    /// - Returns: The credential name.
    public static func defaultCredentialName(kind: TokenKind, index: Int, name: String) -> String {
        index == 0 ? "slack-\(kind.rawValue)-token" : "\(name)-slack-\(kind.rawValue)-token"
    }

    /// The two Slack tokens a workspace needs.
    public enum TokenKind: String, Sendable, CaseIterable {
        /// The app-level token, `xapp-…`.
        case app
        /// The bot token, `xoxb-…`.
        case bot

        /// The prefix every token of this kind starts with.
        public var prefix: String { self == .app ? "xapp-" : "xoxb-" }
    }
}
