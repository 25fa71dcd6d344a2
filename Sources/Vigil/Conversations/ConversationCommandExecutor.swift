import Foundation
import Logging
import AlertInvestigation
import VigilBase
import VigilStorage

/// Runs one parsed ``ConversationCommand`` for a mention, a DM or `/vigil` and returns the answer; the handlers
/// (``MessageHandler``, ``SlashCommandHandler``) deliver it.
///
/// Commands about an incident find it by id or from the thread, check that the people reading the answer may see
/// its channel, and hand actions (ack, resolve, silence, re-run) to the shared ``IncidentActions`` and decisions to
/// the ``ApprovalService``. Workspace commands (status, silences, audit, watched channels) are in
/// `ConversationCommandExecutor+WorkspaceCommands.swift`; questions about an incident in ``IncidentAnswers``.
///
/// It calls down only: the store, the Web API (joining a watched channel), ``IncidentActions``, the approvals and
/// the alert monitor's public API (facts, watched-channel reloads). Its one piece of state is the settings, replaced
/// by ``apply(_:)`` on a configuration reload.
actor ConversationCommandExecutor {
    /// The workspace, its store and Web API client, the logger and the clock.
    let context: ConversationContext
    /// Watched-channel reloads.
    let alertMonitor: AlertChannelMonitor
    /// Pending approvals (shown in status answers) and decisions by command.
    let approvals: ApprovalService
    /// Permissions and channel scope.
    let policy: AccessPolicy
    /// Acknowledge, resolve, silence, re-run, audit.
    let actions: IncidentActions
    /// History, related alerts and free-text questions about one incident.
    let answers: IncidentAnswers
    /// The daemon's part of `/vigil status`.
    let statusProvider: StatusProvider?
    /// The slash command's name, the workspace URL and time budgets (replaced by ``apply(_:)``).
    private(set) var settings: ConversationSettings

    /// Creates the command executor of one workspace.
    ///
    /// - Parameters:
    ///   - context: The workspace, its store and Web API client, the logger and the clock.
    ///   - alertMonitor: For facts about incidents and reloading watched channels.
    ///   - approvals: Pending approvals and decisions by command.
    ///   - policy: Permissions and channel scope (shared with the approvals and the actions).
    ///   - actions: The incident actions shared with the buttons.
    ///   - settings: Slash command name, workspace URL, budgets.
    ///   - status: Fills the daemon part of `/vigil status`; `nil` reports only what the store knows.
    init(
        context: ConversationContext,
        alertMonitor: AlertChannelMonitor,
        approvals: ApprovalService,
        policy: AccessPolicy,
        actions: IncidentActions,
        settings: ConversationSettings,
        status: StatusProvider?
    ) {
        self.context = context
        self.alertMonitor = alertMonitor
        self.approvals = approvals
        self.policy = policy
        self.actions = actions
        self.answers = IncidentAnswers(context: context, alertMonitor: alertMonitor, policy: policy)
        self.settings = settings
        self.statusProvider = status
    }

    /// Applies new settings (a configuration reload); the workspace URL from `auth.test` is kept when the new
    /// settings have none.
    /// - Returns: The settings now in force, for the other parts of the workspace.
    func apply(_ newSettings: ConversationSettings) -> ConversationSettings {
        var newSettings = newSettings
        if newSettings.workspaceURL == nil { newSettings.workspaceURL = settings.workspaceURL }
        settings = newSettings
        return newSettings
    }

    // MARK: - Commands

    /// Runs one command for a mention, a DM or the slash command, and returns the answer.
    /// - Parameters:
    ///   - command: The parsed command.
    ///   - origin: Who asked, where, and who reads the answer.
    /// - Throws: What the store or the Web API throws; the handlers log it (mentions, DMs) or apologise (`/vigil`).
    func execute(_ command: ConversationCommand, origin: CommandOrigin) async throws -> ConversationReply {
        switch command {
        case .help:
            switch origin.place {
            case .alertThread: return ConversationReply(ConversationText.threadHelp())
            case .slash: return ConversationReply(ConversationText.slashHelp(settings.slashCommand))
            case .channel, .direct:
                return ConversationReply(ConversationText.directHelp(slashCommand: settings.slashCommand))
            }
        case .status(let id):
            if case .slash = origin.place { return try await statusReport(for: origin.source) }
            return try await onIncident(id, origin, example: "status 42") { try await self.incidentStatus($0) }
        case .alerts(let channel):
            return try await openIncidents(in: channel?.id, viewer: origin.viewer)
        case .history(let id):
            return try await onIncident(id, origin, example: "history 42") { try await self.answers.history(of: $0) }
        case .historyByName(let name):
            guard let incident = try await incident(named: name),
                await policy.visibleIncidents([incident], to: origin.viewer).incidents.isEmpty == false
            else {
                return ConversationReply(
                    "I have no incident named `\(SlackText.escaped(name, limit: 150))` on record (names are matched exactly, "
                        + "without case). `alerts` lists what is open; in an alert's thread, mention me with `history`."
                )
            }
            return try await answers.history(of: incident)
        case .related(let id):
            let workspaceURL = settings.workspaceURL
            return try await onIncident(id, origin, example: "related 42") {
                try await self.answers.related(to: $0, viewer: origin.viewer, workspaceURL: workspaceURL)
            }
        case .rerun(let id):
            return try await onIncident(id, origin, example: "rerun 42", action: .rerun) {
                try await self.actions.rerun(incidentID: $0.id, source: origin.source).reply
            }
        case .acknowledge(let id):
            return try await onIncident(id, origin, example: "ack 42", action: .ack) {
                try await self.actions.acknowledge(incidentID: $0.id, source: origin.source).reply
            }
        case .resolve(let id):
            return try await onIncident(id, origin, example: "resolve 42", action: .resolve) {
                try await self.actions.resolve(incidentID: $0.id, source: origin.source).reply
            }
        case .silenceIncident(let id, let duration):
            return try await onIncident(id, origin, example: "silence 42 2h", action: .silence) {
                try await self.actions.silence(incidentID: $0.id, for: duration, source: origin.source).reply
            }
        case .unsilenceIncident(let id):
            return try await onIncident(id, origin, example: "unsilence 42", action: .silence) {
                try await self.actions.unsilence(incidentID: $0.id, source: origin.source).reply
            }
        case .silencePattern(let pattern, let duration, let reason):
            return try await silencePattern(pattern, for: duration, reason: reason, source: origin.source)
        case .listSilences:
            return try await listSilences(viewer: origin.viewer)
        case .audit(let limit):
            return try await auditLog(limit: limit, source: origin.source)
        case .removeSilence(let id):
            return try await removeSilence(id: id, source: origin.source)
        case .watch(let channel):
            return try await watch(channel, source: origin.source)
        case .unwatch(let channel):
            return try await unwatch(channel, source: origin.source)
        case .listChannels:
            return try await listChannels()
        case .decide(let intent, let requestID):
            let place: ApprovalService.CommandPlace =
                if case .direct(let threadTS) = origin.place {
                    .direct(threadTS: threadTS)
                } else if let incident = origin.incident {
                    .incidentThread(incident.id)
                } else {
                    .elsewhere
                }
            return try await approvals.decideByCommand(intent, requestID: requestID, source: origin.source, place: place)
        case .question(let text):
            switch origin.place {
            case .alertThread(let incident):
                return try await answers.answerQuestion(
                    text, about: incident, viewer: origin.viewer, workspaceURL: settings.workspaceURL)
            case .channel, .direct, .slash: return try await notUnderstood(text, origin: origin)
            }
        case .unknown(let word):
            return ConversationReply(
                "I don't know `\(SlackText.escaped(word, limit: 60))`.\n\n"
                    + ConversationText.slashHelp(settings.slashCommand)
            )
        case .usage(let text):
            return ConversationReply(text)
        }
    }

    /// Runs `body` on the incident a command is about: the one named by id, else the thread's; answers "no such
    /// incident" or "which incident?" otherwise. An incident named by id must be in a channel whose readers get the
    /// answer (``AccessPolicy/scopeRefusal(_:for:source:)``; actions check their own permission too).
    private func onIncident(
        _ id: Int64?,
        _ origin: CommandOrigin,
        example: String,
        action: ConversationSettings.Permissions.Action? = nil,
        _ body: (Incident) async throws -> ConversationReply
    ) async throws -> ConversationReply {
        if let id {
            guard let incident = try await context.incidents.incident(id: id) else {
                return ConversationReply("I have no incident `\(id)` in this workspace.")
            }
            if let refusal = await policy.scopeRefusal(incident, for: action, source: origin.source) { return refusal }
            if case .channelReaders = origin.viewer,
                await policy.visibleIncidents([incident], to: origin.viewer).incidents.isEmpty
            {
                return .refusal(
                    "Incident `\(incident.id)` belongs to a private channel, so I won't answer about it here where "
                        + "others read along. Ask me in a direct message or in its own thread."
                )
            }
            return try await body(incident)
        }
        guard let incident = origin.incident else { return try await whichIncident(example: example, origin: origin) }
        return try await body(incident)
    }

    /// "Which incident?" with the open ones the asker can see listed.
    private func whichIncident(example: String, origin: CommandOrigin) async throws -> ConversationReply {
        ConversationReply(
            "Which incident? Add its id, e.g. `\(example)` (ids are in each investigation's footer).\n\n"
                + (try await openIncidentsList(for: origin)))
    }

    /// A DM or channel message that is no command: help and the open incidents the asker can see.
    private func notUnderstood(_ text: String, origin: CommandOrigin) async throws -> ConversationReply {
        let intro: String
        if case .channel = origin.place {
            intro = "Here's where things stand. "
        } else {
            intro = text.isEmpty ? "Hi! " : "I'm not sure what you mean. "
        }
        return ConversationReply(
            intro + (try await openIncidentsList(for: origin))
                + "\n\n" + ConversationText.directHelp(slashCommand: settings.slashCommand)
        )
    }

    /// The open incidents `origin`'s viewer can see (at most 10), with a note on those whose channel could not be
    /// checked.
    private func openIncidentsList(for origin: CommandOrigin) async throws -> String {
        let (open, unchecked) = await policy.visibleIncidents(
            try await context.store.openIncidents(workspace: context.workspace, channel: nil), to: origin.viewer)
        return ConversationText.incidentList(
            open, title: "Open incidents", now: context.now(), workspaceURL: settings.workspaceURL, limit: 10
        ) + AccessPolicy.uncheckedNote(unchecked)
    }

    // MARK: - Read-only answers

    /// The open incidents `viewer` can see, optionally of one channel.
    private func openIncidents(in channel: String?, viewer: Viewer) async throws -> ConversationReply {
        let (open, unchecked) = await policy.visibleIncidents(
            try await context.store.openIncidents(workspace: context.workspace, channel: channel), to: viewer)
        let title = channel.map { "Open incidents in <#\($0)>" } ?? "Open incidents"
        return ConversationReply(
            ConversationText.incidentList(open, title: title, now: context.now(), workspaceURL: settings.workspaceURL)
                + AccessPolicy.uncheckedNote(unchecked)
        )
    }

    /// Where one incident stands.
    private func incidentStatus(_ incident: Incident) async throws -> ConversationReply {
        let silences = try await context.store.activeSilences(workspace: context.workspace, at: context.now())
            .filter { $0.matcher == .identity(incident.identity) }
        let pending = await approvals.pendingApprovals.filter { $0.incidentID == incident.id }
        return ConversationReply(
            ConversationText.incidentStatus(
                incident,
                silences: silences,
                pendingApprovals: pending,
                now: context.now(),
                workspaceURL: settings.workspaceURL
            )
        )
    }

    /// The incident called `name` (without case): the active one, else the one seen last.
    private func incident(named name: String) async throws -> Incident? {
        try await context.store.latestIncident(workspace: context.workspace, named: name.trimmed())
    }
}
