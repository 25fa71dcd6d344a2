import AlertReading
import Foundation
import AlertInvestigation
import VigilStorage

/// The texts of Vigil's answers, as escaped mrkdwn. Pure: everything it shows is passed in.
///
/// Anything that came from an alert (names, summaries, identities) is escaped, so it can never ping or link.
enum ConversationText {
    // MARK: - Help

    /// Help inside an alert thread.
    static func threadHelp() -> String {
        """
        *In this thread, mention me with:*
        • `status` — where this incident stands · `history` — how often it fired before · `related` — what else is \
        alerting nearby
        • `ack` · `resolve` · `rerun` — run the investigation again
        • `silence 30m` / `2h` / `1d` — stop investigating this alert for a while · `unsilence`
        • `approve` / `deny` — decide on a pending probe (approvers only)
        Or just ask: "what happened before?", "what else is failing?", "how do I fix this?", "who is on it?"
        """
    }

    /// Help in a direct message (or a mention outside an alert thread).
    static func directHelp(slashCommand: String) -> String {
        """
        *Things you can ask me here* (incident ids are in each investigation's footer):
        • `alerts` or `alerts #channel` — open incidents
        • `status 42` · `history 42` · `related 42` · `rerun 42`
        • `ack 42` · `resolve 42` · `silence 42 2h` · `unsilence 42`
        • `silences` · `channels`
        • `approve 17` / `deny 17` — decide on a probe waiting for approval (or reply yes/no in the thread of my \
        request)
        In an alert thread, mention me and skip the id. `\(slashCommand) help` lists the slash command.
        """
    }

    /// Help for the slash command.
    static func slashHelp(_ command: String) -> String {
        """
        *`\(command)` commands* (only you see the answers):
        • `\(command) status` — connections, queue, token health, open incidents
        • `\(command) alerts [#channel]` — open incidents
        • `\(command) watch #channel` · `unwatch #channel` · `channels` — which channels I read alerts in
        • `\(command) silence <alert name or pattern> <duration> [reason]` — e.g. `silence HighCPU* 2h deploy`
        • `\(command) silences` · `unsilence <id>`
        • `\(command) history <alert name>` · `audit [count]` — recent approvals and actions (if you may read them)
        In an alert thread, mention me for `ack`, `resolve`, `rerun`, questions and more.
        """
    }

    // MARK: - Incidents

    /// `<https://…/archives/C…/p…|thread>`, or nothing when the ids are malformed.
    static func threadLink(_ incident: Incident, workspaceURL: String?, label: String = "thread") -> String {
        guard
            let url = SlackText.threadURL(
                channelID: incident.channel,
                rootTS: incident.rootTS,
                permalink: nil,
                workspaceURL: workspaceURL
            )
        else { return "" }
        return SlackText.link(url: url, label: label)
    }

    /// The escaped, one-line alert name.
    static func name(_ incident: Incident) -> String {
        let name = InvestigationMessage.oneLine(incident.name)
        return SlackText.escaped(name.isEmpty ? "(unnamed alert)" : name, limit: 150)
    }

    /// `• 🔴 *HighCPU* · open · in <#C…> · since 2 h ago · <thread> · id `42``.
    static func incidentLine(_ incident: Incident, now: Date, workspaceURL: String?) -> String {
        var parts = ["\(InvestigationMessage.emoji(for: incident.severity)) *\(name(incident))*"]
        switch incident.status {
        case .open: parts.append("open")
        case .acknowledged: parts.append("acknowledged by \(incident.acknowledgedBy.map(SlackText.user) ?? "someone")")
        case .resolved: parts.append("resolved")
        }
        parts.append("in <#\(incident.channel)>")
        parts.append("since \(HumanFormat.ago(incident.firstSeen, now: now))")
        if incident.occurrences > 1 { parts.append("\(incident.occurrences)×") }
        let link = threadLink(incident, workspaceURL: workspaceURL)
        if !link.isEmpty { parts.append(link) }
        parts.append("id `\(incident.id)`")
        return "• " + parts.joined(separator: " · ")
    }

    /// A list of open incidents, capped at `limit` lines.
    static func incidentList(
        _ incidents: [Incident],
        title: String,
        now: Date,
        workspaceURL: String?,
        limit: Int = 20
    )
        -> String
    {
        guard !incidents.isEmpty else { return "\(title): none 🎉" }
        var lines = ["\(title) (\(incidents.count)):"]
        lines += incidents.prefix(limit).map { incidentLine($0, now: now, workspaceURL: workspaceURL) }
        if incidents.count > limit { lines.append("… and \(incidents.count - limit) more") }
        return lines.joined(separator: "\n")
    }

    /// Where one incident stands.
    static func incidentStatus(
        _ incident: Incident,
        silences: [Silence],
        pendingApprovals: [ApprovalRequest],
        now: Date,
        workspaceURL: String?
    ) -> String {
        var lines = [
            "\(InvestigationMessage.emoji(for: incident.severity)) *\(name(incident))* — incident `\(incident.id)`, "
                + "\(incident.severity.rawValue)"
        ]
        switch incident.status {
        case .open:
            lines.append("• Open, nobody has acknowledged it yet.")
        case .acknowledged:
            var line = "• 👀 Acknowledged by \(incident.acknowledgedBy.map(SlackText.user) ?? "someone")"
            if let at = incident.acknowledgedAt { line += " at \(SlackText.date(at))" }
            lines.append(line)
        case .resolved:
            var line = "• ✅ Resolved"
            if let by = incident.resolvedBy { line += " by \(resolver(by))" }
            if let at = incident.resolvedAt { line += " at \(SlackText.date(at))" }
            if let took = incident.timeToResolve { line += " after \(HumanFormat.duration(took))" }
            lines.append(line)
        }
        var seen = "• First seen \(HumanFormat.ago(incident.firstSeen, now: now))"
        if incident.occurrences > 1 {
            seen += ", fired \(incident.occurrences)× (last \(HumanFormat.ago(incident.lastSeen, now: now)))"
        }
        lines.append(seen)
        if let host = incident.host, !host.isEmpty { lines.append("• Host `\(SlackText.escaped(host, limit: 200))`") }
        if let service = incident.service, !service.isEmpty {
            lines.append("• Service `\(SlackText.escaped(service, limit: 200))`")
        }
        for silence in silences {
            lines.append(
                "• 🔕 Silenced until \(SlackText.date(silence.expiresAt)) by \(SlackText.user(silence.createdBy)) (silence `\(silence.id)`)"
            )
        }
        for request in pendingApprovals {
            lines.append(
                "• ✋ Probe `\(probeName(request.probe))` waits for approval (request `\(request.id)`, expires "
                    + "\(SlackText.date(request.expiresAt)))"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Who resolved an incident, as stored (`U…`, `source`, `source-edit`).
    static func resolver(_ by: String) -> String {
        switch by {
        case "source": "the monitoring tool"
        case "source-edit": "the monitoring tool (edited its alert)"
        default: SlackText.user(by)
        }
    }

    /// How often the alert fired before.
    static func history(_ history: IncidentHistory, incident: Incident, now: Date) -> String {
        var lines = ["*History of \(name(incident))*"]
        if history.occurrencesLast7Days <= 1 {
            lines.append("• This is the first time it fired in the last 7 days.")
        } else {
            lines.append(
                "• Fired \(history.occurrencesLast24Hours)× in the last 24 h and \(history.occurrencesLast7Days)× in "
                    + "7 d (\(HumanFormat.count(history.incidentsLast7Days, "incident")) in 7 d)."
            )
        }
        if let last = history.lastResolution {
            var line =
                "• Last resolved \(HumanFormat.ago(last.resolvedAt, now: now)) after \(HumanFormat.duration(last.duration))"
            line += last.resolvedBy.map { " by \(SlackText.user($0))" } ?? " by the monitoring tool"
            lines.append(line + ".")
        } else {
            lines.append("• I have no earlier resolution of it on record.")
        }
        if let mean = history.meanTimeToResolve {
            lines.append(
                "• Mean time to resolve: \(HumanFormat.duration(mean)) over "
                    + "\(HumanFormat.count(history.resolvedIncidentCount, "incident"))."
            )
        }
        return lines.joined(separator: "\n")
    }

    /// What else is alerting around an incident.
    static func related(
        _ related: [InvestigationFacts.RelatedAlert],
        incident: Incident,
        workspaceURL: String?,
        now: Date
    )
        -> String
    {
        guard !related.isEmpty else {
            return
                "Nothing else sharing a host, service or cluster with \(name(incident)) was alerting around the same time."
        }
        var lines = ["*Related to \(name(incident))* (\(related.count)):"]
        for item in related.prefix(10) {
            let itemName = SlackText.escaped(InvestigationMessage.oneLine(item.name), limit: 150)
            var title = "*\(itemName)*"
            if let url = SlackText.threadURL(
                channelID: item.channelID,
                rootTS: item.rootTS,
                permalink: item.permalink,
                workspaceURL: workspaceURL
            ) {
                title = SlackText.link(url: url, label: InvestigationMessage.oneLine(item.name))
            }
            let shared = SlackText.escaped("\(item.sharedLabelKey)=\(item.sharedLabelValue)", limit: 120)
            lines.append(
                "• \(InvestigationMessage.emoji(for: item.severity)) \(title) · \(item.status.rawValue) · same `\(shared)` · "
                    + HumanFormat.ago(item.postedAt, now: now)
            )
        }
        if related.count > 10 { lines.append("… and \(related.count - 10) more") }
        return lines.joined(separator: "\n")
    }

    /// A silence as one list line.
    static func silenceLine(_ silence: Silence, now: Date) -> String {
        let what: String =
            switch silence.matcher {
            case .identity(let identity): "alert `\(SlackText.escaped(identity, limit: 200))`"
            case .nameGlob(let pattern): "names matching `\(SlackText.escaped(pattern, limit: 200))`"
            }
        var line =
            "• `\(silence.id)` \(what) until \(SlackText.date(silence.expiresAt)) by \(SlackText.user(silence.createdBy))"
        if !silence.reason.isEmpty {
            line += " — \(SlackText.escaped(InvestigationMessage.oneLine(silence.reason), limit: 200))"
        }
        return line
    }

    /// A probe's name, escaped.
    static func probeName(_ probe: ProbeSpec) -> String {
        SlackText.escaped(InvestigationMessage.oneLine(probe.name), limit: 120)
    }

    /// A duration for people: "2 h", "30 min", "1 d".
    static func duration(_ duration: Duration) -> String { HumanFormat.duration(duration) }

    /// A short, secret-free description of an error for people (Slack API errors name their code).
    static func shortError(_ error: any Error) -> String {
        let text = String(describing: error)
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        let cleaned = firstLine.split(separator: " ").filter { !$0.hasPrefix("xox") && !$0.hasPrefix("xapp") }.joined(
            separator: " "
        )
        return SlackText.escaped(cleaned, limit: 160)
    }
}
