import Foundation
import Logging
import AlertReading
import VigilBase
import VigilStorage

/// People talking to Vigil in one workspace: the router hands each kind of event to its handler.
///
/// * ``MessageHandler``: mentions (in an alert's thread and elsewhere) and direct messages.
/// * ``SlashCommandHandler``: `/vigil …`, answered ephemerally in the ack or through `response_url`.
/// * ``ButtonHandler``: Acknowledge, Resolve, Silence 1h, Re-run, Approve and Deny.
///
/// The message and slash-command handlers run commands in one ``ConversationCommandExecutor``; every handler shares
/// the ``IncidentActions`` (ack, resolve, silence, re-run), the ``AccessPolicy`` (permissions and channel scope) and
/// the workspace's ``ApprovalService``. Data flows one way — handler → executor → store, Web API, incident actions,
/// approvals, the alert monitor's public API — and nothing calls back up (details in docs/architecture.md).
///
/// A value: it holds the handlers and passes new settings down on a configuration reload (``apply(_:)``). Time
/// comes from the injected `now` only; nothing here sleeps.
public struct ConversationHandlers: ConversationHandling {
    /// Mentions and direct messages.
    let messages: MessageHandler
    /// `/vigil`.
    let slashCommands: SlashCommandHandler
    /// Clicks on Vigil's buttons.
    let buttons: ButtonHandler
    /// Runs the commands of messages and `/vigil`; holds the settings they read.
    let executor: ConversationCommandExecutor
    /// Acknowledge, resolve, silence, re-run: shared by every handler.
    let actions: IncidentActions
    /// Permissions and channel scope (shared with ``approvals``).
    let policy: AccessPolicy
    /// Pending approvals; decisions are handed to it.
    let approvals: ApprovalService

    /// Creates the conversation handlers of one workspace.
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
        let policy = approvals.policy
        let context = ConversationContext(workspace: workspace, store: store, slack: slack, logger: logger, now: now)
        let actions = IncidentActions(context: context, alertMonitor: alertMonitor, policy: policy, settings: settings)
        let executor = ConversationCommandExecutor(
            context: context, alertMonitor: alertMonitor, approvals: approvals, policy: policy, actions: actions,
            settings: settings, status: status)
        self.messages = MessageHandler(
            context: context, policy: policy, approvals: approvals, executor: executor, own: own)
        self.slashCommands = SlashCommandHandler(context: context, policy: policy, approvals: approvals, executor: executor)
        self.buttons = ButtonHandler(context: context, policy: policy, actions: actions, approvals: approvals)
        self.executor = executor
        self.actions = actions
        self.policy = policy
        self.approvals = approvals
    }

    // MARK: - ConversationHandling

    /// Handles an `app_mention`, a `message` that mentions Vigil, or a person's message in a DM with Vigil
    /// (``MessageHandler``).
    public func handleMessage(_ message: SlackMessage, isMention: Bool) async {
        await messages.handle(message, isMention: isMention)
    }

    /// Handles a `slash_commands` envelope frame (``SlashCommandHandler``); returns the ephemeral answer for the ack
    /// when it is ready within ``ConversationSettings/slashReplyBudget``, else sends it through `response_url` and
    /// returns `nil`.
    public func handleSlashCommand(frame: [UInt8]) async -> JSONValue? {
        await slashCommands.handle(frame: frame)
    }

    /// Handles an `interactive` envelope frame (`block_actions` from Vigil's buttons, ``ButtonHandler``); answers go
    /// through `chat.update` and `chat.postEphemeral`, so the ack carries nothing.
    public func handleInteraction(frame: [UInt8]) async -> JSONValue? {
        await buttons.handle(frame: frame)
    }

    // MARK: - Configuration reload

    /// Applies new settings (a configuration reload): permissions, approvers, the slash command's name and time
    /// budgets count from the next message on. Requests already pending keep their expiry; cached user-group and
    /// channel members are dropped, so a changed group or channel is read again. The workspace URL from `auth.test`
    /// is kept when the new settings have none.
    /// - Parameter newSettings: The reloaded `conversations` settings of this workspace.
    public func apply(_ newSettings: ConversationSettings) async {
        let settings = await executor.apply(newSettings)
        await policy.apply(settings)
        await approvals.apply(settings)
        await actions.apply(settings)
    }
}
