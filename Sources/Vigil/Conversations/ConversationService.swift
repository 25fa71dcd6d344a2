import Foundation
import Logging
import AlertInvestigation
import AlertReading
import VigilBase
import VigilStorage

/// People talking to Vigil in one workspace: mentions in alert threads and elsewhere, direct messages, the slash
/// command, the investigation buttons, and approvals of probes that need a person's yes.
///
/// What it does with each (details in docs/architecture.md):
/// * **Mentions** (`app_mention`): in an alert's thread, commands about that incident (`status`, `history`,
///   `related`, `rerun`, `ack`, `resolve`, `silence 2h`, `unsilence`, `approve`/`deny`) or a free-text question
///   answered from what Vigil knows, saying plainly what it does not know. Elsewhere, the open incidents and help.
///   A post arriving both as `message` and `app_mention` is answered once (the store's `mention` gate).
/// * **Direct messages**: the same commands naming an incident id (`ack 42`), plus `alerts`; replies to approval
///   requests in plain words ("yes, go ahead", "don't") read by ``ApprovalIntentDetector`` — only in the thread of
///   the request's DM or naming its id.
/// * **Slash command**: `help`, `status`, `alerts`, `watch`/`unwatch`/`channels`, `silence`/`silences`/`unsilence`,
///   `history`, `audit`; answers are ephemeral and go into the ack when ready within
///   ``ConversationSettings/slashReplyBudget``, else through `response_url`. Unknown subcommands get help.
/// * **Buttons**: Acknowledge, Resolve, Silence 1h, Re-run; the investigation message is updated to show who did
///   what and when, and every action is audited.
/// * **Approvals**: decisions (buttons, `approve 17`, replies in a request's DM thread) are handed to the
///   workspace's ``ApprovalService``, which asks for approvals as investigations are posted.
///
/// Permissions are checked for every action (``ConversationSettings/Permissions``), and so is the incident's channel:
/// acting on or reading an incident needs being able to see its channel, lists show only such incidents, and people
/// of other teams need `permissions.other_teams` (``AccessPolicy``, shared with the approvals). Refusals say what
/// is missing and are shown only to the person who asked wherever Slack allows it. Every change goes to the audit log with how
/// it arrived (button, text, command).
///
/// Time comes from the injected `now` only; nothing here sleeps.
public actor ConversationService: ConversationHandling {
    /// The team id.
    let workspace: String
    /// Incidents, silences, channels, audit log, dedupe gates.
    let store: any VigilStore
    /// The workspace's Web API client.
    let slack: any SlackMessaging
    /// Re-runs, watched-channel reloads and facts.
    let alertMonitor: AlertChannelMonitor
    /// Check results of investigations and approved runs (the monitor's cache, read here).
    let probeResults: ProbeResultCache
    /// Pending approvals; decisions are handed to it.
    let approvals: ApprovalService
    /// Permissions and channel scope (shared with ``approvals``).
    let policy: AccessPolicy
    /// Finds incidents and their alerts.
    let incidents: IncidentLookup
    /// Acknowledge, resolve, silence, re-run: shared by mentions, DMs, `/vigil` and buttons.
    let actions: IncidentActions
    /// Clicks on Vigil's buttons.
    let buttons: ButtonHandler
    /// Vigil's own ids from `auth.test`.
    let own: MessageClassifier.OwnIdentity
    /// Permissions, approvers, budgets (replaced by ``apply(_:)`` on a configuration reload).
    var settings: ConversationSettings
    /// The daemon's part of `/vigil status`.
    let statusProvider: StatusProvider?
    /// Decisions and failures.
    let logger: Logger
    /// The wall clock.
    let now: @Sendable () -> Date

    /// Creates the conversation layer of one workspace.
    ///
    /// - Parameters:
    ///   - workspace: The team id; every stored row and audit entry carries it.
    ///   - store: Incidents, silences, watched channels, the audit log and the `mention` dedupe gate.
    ///   - slack: The workspace's Web API client.
    ///   - alertMonitor: For re-running investigations, reloading watched channels and gathering facts; its
    ///     ``AlertChannelMonitor/probeResults`` are read for answers and message updates.
    ///   - approvals: The workspace's approvals: decisions are handed to it, and its ``AccessPolicy`` (user groups,
    ///     channel members) is shared.
    ///   - own: Vigil's ids from `auth.test`: its mention is stripped from commands and its own posts ignored.
    ///   - settings: Slash command name, permissions, approvers, time budgets.
    ///   - status: Fills the daemon part of `/vigil status`; `nil` reports only what the store knows.
    ///   - logger: For decisions and failures; never message contents beyond commands' names.
    ///   - now: The wall clock (injected so tests control expiry and budgets).
    public init(
        workspace: String,
        store: any VigilStore,
        slack: any SlackMessaging,
        alertMonitor: AlertChannelMonitor,
        approvals: ApprovalService,
        own: MessageClassifier.OwnIdentity,
        settings: ConversationSettings = ConversationSettings(),
        status: StatusProvider? = nil,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.workspace = workspace
        self.store = store
        self.slack = slack
        self.alertMonitor = alertMonitor
        self.probeResults = alertMonitor.probeResults
        self.approvals = approvals
        self.policy = approvals.policy
        self.incidents = IncidentLookup(workspace: workspace, store: store)
        self.actions = IncidentActions(
            workspace: workspace, store: store, slack: slack, alertMonitor: alertMonitor, policy: approvals.policy,
            settings: settings, logger: logger, now: now)
        self.buttons = ButtonHandler(
            slack: slack, policy: approvals.policy, actions: actions, approvals: approvals, logger: logger, now: now)
        self.own = own
        self.settings = settings
        self.statusProvider = status
        self.logger = logger
        self.now = now
    }

    // MARK: - ConversationHandling

    /// Handles an `app_mention`, a `message` that mentions Vigil, or a person's message in a DM with Vigil.
    public func handleMessage(_ message: SlackMessage, isMention: Bool) async {
        await approvals.expireApprovals(now: now())
        guard let channel = message.channel, let ts = message.ts, let user = message.user, !user.isEmpty,
            message.botID == nil, user != own.userID, !message.hidden,
            Self.conversationSubtypes.contains(message.subtype)
        else { return }
        let isDirect = message.channelType == "im" || (message.channelType == nil && channel.hasPrefix("D"))
        if isDirect { await approvals.learnDirectChannel(user: user, channel: channel) }
        let text = message.text ?? ""
        guard isDirect || isMention || mentionsVigil(text) else { return }
        do {
            guard
                try await store.markMessageHandled(
                    workspace: workspace,
                    channel: channel,
                    ts: ts,
                    purpose: isDirect ? .command : .mention,
                    at: now()
                )
            else {
                logger.debug(
                    "message already answered",
                    metadata: ["slack.channel": "\(channel)", "slack.ts": "\(ts)"]
                )
                return
            }
            let command = strippingLeadingMention(text)
            if isDirect {
                try await handleDirectMessage(
                    command, user: user, team: message.userTeam, channel: channel, threadTS: message.threadTS)
            } else {
                try await handleMention(
                    command, user: user, team: message.userTeam, channel: channel, ts: ts, threadTS: message.threadTS)
            }
        } catch {
            logger.error(
                "answering a message failed: \(error)",
                metadata: [
                    "slack.channel": "\(channel)", "slack.ts": "\(ts)", "slack.user": "\(user)",
                ]
            )
        }
    }

    /// Handles a `slash_commands` envelope frame; returns the ephemeral answer for the ack when it is ready within
    /// ``ConversationSettings/slashReplyBudget``, else sends it through `response_url` and returns `nil`.
    public func handleSlashCommand(frame: [UInt8]) async -> JSONValue? {
        let started = now()
        await approvals.expireApprovals(now: started)
        let payload: SlashCommandPayload
        do {
            payload = try JSONDecoder().decode(SlashCommandPayload.Envelope.self, from: Data(frame)).payload
        } catch {
            logger.warning("slash command envelope without a readable payload; acked without an answer")
            return nil
        }
        let reply = await answerSlashCommand(payload)
        let elapsed = HumanFormat.between(started, now())
        if elapsed <= settings.slashReplyBudget || payload.responseURL.isEmpty { return reply.ephemeralPayload }
        do {
            try await slack.respond(responseURL: payload.responseURL, payload: reply.ephemeralPayload)
        } catch {
            logger.warning(
                "could not answer a slow slash command through its response_url: \(error)",
                metadata: [
                    "slack.user": "\(payload.userID)", "slack.channel": "\(payload.channelID)",
                ]
            )
        }
        return nil
    }

    /// Handles an `interactive` envelope frame (`block_actions` from Vigil's buttons); answers go through
    /// `chat.update` and `chat.postEphemeral`, so the ack carries nothing.
    public func handleInteraction(frame: [UInt8]) async -> JSONValue? {
        await buttons.handle(frame: frame)
    }

    // MARK: - Other public API

    /// Applies new settings (a configuration reload): permissions, approvers, the slash command's name and time
    /// budgets count from the next message on. Requests already pending keep their expiry; cached user-group and
    /// channel members are dropped, so a changed group or channel is read again. The workspace URL from `auth.test` is kept when the
    /// new settings have none.
    public func apply(_ newSettings: ConversationSettings) async {
        var newSettings = newSettings
        if newSettings.workspaceURL == nil { newSettings.workspaceURL = settings.workspaceURL }
        settings = newSettings
        await policy.apply(newSettings)
        await approvals.apply(newSettings)
        await actions.apply(newSettings)
    }

    // MARK: - Helpers

    /// Subtypes whose messages a person typed (plain messages have none).
    static let conversationSubtypes: Set<String?> = [nil, "thread_broadcast", "file_share", "me_message"]

    /// Whether `text` mentions Vigil's bot user.
    func mentionsVigil(_ text: String) -> Bool {
        guard let userID = own.userID else { return false }
        return text.contains("<@\(userID)>") || text.contains("<@\(userID)|")
    }

    /// `text` without the leading mentions of Vigil (`<@U…>` or `<@U…|name>`) and the punctuation after them.
    func strippingLeadingMention(_ text: String) -> String {
        var rest = Substring(text.trimmed())
        while rest.hasPrefix("<@"), let close = rest.firstIndex(of: ">") {
            let id = rest[rest.index(rest.startIndex, offsetBy: 2)..<close].split(separator: "|").first.map(String.init)
            guard own.userID == nil || id == own.userID else { break }
            rest = rest[rest.index(after: close)...]
            rest = rest.drop { $0.isWhitespace || $0 == ":" || $0 == "," }
        }
        return String(rest).trimmed()
    }

    /// The alert of an incident: the stored root post, else one rebuilt from the incident's fields.
    func alert(of incident: Incident) async throws -> Alert {
        try await incidents.alert(of: incident)
    }

    /// The incident with `id` in this workspace.
    func incident(id: Int64) async throws -> Incident? {
        try await incidents.incident(id: id)
    }
}
