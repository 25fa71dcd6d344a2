import Foundation
import AlertInvestigation
import AlertReading
import VigilBase
import VigilStorage

/// Read-only answers about one incident: its history, what else is alerting around it, and free-text questions in
/// its thread ("what happened before?", "how do I fix this?", "who is on it?") answered from what Vigil knows,
/// saying plainly what it does not know. Related alerts are shown only from channels the asker's audience can see.
///
/// Stateless; it reads the store, the alert monitor's facts and the probe-result cache, and calls nothing back.
struct IncidentAnswers: Sendable {
    /// The workspace, its store (incidents and their history, through ``ConversationContext/incidents`` too) and
    /// the clock.
    let context: ConversationContext
    /// Gathers facts (related alerts, runbook links) without running probes.
    let alertMonitor: AlertChannelMonitor
    /// Which channels the reader can see.
    let policy: AccessPolicy

    /// How often an incident's alert fired before.
    func history(of incident: Incident) async throws -> ConversationReply {
        let history = try await context.store.history(workspace: context.workspace, identity: incident.identity, now: context.now())
        return ConversationReply(ConversationText.history(history, incident: incident, now: context.now()))
    }

    /// What else is alerting around an incident, in channels `viewer` can see.
    /// - Parameter workspaceURL: For links to the related alerts' posts.
    func related(to incident: Incident, viewer: Viewer, workspaceURL: String?) async throws -> ConversationReply {
        let facts = try await alertMonitor.facts(
            for: incident, alert: try await context.incidents.alert(of: incident), runProbes: false)
        let related = await visibleRelated(facts, viewer: viewer)
        return ConversationReply(
            ConversationText.related(related, incident: incident, workspaceURL: workspaceURL, now: context.now())
        )
    }

    /// Answers a free-text question in an alert thread from what Vigil knows, and says what it does not know.
    /// - Parameters:
    ///   - text: The question as written.
    ///   - incident: The thread's incident.
    ///   - viewer: Who reads the answer (related alerts of channels they cannot see are left out).
    ///   - workspaceURL: For links to posts.
    func answerQuestion(
        _ text: String, about incident: Incident, viewer: Viewer, workspaceURL: String?
    ) async throws -> ConversationReply {
        let intents = QuestionIntent.intents(of: text)
        let alert = try await context.incidents.alert(of: incident)
        var facts = try await alertMonitor.facts(for: incident, alert: alert, runProbes: false)
        facts.related = await visibleRelated(facts, viewer: viewer)
        var parts: [String] = []
        for intent in intents {
            switch intent {
            case .history:
                let history = try await context.store.history(workspace: context.workspace, identity: incident.identity, now: context.now())
                parts.append(ConversationText.history(history, incident: incident, now: context.now()))
            case .related:
                parts.append(
                    ConversationText.related(
                        facts.related,
                        incident: incident,
                        workspaceURL: workspaceURL,
                        now: context.now()
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
            let history = try await context.store.history(workspace: context.workspace, identity: incident.identity, now: context.now())
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

    /// The related alerts of `facts` in channels `viewer` can see.
    private func visibleRelated(
        _ facts: InvestigationFacts, viewer: Viewer
    ) async -> [InvestigationFacts.RelatedAlert] {
        let (visible, _) = await policy.visibleChannels(Set(facts.related.map(\.channelID)), to: viewer)
        return facts.related.filter { visible.contains($0.channelID) }
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
        let results = await alertMonitor.probeResults.results(of: incident.id)
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
                + "\(HumanFormat.ago(incident.firstSeen, now: context.now())), fired \(incident.occurrences)×."
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
        let results = await alertMonitor.probeResults.results(of: incident.id)
        if !results.isEmpty {
            let failed = results.filter { !$0.outcome.isSuccess && $0.outcome != .awaitingApproval }.count
            lines.append("• Checks I know of: \(results.count - failed) passed, \(failed) failed.")
        }
        return lines.joined(separator: "\n")
    }
}
