import Foundation
import Logging
import AlertInvestigation
import VigilBase
import VigilStorage

/// The commands about the workspace rather than one incident, mostly from `/vigil`: the status report, silences by
/// name pattern, the audit log and the watched channels.
extension ConversationCommandExecutor {
    // MARK: - status

    /// `/vigil status`: the daemon's report plus the incidents, channels and approvals `source` can see, and the
    /// number of silences.
    func statusReport(for source: ActionSource) async throws -> ConversationReply {
        var lines = ["*Vigil status*"]
        if let statusProvider {
            let report = await statusProvider()
            var connections = "• Connections: \(report.liveConnections) live"
            if report.reconnects > 0 {
                connections += " (\(HumanFormat.count(report.reconnects, "reconnect")) since start)"
            }
            if report.liveConnections == 0 { connections += " ⚠️" }
            lines.append(connections)
            lines.append(
                "• Queue: \(HumanFormat.count(report.queuedEnvelopes, "event")) being handled, "
                    + "\(HumanFormat.count(report.queuedWebAPICalls, "Web API call")) waiting for a rate-limit slot"
            )
            let token: String =
                switch report.tokenHealthy {
                case true?: "✅ accepted by Slack"
                case false?: "❌ rejected by Slack — replace it and restart Vigil"
                case nil: "not checked yet"
                }
            lines.append("• Token: \(token)")
            if let startedAt = report.startedAt { lines.append("• Up since \(SlackText.date(startedAt))") }
            if let version = report.version { lines.append("• Version `\(SlackText.escaped(version, limit: 60))`") }
            for problem in report.problems { lines.append("• ⚠️ \(SlackText.escaped(problem, limit: 300))") }
        } else {
            lines.append("• Connection details are not available here.")
        }
        let viewer = Viewer.person(source)
        let (open, unchecked) = await policy.visibleIncidents(
            try await context.store.openIncidents(workspace: context.workspace, channel: nil), to: viewer)
        let acknowledged = open.filter { $0.status == .acknowledged }.count
        lines.append("• Open incidents: \(open.count) (\(acknowledged) acknowledged)")
        let channels = try await context.store.watchedChannels(workspace: context.workspace)
        let (visible, _) = await policy.visibleChannels(Set(channels.map(\.channel)), to: viewer)
        let shown = channels.filter { visible.contains($0.channel) }
        var watching = shown.isEmpty ? "none" : shown.map { "<#\($0.channel)>" }.joined(separator: ", ")
        if shown.count < channels.count {
            watching += " (and \(channels.count - shown.count) you can't see)"
        }
        lines.append("• Watching \(HumanFormat.count(channels.count, "channel")): \(watching)")
        let silences = try await context.store.activeSilences(workspace: context.workspace, at: context.now())
        lines.append("• Active silences: \(silences.count)")
        let pendingApprovals = await approvals.pendingApprovals
        let (waiting, _) = await policy.visibleChannels(Set(pendingApprovals.map(\.channel)), to: viewer)
        lines.append("• Approvals waiting: \(pendingApprovals.filter { waiting.contains($0.channel) }.count)")
        if !open.isEmpty {
            lines.append("")
            lines.append(
                ConversationText.incidentList(
                    open,
                    title: "Open incidents",
                    now: context.now(),
                    workspaceURL: settings.workspaceURL,
                    limit: 10
                )
            )
        }
        let note = AccessPolicy.uncheckedNote(unchecked)
        if !note.isEmpty { lines.append(note.trimmed()) }
        return ConversationReply(lines.joined(separator: "\n"))
    }

    // MARK: - Silences

    /// `/vigil silence <pattern> <duration> [reason]` (permission `silence`).
    func silencePattern(
        _ pattern: String,
        for duration: Duration,
        reason: String,
        source: ActionSource
    ) async throws
        -> ConversationReply
    {
        if let refusal = await policy.refusal(.silence, user: source.user) { return refusal }
        let trimmed = pattern.trimmed()
        let problems = [await actions.patternProblem(trimmed), await actions.durationProblem(duration)].compactMap { $0 }
        guard problems.isEmpty else {
            context.logger.info(
                "silence refused",
                metadata: ["slack.user": "\(source.user)", "vigil.silence.pattern": "\(trimmed)"]
            )
            return .refusal("I set no silence. " + problems.joined(separator: " "))
        }
        let matcher = Silence.Matcher.nameGlob(trimmed)
        let silence = try await actions.createSilence(
            matcher,
            for: duration,
            reason: reason,
            auditDetail: "names matching \(trimmed) for \(HumanFormat.duration(duration))"
                + (reason.isEmpty ? "" : ": \(reason)"),
            source: source
        )
        let open = try await context.store.openIncidents(workspace: context.workspace, channel: nil)
        let matching = open.filter { matcher.matches(alertLike: $0) }.count
        context.logger.info("silence created", metadata: ["slack.user": "\(source.user)", "vigil.silence": "\(silence.id)"])
        return ConversationReply(
            "🔕 Silenced alerts named `\(SlackText.escaped(trimmed, limit: 200))` for \(HumanFormat.duration(duration)), "
                + "until \(SlackText.date(silence.expiresAt)) (silence `\(silence.id)`; \(HumanFormat.count(matching, "open incident")) "
                + "match it now). They are still recorded but not investigated. `unsilence \(silence.id)` lifts it."
        )
    }

    /// `/vigil silences`: every active silence with who set it; a silence on one alert only when `viewer` can see a
    /// channel that alert fired in (name-pattern silences apply everywhere and are always listed).
    func listSilences(viewer: Viewer) async throws -> ConversationReply {
        var silences: [Silence] = []
        var hidden = 0
        for silence in try await context.store.activeSilences(workspace: context.workspace, at: context.now()) {
            guard case .identity(let identity) = silence.matcher else {
                silences.append(silence)
                continue
            }
            let channels = try await context.store.channels(ofIdentity: identity, workspace: context.workspace)
            let visible = channels.isEmpty ? [] : await policy.visibleChannels(channels, to: viewer).visible
            if channels.isEmpty || !visible.isEmpty {
                silences.append(silence)
            } else {
                hidden += 1
            }
        }
        let note = hidden == 0 ? "" : "\n_\(HumanFormat.count(hidden, "silence")) on alerts of channels you can't see not shown._"
        guard !silences.isEmpty else { return ConversationReply("No active silences." + note) }
        let lines =
            ["*Active silences* (\(silences.count)):"]
            + silences.prefix(30).map { ConversationText.silenceLine($0, now: context.now()) }
        return ConversationReply(
            lines.joined(separator: "\n") + (silences.count > 30 ? "\n… and \(silences.count - 30) more" : "") + note
        )
    }

    /// `/vigil unsilence <id>` (permission `silence`); a silence on one alert also needs seeing a channel that alert
    /// fired in (or being named in `permissions.silence`).
    func removeSilence(id: Int64, source: ActionSource) async throws -> ConversationReply {
        if let refusal = await policy.refusal(.silence, user: source.user) { return refusal }
        if let silence = try await context.store.activeSilences(workspace: context.workspace, at: context.now()).first(where: { $0.id == id }),
            case .identity(let identity) = silence.matcher
        {
            let channels = try await context.store.channels(ofIdentity: identity, workspace: context.workspace)
            var visible = channels.isEmpty
            for channel in channels.sorted() where !visible {
                visible = await policy.access(to: channel, for: .silence, source: source) == .visible
            }
            guard visible else {
                return .refusal(
                    "Silence `\(id)` is on an alert of a channel you're not a member of, so I left it. Ask someone in "
                        + "that channel, or ask an admin to name you in `permissions.silence`."
                )
            }
        }
        guard try await context.store.removeSilence(workspace: context.workspace, id: id) else {
            return ConversationReply("There is no silence `\(id)`; `silences` lists the active ones.")
        }
        try await actions.audit(source, action: "silence.remove", target: "silence:\(id)", detail: "by id")
        return ConversationReply("🔔 Silence `\(id)` lifted; matching alerts are investigated again.")
    }

    // MARK: - Audit

    /// `/vigil audit [n]` (permission `audit`): the latest `n` (default 20, at most 50) audit entries: who
    /// approved, denied, acknowledged, resolved, silenced, re-ran and watched what, when and how.
    func auditLog(limit: Int?, source: ActionSource) async throws -> ConversationReply {
        if let refusal = await policy.refusal(.audit, user: source.user) { return refusal }
        let count = min(max(limit ?? 20, 1), 50)
        let entries = try await context.store.recentAudit(workspace: context.workspace, limit: count)
        try await actions.audit(source, action: "audit.read", target: "audit", detail: "\(entries.count) entries")
        guard !entries.isEmpty else { return ConversationReply("The audit log is empty.") }
        let lines = entries.map { entry -> String in
            let who = entry.actor.map(SlackText.user) ?? "Vigil"
            var line = "• \(SlackText.date(entry.at)) \(who) `\(entry.action)` \(SlackText.escaped(entry.target, limit: 60))"
            let detail = InvestigationMessage.oneLine(entry.detail)
            if !detail.isEmpty { line += " — \(SlackText.escaped(detail, limit: 160))" }
            return line + " (\(entry.via.rawValue))"
        }
        return ConversationReply((["*Audit log*, latest \(entries.count), newest first:"] + lines).joined(separator: "\n"))
    }

    // MARK: - Watched channels

    /// `/vigil watch #channel` (permission `watch`): persists, joins, reloads the monitor, audits.
    func watch(_ channel: ChannelReference, source: ActionSource) async throws -> ConversationReply {
        if let refusal = await policy.refusal(.watch, user: source.user) { return refusal }
        let added = try await context.store.addWatchedChannel(
            workspace: context.workspace,
            channel: channel.id,
            addedBy: source.user,
            source: .command,
            at: context.now()
        )
        guard added else {
            try await alertMonitor.reloadWatchedChannels()
            return ConversationReply("I'm already watching \(channel.mention).")
        }
        try await actions.audit(source, action: "channel.watch", target: channel.id, detail: channel.name ?? "")
        var joinProblem: String?
        do {
            try await context.slack.join(channel: channel.id)
        } catch {
            joinProblem = ConversationText.shortError(error)
            context.logger.notice(
                "could not join a newly watched channel: \(error)",
                metadata: ["slack.channel": "\(channel.id)"]
            )
        }
        try await alertMonitor.reloadWatchedChannels()
        context.logger.info("channel watched", metadata: ["slack.channel": "\(channel.id)", "slack.user": "\(source.user)"])
        var text = "👁 Now watching \(channel.mention): I'll investigate what monitoring bots post there."
        if let joinProblem {
            text += " I couldn't join it myself (\(joinProblem)); if it is private, invite me with `/invite @Vigil`."
        }
        return ConversationReply(text)
    }

    /// `/vigil unwatch #channel` (permission `watch`).
    func unwatch(_ channel: ChannelReference, source: ActionSource) async throws -> ConversationReply {
        if let refusal = await policy.refusal(.watch, user: source.user) { return refusal }
        let entry = try await context.store.watchedChannels(workspace: context.workspace).first { $0.channel == channel.id }
        guard try await context.store.removeWatchedChannel(workspace: context.workspace, channel: channel.id) else {
            return ConversationReply("I wasn't watching \(channel.mention).")
        }
        try await actions.audit(source, action: "channel.unwatch", target: channel.id, detail: channel.name ?? "")
        try await alertMonitor.reloadWatchedChannels()
        var text = "🙈 Stopped watching \(channel.mention)."
        if let entry, entry.source != .command {
            text +=
                " It is listed in my \(entry.source == .environment ? "environment" : "configuration"), so it comes "
                + "back at the next restart unless it is removed there too."
        }
        return ConversationReply(text)
    }

    /// `/vigil channels`.
    func listChannels() async throws -> ConversationReply {
        let channels = try await context.store.watchedChannels(workspace: context.workspace)
        guard !channels.isEmpty else {
            return ConversationReply(
                "I'm not watching any channel. `\(settings.slashCommand) watch #channel` adds one."
            )
        }
        let lines = channels.map { channel -> String in
            let origin: String =
                switch channel.source {
                case .environment: "from the environment"
                case .configuration: "from the configuration"
                case .command:
                    "added by \(channel.addedBy.map(SlackText.user) ?? "someone") \(HumanFormat.ago(channel.addedAt, now: context.now()))"
                }
            return "• <#\(channel.channel)> — \(origin)"
        }
        return ConversationReply((["*Watched channels* (\(channels.count)):"] + lines).joined(separator: "\n"))
    }
}
