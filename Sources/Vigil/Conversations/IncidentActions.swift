import Foundation
import Logging
import AlertInvestigation
import VigilBase
import VigilStorage

/// The actions people take on an incident — acknowledge, resolve, silence, unsilence, re-run — whichever way they
/// arrive (a button, a mention or DM command, `/vigil`): each checks the permission and the incident's channel
/// (``AccessPolicy``), changes the store, updates the investigation message and is audited. Shared by the
/// conversation handlers; it calls down only (store, Web API, the alert monitor's re-run and facts), never back.
actor IncidentActions {
    /// The workspace, its store and Web API client, the logger and the clock.
    let context: ConversationContext
    /// Re-runs investigations and gathers facts for message updates.
    let alertMonitor: AlertChannelMonitor
    /// Permissions and channel scope.
    let policy: AccessPolicy
    /// Check results shown in updated messages.
    let probeResults: ProbeResultCache
    /// Silence limits and the slash command's name (replaced by ``apply(_:)`` on a configuration reload).
    var settings: ConversationSettings
    /// The last blocks seen of each incident's investigation message (from button payloads and Vigil's own
    /// updates), so an update can keep its *Checks* section.
    var investigationBlocks: [Int64: [JSONValue]] = [:]

    /// - Parameters:
    ///   - context: The workspace, its store and Web API client, the logger and the clock.
    ///   - alertMonitor: Re-runs investigations and gathers facts; its probe results are shown in updates.
    ///   - policy: Permissions and channel scope.
    ///   - settings: Silence limits and the slash command's name.
    init(context: ConversationContext, alertMonitor: AlertChannelMonitor, policy: AccessPolicy,
         settings: ConversationSettings) {
        self.context = context
        self.alertMonitor = alertMonitor
        self.policy = policy
        self.probeResults = alertMonitor.probeResults
        self.settings = settings
    }

    /// Applies new settings (a configuration reload).
    func apply(_ newSettings: ConversationSettings) {
        settings = newSettings
    }

    /// Remembers the blocks of an incident's investigation message as a click saw them.
    func rememberBlocks(_ blocks: [JSONValue], of incidentID: Int64) {
        investigationBlocks[incidentID] = blocks
    }

    /// Rendering options for investigation updates.
    private func messageOptions() -> InvestigationMessage.Options {
        InvestigationMessage.Options(now: context.now(), workspaceURL: settings.workspaceURL)
    }

    // MARK: - Acknowledge, resolve

    /// Acknowledges an incident for `source.user` (permission `ack`) and updates its investigation message.
    func acknowledge(incidentID: Int64, source: ActionSource) async throws -> ActionResult {
        guard let incident = try await context.incidents.incident(id: incidentID) else { return notFound(incidentID) }
        if let refusal = await policy.refusal(.ack, on: incident, source: source) {
            return ActionResult(reply: refusal, changed: false)
        }
        switch try await context.store.acknowledge(incidentID: incidentID, by: source.user, at: context.now()) {
        case .applied(let incident):
            try await audit(
                source,
                action: "incident.acknowledge",
                target: "incident:\(incident.id)",
                detail: incident.name
            )
            await refreshInvestigation(of: incident, source: source)
            context.logger.info("incident acknowledged", metadata: metadata(incident, source))
            return ActionResult(
                reply: ConversationReply(
                    "👀 \(SlackText.user(source.user)) acknowledged *\(ConversationText.name(incident))* (incident `\(incident.id)`)."
                ),
                changed: true
            )
        case .unchanged(let incident):
            return ActionResult(reply: ConversationReply(alreadyDone(incident)), changed: false)
        case .notFound:
            return notFound(incidentID)
        }
    }

    /// Resolves an incident for `source.user` (permission `resolve`), adds ✅ to the alert and updates the message.
    func resolve(incidentID: Int64, source: ActionSource) async throws -> ActionResult {
        guard let incident = try await context.incidents.incident(id: incidentID) else { return notFound(incidentID) }
        if let refusal = await policy.refusal(.resolve, on: incident, source: source) {
            return ActionResult(reply: refusal, changed: false)
        }
        switch try await context.store.resolve(incidentID: incidentID, by: source.user, at: context.now()) {
        case .applied(let incident):
            try await audit(
                source,
                action: "incident.resolve",
                target: "incident:\(incident.id)",
                detail: incident.name
            )
            await refreshInvestigation(of: incident, source: source)
            do {
                try await context.slack.react(channel: incident.channel, ts: incident.rootTS, name: "white_check_mark")
            } catch {
                context.logger.warning("could not add the ✅ reaction: \(error)", metadata: ["vigil.incident": "\(incident.id)"])
            }
            context.logger.info("incident resolved by hand", metadata: metadata(incident, source))
            let took = incident.timeToResolve.map { " after \(HumanFormat.duration($0))" } ?? ""
            return ActionResult(
                reply: ConversationReply(
                    "✅ \(SlackText.user(source.user)) resolved *\(ConversationText.name(incident))* (incident "
                        + "`\(incident.id)`)\(took)."
                ),
                changed: true
            )
        case .unchanged(let incident):
            return ActionResult(reply: ConversationReply(alreadyDone(incident)), changed: false)
        case .notFound:
            return notFound(incidentID)
        }
    }

    // MARK: - Silences

    /// Stores a silence from now for `duration` and audits it (`silence.create`); shared by the Silence button,
    /// `silence 2h` in a thread and `/vigil silence <pattern>`.
    func createSilence(
        _ matcher: Silence.Matcher,
        for duration: Duration,
        reason: String,
        auditDetail: String,
        source: ActionSource
    ) async throws -> Silence {
        let at = context.now()
        let silence = try await context.store.createSilence(
            workspace: context.workspace,
            matcher: matcher,
            createdBy: source.user,
            reason: reason,
            at: at,
            expiresAt: at.addingTimeInterval(duration.seconds)
        )
        try await audit(source, action: "silence.create", target: "silence:\(silence.id)", detail: auditDetail)
        return silence
    }

    /// Silences an incident's alert identity for `duration` (permission `silence`) and updates the message.
    func silence(incidentID: Int64, for duration: Duration, source: ActionSource) async throws -> ActionResult {
        guard let incident = try await context.incidents.incident(id: incidentID) else { return notFound(incidentID) }
        if let refusal = await policy.refusal(.silence, on: incident, source: source) {
            return ActionResult(reply: refusal, changed: false)
        }
        if let problem = durationProblem(duration) {
            return ActionResult(reply: ConversationReply(problem), changed: false)
        }
        let silence = try await createSilence(
            .identity(incident.identity),
            for: duration,
            reason: "\(incident.name) (incident \(incident.id))",
            auditDetail: "identity \(incident.identity) for \(HumanFormat.duration(duration)) (incident \(incident.id))",
            source: source
        )
        await refreshInvestigation(of: incident, source: source)
        context.logger.info(
            "alert silenced",
            metadata: metadata(incident, source).merging(["vigil.silence": "\(silence.id)"]) { $1 }
        )
        return ActionResult(
            reply: ConversationReply(
                "🔕 \(SlackText.user(source.user)) silenced *\(ConversationText.name(incident))* for "
                    + "\(HumanFormat.duration(duration)), until \(SlackText.date(silence.expiresAt)) (silence `\(silence.id)`). "
                    + "New alerts like it are still recorded but not investigated. `unsilence` lifts it."
            ),
            changed: true
        )
    }

    /// Removes the silences on an incident's alert identity (permission `silence`).
    func unsilence(incidentID: Int64, source: ActionSource) async throws -> ActionResult {
        guard let incident = try await context.incidents.incident(id: incidentID) else { return notFound(incidentID) }
        if let refusal = await policy.refusal(.silence, on: incident, source: source) {
            return ActionResult(reply: refusal, changed: false)
        }
        let silences = try await context.store.activeSilences(workspace: context.workspace, at: context.now())
            .filter { $0.matcher == .identity(incident.identity) }
        guard !silences.isEmpty else {
            return ActionResult(
                reply: ConversationReply(
                    "*\(ConversationText.name(incident))* isn't silenced. (Name-pattern silences are listed by "
                        + "`\(settings.slashCommand) silences`.)"
                ),
                changed: false
            )
        }
        for silence in silences {
            try await context.store.removeSilence(workspace: context.workspace, id: silence.id)
            try await audit(
                source,
                action: "silence.remove",
                target: "silence:\(silence.id)",
                detail: "incident \(incident.id)"
            )
        }
        await refreshInvestigation(of: incident, source: source)
        return ActionResult(
            reply: ConversationReply(
                "🔔 \(SlackText.user(source.user)) lifted the silence on *\(ConversationText.name(incident))*; "
                    + "new alerts like it are investigated again."
            ),
            changed: true
        )
    }

    /// Why a silence duration is refused, or `nil` when it is fine.
    func durationProblem(_ duration: Duration) -> String? {
        if duration < .seconds(60) { return "A silence lasts at least a minute, e.g. `30m`, `2h` or `1d`." }
        if duration > settings.maximumSilence {
            return "A silence lasts at most \(HumanFormat.duration(settings.maximumSilence)) (`limits.max_silence`); "
                + "pick a shorter one and renew it if it is still needed then."
        }
        return nil
    }

    /// Why a silence name pattern is refused, or `nil` when it is fine: it needs at least
    /// ``ConversationSettings/silencePatternMinLiterals`` characters other than `*` and `?`, so `*e*` cannot
    /// silence nearly everything.
    func patternProblem(_ pattern: String) -> String? {
        let literals = pattern.filter { $0 != "*" && $0 != "?" && !$0.isWhitespace }.count
        guard literals < settings.silencePatternMinLiterals else { return nil }
        return "`\(SlackText.escaped(pattern, limit: 100))` would silence too many alerts: a pattern needs at least "
            + "\(HumanFormat.count(settings.silencePatternMinLiterals, "character")) besides `*` and `?` "
            + "(it has \(literals)). Name the alert, e.g. `silence HighCPU* 2h`."
    }

    // MARK: - Re-run

    /// Runs an incident's investigation again through the alert monitor (permission `rerun`).
    func rerun(incidentID: Int64, source: ActionSource) async throws -> ActionResult {
        guard let incident = try await context.incidents.incident(id: incidentID) else { return notFound(incidentID) }
        if let refusal = await policy.refusal(.rerun, on: incident, source: source) {
            return ActionResult(reply: refusal, changed: false)
        }
        // The monitor replaces the message and its check results. Approval requests raised by this re-run are the
        // person's: they may not approve them themselves.
        guard try await alertMonitor.rerun(incidentID: incidentID, investigationTS: source.messageTS,
                                           requestedBy: source.user)
        else {
            return ActionResult(
                reply: ConversationReply(
                    "I can't re-run incident `\(incidentID)`: its alert post is no longer stored (history is pruned after a while)."
                ),
                changed: false
            )
        }
        try await audit(source, action: "incident.rerun", target: "incident:\(incident.id)", detail: incident.name)
        investigationBlocks[incidentID] = nil  // the monitor replaced the message
        context.logger.info("investigation re-run", metadata: metadata(incident, source))
        return ActionResult(
            reply: ConversationReply(
                "🔁 Re-ran the investigation of *\(ConversationText.name(incident))* for \(SlackText.user(source.user)); "
                    + "my reply in its thread is updated."
            ),
            changed: true
        )
    }

    // MARK: - The investigation message

    /// Rebuilds the incident's investigation message from the store (status, who acknowledged or resolved it and
    /// when, an active silence) and replaces it with `chat.update`. Failures are logged: the action itself stands.
    ///
    /// The facts are gathered without running probes; the *Checks* section is kept from the results Vigil knows,
    /// else carried over from the message's previous blocks.
    func refreshInvestigation(of incident: Incident, source: ActionSource) async {
        guard let ts = incident.investigationTS ?? source.messageTS else { return }
        do {
            let alert = try await context.incidents.alert(of: incident)
            var facts = try await alertMonitor.facts(for: incident, alert: alert, runProbes: false)
            if let silence = try await context.store.activeSilence(matching: alert, workspace: context.workspace, at: context.now()) {
                facts.silence = InvestigationFacts.Silence(
                    id: String(silence.id),
                    createdBy: silence.createdBy,
                    expiresAt: silence.expiresAt,
                    reason: silence.reason
                )
            }
            facts.probeResults = await probeResults.results(of: incident.id)
            let options = messageOptions()
            let message: InvestigationMessage =
                switch incident.status {
                case .open: InvestigationMessage.investigation(facts, options: options)
                case .acknowledged: InvestigationMessage.acknowledgedUpdate(facts, options: options)
                case .resolved: InvestigationMessage.resolvedUpdate(facts, options: options)
                }
            var blocks = message.blocks
            if facts.probeResults.isEmpty {
                let previous =
                    source.messageBlocks.isEmpty ? (investigationBlocks[incident.id] ?? []) : source.messageBlocks
                blocks = Self.carryingOverChecks(from: previous, into: blocks)
            }
            try await context.slack.update(channel: incident.channel, ts: ts, text: message.text, blocks: blocks)
            investigationBlocks[incident.id] = blocks
        } catch {
            context.logger.warning(
                "could not update the investigation message: \(error)",
                metadata: [
                    "vigil.incident": "\(incident.id)", "slack.channel": "\(incident.channel)", "slack.ts": "\(ts)",
                ]
            )
        }
    }

    /// `blocks` with the *Checks* section of `previous` (from its "*Checks*" section up to the actions block)
    /// inserted before its actions block, within Slack's 50-block limit. Unchanged when `previous` has none.
    static func carryingOverChecks(from previous: [JSONValue], into blocks: [JSONValue]) -> [JSONValue] {
        func isActions(_ block: JSONValue) -> Bool {
            block["block_id"]?.stringValue == InvestigationMessage.actionsBlockID
        }
        guard
            let start = previous.firstIndex(where: {
                $0["type"]?.stringValue == "section" && ($0["text"]?["text"]?.stringValue ?? "").hasPrefix("*Checks*")
            }),
            let end = previous[start...].firstIndex(where: isActions),
            let insertAt = blocks.firstIndex(where: isActions),
            !blocks.contains(where: { ($0["text"]?["text"]?.stringValue ?? "").hasPrefix("*Checks*") })
        else { return blocks }
        let room = SlackText.Limit.blocks - blocks.count
        guard room > 0 else { return blocks }
        var result = blocks
        result.insert(contentsOf: previous[start..<end].prefix(room), at: insertAt)
        return result
    }

    // MARK: - Helpers

    /// Appends an audit entry for an action by `source`.
    func audit(_ source: ActionSource, action: String, target: String, detail: String) async throws {
        try await context.store.appendAudit(
            workspace: context.workspace,
            at: context.now(),
            actor: source.user,
            action: action,
            target: target,
            detail: detail,
            via: source.via
        )
    }

    private func notFound(_ id: Int64) -> ActionResult {
        ActionResult(reply: ConversationReply("I have no incident `\(id)` in this workspace."), changed: false)
    }

    /// "Already acknowledged by …" / "Already resolved …".
    private func alreadyDone(_ incident: Incident) -> String {
        switch incident.status {
        case .resolved:
            var text = "*\(ConversationText.name(incident))* (incident `\(incident.id)`) is already resolved"
            if let by = incident.resolvedBy { text += " by \(ConversationText.resolver(by))" }
            if let at = incident.resolvedAt { text += " at \(SlackText.date(at))" }
            return text + "."
        case .acknowledged:
            var text = "*\(ConversationText.name(incident))* (incident `\(incident.id)`) is already acknowledged"
            if let by = incident.acknowledgedBy { text += " by \(SlackText.user(by))" }
            if let at = incident.acknowledgedAt { text += " at \(SlackText.date(at))" }
            return text + "."
        case .open:
            return "*\(ConversationText.name(incident))* (incident `\(incident.id)`) is open."
        }
    }

    private func metadata(_ incident: Incident, _ source: ActionSource) -> Logger.Metadata {
        ["vigil.incident": "\(incident.id)", "slack.user": "\(source.user)", "vigil.via": "\(source.via.rawValue)"]
    }
}
