extension SlackSimulator {
    /// How a ``SlackSimulator`` behaves. Every member has a default that mimics Slack; change only what a test needs.
    ///
    /// | member | type | default |
    /// |---|---|---|
    /// | ``tls`` | ``TLS``? | `nil` (plain `http://` and `ws://`) |
    /// | ``botTokenPrefix`` / ``appTokenPrefix`` | `String` | `xoxb-test-` / `xapp-test-` |
    /// | ``additionalBotTokens`` / ``additionalAppTokens`` | `Set<String>` | empty |
    /// | ``revokedTokens`` | `Set<String>` | empty (answer `token_revoked`) |
    /// | ``teamID``, ``teamName``, ``teamDomain`` | `String` | `T0SIMTEAM`, `Vigil Simulated`, `vigil-sim` |
    /// | ``botUserID``, ``botUserName``, ``botID``, ``appID`` | `String` | `U0SIMBOT`, `vigil`, `B0SIMBOT`, `A0SIMAPP` |
    /// | ``grantedScopes`` | `String` | the scopes Vigil needs, comma-separated (header `x-oauth-scopes`) |
    /// | ``ackTimeout`` | `Duration` | 3 s |
    /// | ``maxRetries`` | `Int` | 3 |
    /// | ``helloNumConnectionsReporting`` | `Int?` | `nil` (report the real number of open connections) |
    /// | ``channelPostRateLimit`` | ``ChannelPostRateLimit``? | 1 post/s/channel, burst 1 (`nil` turns it off) |
    /// | ``postMessageDelay`` | `Duration?` | `nil` |
    /// | ``maximumPageSize`` | `Int?` | `nil` (pages as large as `limit` asks, up to 999) |
    /// | ``channels`` | [``SimulatedChannel``] | ``SimulatedChannel/defaults`` |
    /// | ``users`` | [``SimulatedUser``] | ``SimulatedUser/defaults`` |
    /// | ``userGroups`` | `[String: [String]]` | empty |
    /// | ``pingInterval`` | `Duration?` | `nil` (the simulator sends no pings of its own) |
    /// | ``disconnectGracePeriod`` | `Duration` | 10 s |
    /// | ``keepTCPOpenAfterClientClose`` | `Bool` | `false` |
    /// | ``echoBotPostsAsEvents`` | `Bool` | `false` |
    /// | ``triggerIDLifetime`` | `Duration` | 3 s |
    /// | ``maxWebSocketFrameSize`` | `Int` | 1 MiB |
    /// | ``eventLoopThreads`` | `Int` | 1 |
    public struct Configuration: Sendable {
        /// Paths of the PEM files for serving `https://` and `wss://`.
        public struct TLS: Sendable, Hashable {
            /// The server certificate chain (leaf first), PEM.
            public var certificateChainPEMPath: String
            /// The server private key, PEM.
            public var privateKeyPEMPath: String

            /// Creates a TLS configuration from two PEM files (see ``TestCertificateAuthority``).
            public init(certificateChainPEMPath: String, privateKeyPEMPath: String) {
                self.certificateChainPEMPath = certificateChainPEMPath
                self.privateKeyPEMPath = privateKeyPEMPath
            }
        }

        /// Serve TLS (`https://…/api/`, `wss://…/link/`) when set.
        public var tls: TLS?
        /// Bot tokens starting with this prefix are accepted.
        public var botTokenPrefix: String = "xoxb-test-"
        /// App-level tokens starting with this prefix are accepted.
        public var appTokenPrefix: String = "xapp-test-"
        /// Further accepted bot tokens (they must start with `xoxb-`).
        public var additionalBotTokens: Set<String> = []
        /// Further accepted app tokens (they must start with `xapp-`).
        public var additionalAppTokens: Set<String> = []
        /// Tokens answered with `token_revoked`. Any other unknown token gets `invalid_auth`.
        public var revokedTokens: Set<String> = []

        /// The workspace id returned by `auth.test` and put in payloads.
        public var teamID: String = "T0SIMTEAM"
        /// The workspace name.
        public var teamName: String = "Vigil Simulated"
        /// The workspace domain (used in `url` and permalinks: `https://<domain>.slack.com/`).
        public var teamDomain: String = "vigil-sim"
        /// The bot's user id (`auth.test` `user_id`, `user` of its posts).
        public var botUserID: String = "U0SIMBOT"
        /// The bot's user name (`auth.test` `user`).
        public var botUserName: String = "vigil"
        /// The bot id (`auth.test` `bot_id`, `bot_id` of its posts).
        public var botID: String = "B0SIMBOT"
        /// The app id (`app_id` in the Socket Mode URL and in `hello`).
        public var appID: String = "A0SIMAPP"
        /// Scopes returned in `x-oauth-scopes` for bot-token calls.
        public var grantedScopes: String =
            "app_mentions:read,channels:history,channels:join,channels:read,chat:write,commands,groups:history,"
            + "groups:read,im:history,im:write,reactions:write,usergroups:read"

        /// How long an `events_api` envelope may stay unacked before Slack re-sends the event.
        public var ackTimeout: Duration = .seconds(3)
        /// How many times an event is re-sent (retry_attempt 1…maxRetries) before it is abandoned.
        public var maxRetries: Int = 3
        /// If set, every `hello` reports this `num_connections` instead of the real count (ghost registrations).
        public var helloNumConnectionsReporting: Int?

        /// The per-channel `chat.postMessage` rule; `nil` turns it off.
        public var channelPostRateLimit: ChannelPostRateLimit? = .slackDefault
        /// If set, every `chat.postMessage` is stored on arrival and answered after this delay.
        public var postMessageDelay: Duration?
        /// If set, one page of `conversations.history` or `conversations.replies` holds at most this many messages
        /// whatever `limit` asks for (Slack may return fewer than `limit` even when more follow); the rest is behind
        /// `response_metadata.next_cursor`.
        public var maximumPageSize: Int?
        /// The conversations of the workspace.
        public var channels: [SimulatedChannel] = SimulatedChannel.defaults
        /// The people of the workspace (the bot user is added automatically).
        public var users: [SimulatedUser] = SimulatedUser.defaults
        /// User groups (`S…` id → member user ids), answered by `usergroups.users.list`.
        public var userGroups: [String: [String]] = [:]

        /// If set, the simulator pings every live connection at this interval (payload `Ping from applink-sim-1`).
        public var pingInterval: Duration?
        /// After a `disconnect` frame, how long the simulator keeps the socket open before closing it itself.
        public var disconnectGracePeriod: Duration = .seconds(10)
        /// If `true`, the simulator answers a client close frame but does not close TCP (as Slack sometimes does),
        /// leaving the client to drop the connection.
        public var keepTCPOpenAfterClientClose: Bool = false
        /// If `true`, every successful `chat.postMessage` is echoed to the client as a `message` event from the bot
        /// itself (as Slack does for apps subscribed to `message.channels`).
        public var echoBotPostsAsEvents: Bool = false
        /// How long a `trigger_id` is accepted by `views.open`.
        public var triggerIDLifetime: Duration = .seconds(3)
        /// The largest WebSocket message accepted from the client.
        public var maxWebSocketFrameSize: Int = 1 << 20
        /// SwiftNIO event loop threads used by the server.
        public var eventLoopThreads: Int = 1

        /// A configuration with every default.
        public init() {}

        /// Whether `token` is an accepted bot token.
        func isBotToken(_ token: String) -> Bool {
            token.hasPrefix("xoxb-")
                && (token.hasPrefix(self.botTokenPrefix) || self.additionalBotTokens.contains(token))
        }

        /// Whether `token` is an accepted app-level token.
        func isAppToken(_ token: String) -> Bool {
            token.hasPrefix("xapp-")
                && (token.hasPrefix(self.appTokenPrefix) || self.additionalAppTokens.contains(token))
        }
    }
}
