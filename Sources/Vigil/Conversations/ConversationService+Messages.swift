import AlertReading
import SlackWebClient
import VigilBase
import Foundation
import Logging
import AlertInvestigation
import VigilStorage

extension ConversationService {
    /// Where a message came from, for running its command and delivering the answer.
    struct MessageOrigin: Sendable {
        /// Where the message was posted.
        enum Place: Sendable {
            /// A mention in the thread of an alert Vigil knows.
            case alertThread(Incident)
            /// A mention anywhere else; answered in the message's thread.
            case channel(threadTS: String)
            /// A direct message; answered in the DM (in its thread when it was a thread reply).
            case direct(threadTS: String?)
            /// The slash command; answered ephemerally.
            case slash
        }

        /// Who wrote it.
        var user: String
        /// Their own team, when the event says (Slack Connect guests have another than the workspace's).
        var team: String? = nil
        /// The channel it was posted in.
        var channel: String
        /// What kind of place that is.
        var place: Place

        /// How actions it causes are audited.
        var via: AuditEntry.Via {
            if case .slash = place { return .command }
            return .text
        }

        /// The action source for this message's author. A DM's channel is Vigil's with them, never an alert
        /// channel, so only channel posts and slash commands vouch for seeing their channel.
        var source: ActionSource { ActionSource(user: user, via: via, team: team, channel: channel) }

        /// Who sees the answer: the thread's channel for replies in channels, else the person.
        var viewer: Viewer {
            switch place {
            case .alertThread(let incident): .channelReaders(incident.channel)
            case .channel: .channelReaders(channel)
            case .direct, .slash: .person(source)
            }
        }

        /// The alert thread's incident, if any.
        var incident: Incident? {
            if case .alertThread(let incident) = place { return incident }
            return nil
        }
    }

    // MARK: - Entry points

    /// Answers a mention: about the thread's incident in an alert thread, else with commands by id or a summary.
    func handleMention(
        _ text: String, user: String, team: String?, channel: String, ts: String, threadTS: String?
    ) async throws {
        if let root = threadTS,
            let incident = try await store.incident(workspace: workspace, channel: channel, rootTS: root)
        {
            let origin = MessageOrigin(user: user, team: team, channel: channel, place: .alertThread(incident))
            if let refusal = await policy.otherTeamRefusal(origin.source) {
                await deliver(refusal, to: origin)
                return
            }
            let command = ConversationCommandParser(context: .alertThread).parse(text)
            logger.debug(
                "mention in an alert thread",
                metadata: ["vigil.incident": "\(incident.id)", "slack.user": "\(user)"]
            )
            await deliver(try await execute(command, origin: origin), to: origin)
            return
        }
        let origin = MessageOrigin(user: user, team: team, channel: channel, place: .channel(threadTS: threadTS ?? ts))
        if let refusal = await policy.otherTeamRefusal(origin.source) {
            await deliver(refusal, to: origin)
            return
        }
        let command = ConversationCommandParser(context: .direct).parse(text)
        await deliver(try await execute(command, origin: origin), to: origin)
    }

    /// Answers a DM: an approval reply when the sender may decide on a pending request, else a command.
    func handleDirectMessage(
        _ text: String, user: String, team: String?, channel: String, threadTS: String?
    ) async throws {
        let origin = MessageOrigin(user: user, team: team, channel: channel, place: .direct(threadTS: threadTS))
        if let refusal = await policy.otherTeamRefusal(origin.source) {
            await deliver(refusal, to: origin)
            return
        }
        let command = ConversationCommandParser(context: .direct).parse(text)
        if case .question(let question) = command,
            let reply = try await approvals.approvalReply(question, source: origin.source, threadTS: threadTS)
        {
            await deliver(reply, to: origin)
            return
        }
        await deliver(try await execute(command, origin: origin), to: origin)
    }

    /// Posts `reply` where `origin` expects it: refusals in channels as ephemeral messages, everything else as a
    /// thread reply or DM.
    func deliver(_ reply: ConversationReply, to origin: MessageOrigin) async {
        let threadTS: String?
        let inChannel: Bool
        switch origin.place {
        case .alertThread(let incident): (threadTS, inChannel) = (incident.rootTS, true)
        case .channel(let ts): (threadTS, inChannel) = (ts, true)
        case .direct(let ts): (threadTS, inChannel) = (ts, false)
        case .slash: return  // returned to the caller
        }
        do {
            if reply.isRefusal && inChannel {
                try await slack.postEphemeral(
                    channel: origin.channel, user: origin.user, text: reply.text, blocks: nil, threadTS: threadTS)
            } else {
                _ = try await slack.post(
                    channel: origin.channel, text: reply.text, blocks: nil, threadTS: threadTS, priority: .investigation)
            }
        } catch {
            logger.warning(
                "could not deliver an answer: \(error)",
                metadata: [
                    "slack.channel": "\(origin.channel)", "slack.user": "\(origin.user)",
                ]
            )
        }
    }

    // MARK: - Commands

    /// Runs one command for a mention, a DM or the slash command, and returns the answer.
    func execute(_ command: ConversationCommand, origin: MessageOrigin) async throws -> ConversationReply {
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
            return try await onIncident(id, origin, example: "history 42") { try await self.history(of: $0) }
        case .historyByName(let name):
            guard let incident = try await incident(named: name),
                await policy.visibleIncidents([incident], to: origin.viewer).incidents.isEmpty == false
            else {
                return ConversationReply(
                    "I have no incident named `\(SlackText.escaped(name, limit: 150))` on record (names are matched exactly, "
                        + "without case). `alerts` lists what is open; in an alert's thread, mention me with `history`."
                )
            }
            return try await history(of: incident)
        case .related(let id):
            return try await onIncident(id, origin, example: "related 42") {
                try await self.related(to: $0, viewer: origin.viewer)
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
            case .alertThread(let incident): return try await answerQuestion(text, about: incident, viewer: origin.viewer)
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
    /// answer (``scopeRefusal(_:for:source:)``; actions check their own permission too).
    private func onIncident(
        _ id: Int64?,
        _ origin: MessageOrigin,
        example: String,
        action: ConversationSettings.Permissions.Action? = nil,
        _ body: (Incident) async throws -> ConversationReply
    ) async throws -> ConversationReply {
        if let id {
            guard let incident = try await incident(id: id) else {
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
    private func whichIncident(example: String, origin: MessageOrigin) async throws -> ConversationReply {
        let (open, unchecked) = await policy.visibleIncidents(
            try await store.openIncidents(workspace: workspace, channel: nil), to: origin.viewer)
        return ConversationReply(
            "Which incident? Add its id, e.g. `\(example)` (ids are in each investigation's footer).\n\n"
                + ConversationText.incidentList(
                    open,
                    title: "Open incidents",
                    now: now(),
                    workspaceURL: settings.workspaceURL,
                    limit: 10
                ) + AccessPolicy.uncheckedNote(unchecked)
        )
    }

    /// A DM or channel message that is no command: help and the open incidents the asker can see.
    private func notUnderstood(_ text: String, origin: MessageOrigin) async throws -> ConversationReply {
        let (open, unchecked) = await policy.visibleIncidents(
            try await store.openIncidents(workspace: workspace, channel: nil), to: origin.viewer)
        let intro: String
        if case .channel = origin.place {
            intro = "Here's where things stand. "
        } else {
            intro = text.isEmpty ? "Hi! " : "I'm not sure what you mean. "
        }
        return ConversationReply(
            intro
                + ConversationText.incidentList(
                    open,
                    title: "Open incidents",
                    now: now(),
                    workspaceURL: settings.workspaceURL,
                    limit: 10
                )
                + AccessPolicy.uncheckedNote(unchecked)
                + "\n\n" + ConversationText.directHelp(slashCommand: settings.slashCommand)
        )
    }

    // MARK: - Read-only answers

    /// The open incidents `viewer` can see, optionally of one channel.
    func openIncidents(in channel: String?, viewer: Viewer) async throws -> ConversationReply {
        let (open, unchecked) = await policy.visibleIncidents(
            try await store.openIncidents(workspace: workspace, channel: channel), to: viewer)
        let title = channel.map { "Open incidents in <#\($0)>" } ?? "Open incidents"
        return ConversationReply(
            ConversationText.incidentList(open, title: title, now: now(), workspaceURL: settings.workspaceURL)
                + AccessPolicy.uncheckedNote(unchecked)
        )
    }

    /// The related alerts of `facts` in channels `viewer` can see.
    func visibleRelated(_ facts: InvestigationFacts, viewer: Viewer) async -> [InvestigationFacts.RelatedAlert] {
        let (visible, _) = await policy.visibleChannels(Set(facts.related.map(\.channelID)), to: viewer)
        return facts.related.filter { visible.contains($0.channelID) }
    }

    /// Where one incident stands.
    func incidentStatus(_ incident: Incident) async throws -> ConversationReply {
        let silences = try await store.activeSilences(workspace: workspace, at: now())
            .filter { $0.matcher == .identity(incident.identity) }
        let pending = await approvals.pendingApprovals.filter { $0.incidentID == incident.id }
        return ConversationReply(
            ConversationText.incidentStatus(
                incident,
                silences: silences,
                pendingApprovals: pending,
                now: now(),
                workspaceURL: settings.workspaceURL
            )
        )
    }

    /// How often an incident's alert fired before.
    func history(of incident: Incident) async throws -> ConversationReply {
        let history = try await store.history(workspace: workspace, identity: incident.identity, now: now())
        return ConversationReply(ConversationText.history(history, incident: incident, now: now()))
    }

    /// What else is alerting around an incident, in channels `viewer` can see.
    func related(to incident: Incident, viewer: Viewer) async throws -> ConversationReply {
        let facts = try await alertMonitor.facts(for: incident, alert: try await alert(of: incident), runProbes: false)
        let related = await visibleRelated(facts, viewer: viewer)
        return ConversationReply(
            ConversationText.related(related, incident: incident, workspaceURL: settings.workspaceURL, now: now())
        )
    }

    /// The incident called `name` (without case): the active one, else the one seen last.
    func incident(named name: String) async throws -> Incident? {
        try await store.latestIncident(workspace: workspace, named: name.trimmed())
    }

    // MARK: - Questions

    /// Answers a free-text question in an alert thread from what Vigil knows, and says what it does not know.
    func answerQuestion(_ text: String, about incident: Incident, viewer: Viewer) async throws -> ConversationReply {
        let intents = QuestionIntent.intents(of: text)
        let alert = try await alert(of: incident)
        var facts = try await alertMonitor.facts(for: incident, alert: alert, runProbes: false)
        facts.related = await visibleRelated(facts, viewer: viewer)
        var parts: [String] = []
        for intent in intents {
            switch intent {
            case .history:
                let history = try await store.history(workspace: workspace, identity: incident.identity, now: now())
                parts.append(ConversationText.history(history, incident: incident, now: now()))
            case .related:
                parts.append(
                    ConversationText.related(
                        facts.related,
                        incident: incident,
                        workspaceURL: settings.workspaceURL,
                        now: now()
                    )
                )
            case .runbook:
                parts.append(await runbookAnswer(facts, incident: incident))
            case .ownership:
                parts.append(ownershipAnswer(incident))
            case .cause:
                break  // answered below
            }
        }
        if intents.isEmpty || intents.contains(.cause) {
            let history = try await store.history(workspace: workspace, identity: incident.identity, now: now())
            let known = await whatIKnow(incident, facts: facts, history: history)
            var summary = "I don't know the root cause; here is what I have:\n" + known
            if intents.isEmpty {
                summary +=
                    "\nAsk me what happened before, what else is alerting, how to fix it or who is on it; `help` lists commands."
            }
            parts.append(summary)
        }
        return ConversationReply(parts.joined(separator: "\n\n"))
    }

    private func runbookAnswer(_ facts: InvestigationFacts, incident: Incident) async -> String {
        var lines: [String] = []
        if facts.runbookLinks.isEmpty {
            lines.append("No runbook rule matches *\(ConversationText.name(incident))*, so I have no runbook for it.")
        } else {
            lines.append("*Runbook*")
            lines += facts.runbookLinks.prefix(10).map {
                "• " + SlackText.link(url: $0.url, label: InvestigationMessage.oneLine($0.label))
            }
        }
        let alertLinks = facts.alert.links.filter { link in !facts.runbookLinks.contains { $0.url == link.url } }
        if !alertLinks.isEmpty {
            lines.append("*Links from the alert*")
            lines += alertLinks.prefix(5).map {
                "• " + SlackText.link(url: $0.url, label: InvestigationMessage.oneLine($0.label))
            }
        }
        let results = await probeResults.results(of: incident.id)
        if !results.isEmpty {
            lines.append("*Latest checks*")
            lines += results.map { "• " + InvestigationMessage.checkLine($0) }
        } else {
            lines.append(
                "The latest check results are in my investigation reply in this thread; say `rerun` to run them again."
            )
        }
        return lines.joined(separator: "\n")
    }

    private func ownershipAnswer(_ incident: Incident) -> String {
        switch incident.status {
        case .open:
            return
                "Nobody has acknowledged *\(ConversationText.name(incident))* yet. Say `ack` (or press Acknowledge) to take it."
        case .acknowledged:
            var text = "\(incident.acknowledgedBy.map(SlackText.user) ?? "Someone") acknowledged it"
            if let at = incident.acknowledgedAt { text += " at \(SlackText.date(at))" }
            return text + "."
        case .resolved:
            var text = "It is resolved"
            if let by = incident.resolvedBy { text += " by \(ConversationText.resolver(by))" }
            if let acknowledgedBy = incident.acknowledgedBy {
                text += "; \(SlackText.user(acknowledgedBy)) had acknowledged it"
            }
            return text + "."
        }
    }

    /// A few lines of facts: status, history, related alerts, runbook and checks.
    private func whatIKnow(_ incident: Incident, facts: InvestigationFacts, history: IncidentHistory) async -> String {
        var lines: [String] = []
        let status: String =
            switch incident.status {
            case .open: "open, not acknowledged"
            case .acknowledged: "acknowledged by \(incident.acknowledgedBy.map(SlackText.user) ?? "someone")"
            case .resolved: "resolved"
            }
        lines.append(
            "• *\(ConversationText.name(incident))* (\(incident.severity.rawValue)) is \(status); first seen "
                + "\(HumanFormat.ago(incident.firstSeen, now: now())), fired \(incident.occurrences)×."
        )
        let summary = InvestigationMessage.oneLine(incident.summary)
        if !summary.isEmpty { lines.append("• The alert says: \(SlackText.escaped(summary, limit: 300))") }
        if history.occurrencesLast7Days > 1 {
            lines.append("• It fired \(history.occurrencesLast7Days)× in the last 7 days.")
        } else {
            lines.append("• It has not fired before in the last 7 days.")
        }
        lines.append(
            facts.related.isEmpty
                ? "• Nothing related was alerting around the same time."
                : "• \(HumanFormat.count(facts.related.count, "related alert")) around the same time (`related` lists them)."
        )
        lines.append(
            facts.runbookLinks.isEmpty
                ? "• No runbook matches it."
                : "• \(HumanFormat.count(facts.runbookLinks.count, "runbook link")) (`how do I fix this?` shows them)."
        )
        let results = await probeResults.results(of: incident.id)
        if !results.isEmpty {
            let failed = results.filter { !$0.outcome.isSuccess && $0.outcome != .awaitingApproval }.count
            lines.append("• Checks I know of: \(results.count - failed) passed, \(failed) failed.")
        }
        return lines.joined(separator: "\n")
    }
}
