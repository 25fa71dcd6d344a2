import SlackWebClient
import Foundation
import Logging
import AlertInvestigation
import AlertReading
import VigilBase
import VigilStorage

/// Approval-gated probes of one workspace: reads the investigations as the alert monitor posts them
/// (``run(reading:)``), asks for approval of each probe that waits for a person's yes (a proposal in the alert
/// thread and a DM to each approver), takes the first decision by someone allowed (a button, `approve 17`, or a reply
/// in the request DM's thread read by ``ApprovalIntentDetector``), closes the request everywhere, and on approval runs
/// the probe and posts its output in the thread. Pending requests expire after
/// ``ConversationSettings/approvalTimeout``.
///
/// The conversation handlers hand it decisions; it calls nobody back. Time comes from the injected `now` only.
public actor ApprovalService {
    /// The workspace, its store and Web API client, the logger and the clock.
    let context: ConversationContext
    /// Who may approve, and which channels they can see.
    let policy: AccessPolicy
    /// Approvers, timeout, self-approval (replaced by ``apply(_:)`` on a configuration reload).
    var settings: ConversationSettings
    /// Runs approved probes.
    let probes: ProbeExecutor
    /// Where an approved run's result is added to the incident's.
    let probeResults: ProbeResultCache
    /// Reads free-text approval replies.
    let intentDetector = ApprovalIntentDetector()

    /// Approval requests by id: pending ones, and closed ones for a day (to answer late clicks precisely).
    var approvals: [String: ApprovalRequest] = [:]
    /// DM channel ids (`D…`) of users, learned from their DMs and clicks; `chat.update` needs them.
    var directChannels: [String: String] = [:]
    /// Approval requests whose messages are being posted now: a reply in a DM thread Vigil does not know yet may be
    /// about one of them (the reply can arrive before `chat.postMessage` has answered with the DM's ts).
    var approvalPostingsInFlight = 0
    /// Replies waiting for ``approvalPostingsInFlight`` to reach zero.
    var approvalPostingWaiters: [CheckedContinuation<Void, Never>] = []

    /// Creates the approvals of one workspace.
    ///
    /// - Parameters:
    ///   - workspace: The team id; every audit entry carries it.
    ///   - store: The audit log and incidents.
    ///   - slack: The workspace's Web API client.
    ///   - settings: Approvers, permissions, the timeout.
    ///   - userGroups: Resolves user groups named in permissions; `nil` treats every group as empty (logged).
    ///   - probeResults: The probe-result cache (the alert monitor's ``AlertChannelMonitor/probeResults``).
    ///   - probes: Runs approved probes.
    ///   - logger: For decisions and failures.
    ///   - now: The wall clock (injected so tests control expiry).
    public init(
        workspace: String,
        store: any VigilStore,
        slack: any SlackMessaging,
        settings: ConversationSettings = ConversationSettings(),
        userGroups: (any UserGroupResolver)? = nil,
        probeResults: ProbeResultCache,
        probes: ProbeExecutor = ProbeExecutor(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let context = ConversationContext(workspace: workspace, store: store, slack: slack, logger: logger, now: now)
        self.context = context
        self.settings = settings
        self.policy = AccessPolicy(context: context, settings: settings, userGroups: userGroups)
        self.probeResults = probeResults
        self.probes = probes
    }

    /// Applies new settings (a configuration reload): approvers, the timeout and self-approval count from the next
    /// request or decision on; requests already pending keep their expiry.
    public func apply(_ newSettings: ConversationSettings) {
        var newSettings = newSettings
        if newSettings.workspaceURL == nil { newSettings.workspaceURL = settings.workspaceURL }
        settings = newSettings
    }

    // MARK: - Reading investigations

    /// Asks for approval of every probe that waits for one in each investigation of `investigations` (the alert
    /// monitor's ``AlertChannelMonitor/postedInvestigations``), in the order they were posted, until the stream
    /// ends or the task is cancelled. A request still pending for the same incident and probe is not asked again
    /// (a re-run does not spam the approvers).
    public func run(reading investigations: AsyncStream<InvestigationPosted>) async {
        for await posted in investigations {
            await investigationPosted(posted)
        }
    }

    /// Asks for approval of the probes of one posted investigation that wait for it.
    func investigationPosted(_ posted: InvestigationPosted) async {
        for probe in posted.awaitingApproval {
            do {
                try await requestApproval(incident: posted.incident, probe: probe, requestedBy: posted.requestedBy)
            } catch {
                context.logger.error(
                    "could not record an approval request; the probe will not run: \(error)",
                    metadata: ["vigil.incident": "\(posted.incident.id)", "vigil.probe": "\(probe.name)"]
                )
            }
        }
    }

    /// Pending approval requests, oldest first.
    public var pendingApprovals: [ApprovalRequest] {
        approvals.values.filter(\.state.isPending).sorted { Self.requestOrder($0.id, $1.id) }
    }

    /// The approval request with this id, if Vigil still holds it (pending, or closed within the last day).
    public func approval(id: String) -> ApprovalRequest? { approvals[id] }

    /// Records a user's DM channel and points their approval DMs at it.
    func learnDirectChannel(user: String, channel: String) {
        guard directChannels[user] != channel else { return }
        directChannels[user] = channel
        for (id, request) in approvals {
            var changed = request
            for index in changed.messages.indices where changed.messages[index].recipient == user {
                changed.messages[index].channel = channel
            }
            if changed != request { approvals[id] = changed }
        }
    }

    /// Orders numeric request ids numerically.
    static func requestOrder(_ lhs: String, _ rhs: String) -> Bool {
        switch (Int64(lhs), Int64(rhs)) {
        case (let left?, let right?): left < right
        default: lhs < rhs
        }
    }

    /// The `block_id` of the approval buttons.
    static let approvalActionsBlockID = "vigil_approval_actions"

    // MARK: - Requesting

    /// Asks for approval to run `probe` for `incident`: posts a proposal with Approve/Deny buttons in the alert
    /// thread and DMs it to every approver (posting to a user id opens the DM). A request for the same incident
    /// and probe that is still pending is returned instead of a new one.
    ///
    /// The request is recorded in the audit log (`approval.request`, then `approval.posted` with where the messages
    /// are), so a restart can expire it (``expireApprovalsLeftOpenByRestart()``).
    ///
    /// - Parameters:
    ///   - incident: The incident whose investigation proposed the probe.
    ///   - probe: The probe (normally one whose ``ProbeSpec/requiresApproval`` is `true` and whose result was
    ///     ``ProbeOutcome/awaitingApproval``).
    ///   - requestedBy: Who asked for the re-run that proposed it (they may not approve it themselves), if anyone.
    /// - Returns: The request as it stands after posting.
    /// - Throws: Store errors (nothing was posted then); failures to post are logged, not thrown.
    @discardableResult
    public func requestApproval(incident: Incident, probe: ProbeSpec, requestedBy: String? = nil) async throws
        -> ApprovalRequest
    {
        await expireApprovals(now: context.now())
        if let existing = approvals.values.first(where: {
            $0.state.isPending && $0.incidentID == incident.id && $0.probe.name == probe.name
        }) {
            return existing
        }
        let requestedAt = context.now()
        let expiresAt = requestedAt.addingTimeInterval(settings.approvalTimeout.seconds)
        let entry = try await context.store.appendAudit(
            workspace: context.workspace,
            at: requestedAt,
            actor: requestedBy,
            action: "approval.request",
            target: "incident:\(incident.id)",
            detail: "probe \(probe.name); expires \(HumanFormat.utc(expiresAt))"
                + (requestedBy.map { "; re-run by \($0)" } ?? ""),
            via: .system
        )
        let id = String(entry.id)
        let request = ApprovalRequest(
            id: id,
            incidentID: incident.id,
            channel: incident.channel,
            rootTS: incident.rootTS,
            alertName: incident.name,
            probe: probe,
            requestedAt: requestedAt,
            expiresAt: expiresAt,
            requestedBy: requestedBy
        )
        approvals[id] = request
        context.logger.info(
            "approval requested",
            metadata: [
                "vigil.incident": "\(incident.id)", "vigil.approval": "\(id)", "vigil.probe": "\(probe.name)",
            ]
        )

        approvalPostingsInFlight += 1
        defer { finishApprovalPosting() }
        var posted: [ApprovalRequest.Message] = []
        let proposal = approvalMessage(request, recipient: nil)
        do {
            let ts = try await context.slack.post(
                channel: incident.channel,
                text: proposal.text,
                blocks: proposal.blocks,
                threadTS: incident.rootTS,
                priority: .investigation
            )
            posted.append(ApprovalRequest.Message(channel: incident.channel, ts: ts, recipient: nil))
        } catch {
            context.logger.warning(
                "could not post the approval proposal in the thread: \(error)",
                metadata: ["vigil.approval": "\(id)"]
            )
        }
        for approver in settings.approvers {
            let message = approvalMessage(request, recipient: approver)
            let channel = await directChannel(of: approver, approval: id)
            do {
                let ts = try await context.slack.post(
                    channel: channel,
                    text: message.text,
                    blocks: message.blocks,
                    threadTS: nil,
                    priority: .investigation
                )
                posted.append(ApprovalRequest.Message(channel: channel, ts: ts, recipient: approver))
            } catch {
                context.logger.warning(
                    "could not DM an approver: \(error)",
                    metadata: ["vigil.approval": "\(id)", "slack.user": "\(approver)"]
                )
            }
        }
        // Decisions may have arrived while posting: record the messages, then bring late ones up to date.
        approvals[id]?.messages += posted
        try await context.store.appendAudit(
            workspace: context.workspace,
            at: context.now(),
            actor: nil,
            action: "approval.posted",
            target: "approval:\(id)",
            detail: Self.encode(posted),
            via: .system
        )
        guard var current = approvals[id] else { return request }
        if !current.state.isPending { await showClosed(current, only: posted) }
        current = approvals[id] ?? current
        return current
    }

    /// The DM channel (`D…`) of `user`: learned from their messages and clicks, else opened with
    /// `conversations.open`. If that fails the user id stands in (Slack accepts it for posting, but the message
    /// can then only be updated once Vigil learns the `D…` id from a reply or click).
    private func directChannel(of user: String, approval id: String) async -> String {
        if let known = directChannels[user] { return known }
        do {
            let channel = try await context.slack.openDirectMessage(user: user)
            learnDirectChannel(user: user, channel: channel)
            return channel
        } catch {
            context.logger.warning(
                "could not open a DM with an approver; posting to the user id: \(error)",
                metadata: ["vigil.approval": "\(id)", "slack.user": "\(user)"]
            )
            return user
        }
    }

    // MARK: - Deciding

    /// Approves or denies a request on behalf of `source.user`: checks they may (`permissions.approve`, the
    /// request's channel, and not their own request unless ``ConversationSettings/allowSelfApproval``), closes the
    /// request everywhere (thread proposal and DMs), audits the decision, and on approval runs the probe and posts
    /// its result in the thread.
    func decide(
        requestID: String,
        intent: ApprovalIntent,
        source: ActionSource
    ) async throws -> ActionResult {
        let user = source.user
        let via = source.via
        guard intent != .unclear else {
            return ActionResult(reply: ConversationReply("Approve or deny?"), changed: false)
        }
        guard let request = approvals[requestID] else {
            return ActionResult(reply: try await describeUnknownRequest(requestID), changed: false)
        }
        guard request.state.isPending else {
            return ActionResult(
                reply: ConversationReply(Self.closedLine(request.state, probe: request.probe)),
                changed: false
            )
        }
        if let (refusal, why) = await approvalRefusal(request, intent: intent, source: source) {
            try await context.store.appendAudit(
                workspace: context.workspace,
                at: context.now(),
                actor: user,
                action: "approval.refused",
                target: "approval:\(requestID)",
                detail: "\(why); tried to \(intent.rawValue)",
                via: via
            )
            return ActionResult(reply: refusal, changed: false)
        }
        // Re-read after the permission check's suspension: someone else may have decided meanwhile.
        guard var current = approvals[requestID], current.state.isPending else {
            let state = approvals[requestID]?.state ?? .expired(at: context.now())
            return ActionResult(reply: ConversationReply(Self.closedLine(state, probe: request.probe)), changed: false)
        }
        let at = context.now()
        current.state = intent == .approve ? .approved(by: user, at: at, via: via) : .denied(by: user, at: at, via: via)
        approvals[requestID] = current
        try await context.store.appendAudit(
            workspace: context.workspace,
            at: at,
            actor: user,
            action: intent == .approve ? "approval.approve" : "approval.deny",
            target: "approval:\(requestID)",
            detail: "probe \(current.probe.name) for incident \(current.incidentID)",
            via: via
        )
        context.logger.info(
            "approval decided",
            metadata: [
                "vigil.approval": "\(requestID)", "vigil.decision": "\(intent.rawValue)", "slack.user": "\(user)",
                "vigil.via": "\(via.rawValue)",
            ]
        )
        await showClosed(current, only: nil)
        guard intent == .approve else {
            return ActionResult(
                reply: ConversationReply("⛔ Denied: `\(ConversationText.probeName(current.probe))` will not run."),
                changed: true
            )
        }
        await runApproved(current, approvedBy: user)
        return ActionResult(
            reply: ConversationReply(
                "✅ Approved: I ran `\(ConversationText.probeName(current.probe))` and posted the result in the alert's thread."
            ),
            changed: true
        )
    }

    /// Why `source` may not decide on `request`, with a short reason for the audit log; `nil` when they may.
    private func approvalRefusal(
        _ request: ApprovalRequest,
        intent: ApprovalIntent,
        source: ActionSource
    ) async -> (ConversationReply, String)? {
        if let refusal = await policy.refusal(.approve, user: source.user) { return (refusal, "not allowed to approve") }
        switch await policy.access(to: request.channel, for: .approve, source: source) {
        case .visible: break
        case .unknown:
            return (
                .refusal(
                    "I couldn't check whether you can see request `\(request.id)`'s channel (Slack didn't answer), "
                        + "so I did nothing. Try again in a minute."
                ), "channel membership unknown"
            )
        case .hidden:
            return (
                .refusal(
                    "Request `\(request.id)` belongs to a channel you're not a member of, so I can't take your "
                        + "decision. An admin can name you in `permissions.approve`."
                ), "cannot see the channel"
            )
        }
        if intent == .approve, request.requestedBy == source.user, !settings.allowSelfApproval {
            context.logger.info(
                "self-approval refused",
                metadata: ["vigil.approval": "\(request.id)", "slack.user": "\(source.user)"]
            )
            return (
                .refusal(
                    "You asked for this run (request `\(request.id)`), so someone else has to approve it: a second "
                        + "pair of eyes is the point of approvals. You can still deny it. (An admin can allow "
                        + "self-approval with `approvals.allow_self_approval`.)"
                ), "own request"
            )
        }
        return nil
    }

    /// The request whose DM thread `threadTS` is, if any. When no known message has that ts while requests are
    /// being posted, waits for the postings first: the reply may be to a DM whose ts Vigil has not been told yet.
    func request(inThread threadTS: String?) async -> ApprovalRequest? {
        guard let threadTS else { return nil }
        func known() -> ApprovalRequest? { approvals.values.first { $0.messages.contains { $0.ts == threadTS } } }
        if let match = known() { return match }
        while approvalPostingsInFlight > 0 {
            await withCheckedContinuation { approvalPostingWaiters.append($0) }
        }
        return known()
    }

    /// Ends one request's posting; wakes the replies waiting in ``request(inThread:)`` when none is left.
    private func finishApprovalPosting() {
        approvalPostingsInFlight -= 1
        guard approvalPostingsInFlight == 0 else { return }
        let waiters = approvalPostingWaiters
        approvalPostingWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Where a typed `approve`/`deny` was written.
    enum CommandPlace: Sendable {
        /// A DM with Vigil, in the thread `threadTS` when it was a thread reply.
        case direct(threadTS: String?)
        /// The thread of the alert of this incident.
        case incidentThread(Int64)
        /// Anywhere else.
        case elsewhere
    }

    /// `approve [id]` / `deny [id]` typed in a thread or DM. Without an id it is about the request whose thread it
    /// is in (a request's DM thread, or the alert thread it was proposed in); anywhere else it decides nothing and
    /// asks for the id.
    func decideByCommand(
        _ intent: ApprovalIntent,
        requestID: String?,
        source: ActionSource,
        place: CommandPlace
    ) async throws -> ConversationReply {
        if let requestID {
            return try await decide(requestID: requestID, intent: intent, source: source).reply
        }
        let incidentID: Int64
        switch place {
        case .direct(let threadTS):
            if let match = await request(inThread: threadTS) {
                return try await decide(requestID: match.id, intent: intent, source: source).reply
            }
            return try await howToDecide(intent: intent, source: source)
                ?? ConversationReply("There is no probe waiting for approval.")
        case .elsewhere:
            return try await howToDecide(intent: intent, source: source)
                ?? ConversationReply("There is no probe waiting for approval.")
        case .incidentThread(let id):
            incidentID = id
        }
        let candidates = pendingApprovals.filter { $0.incidentID == incidentID }
        switch candidates.count {
        case 0: return ConversationReply("There is no probe waiting for approval in this thread.")
        case 1: return try await decide(requestID: candidates[0].id, intent: intent, source: source).reply
        default: return ConversationReply(Self.whichRequest(candidates, intent: intent))
        }
    }

    /// Reads a DM that is no command as an answer to a request. Only a reply in the thread of a request's DM, or a
    /// message naming a pending request's id ("ok 17"), decides; a bare "ok" or 👍 anywhere else decides nothing
    /// and Vigil says how to approve.
    ///
    /// - Returns: the answer, or `nil` when the message is not about an approval (no pending request, the sender
    ///   may not decide, or it reads as neither yes nor no outside a request's thread).
    func approvalReply(_ text: String, source: ActionSource, threadTS: String?) async throws -> ConversationReply? {
        let user = source.user
        let intent = intentDetector.detect(text)
        if let match = await request(inThread: threadTS) ?? namedRequest(in: text) {
            // Only people who may decide are read as answering; anyone else gets the usual help.
            guard await policy.permission(.approve, user: user) == .allowed else { return nil }
            guard match.state.isPending else { return ConversationReply(Self.closedLine(match.state, probe: match.probe)) }
            guard intent != .unclear else {
                context.logger.info("approval reply unclear; asked again", metadata: ["slack.user": "\(user)"])
                return ConversationReply(
                    "I couldn't tell whether that's a yes or a no, so I did nothing. Should I run "
                        + "`\(ConversationText.probeName(match.probe))` for *\(SlackText.escaped(match.alertName, limit: 150))* "
                        + "(request `\(match.id)`)? Reply *approve* or *deny*, or use the buttons. (For anything else, "
                        + "`help` lists what I can do.)"
                )
            }
            var textSource = source
            textSource.via = .text
            return try await decide(requestID: match.id, intent: intent, source: textSource).reply
        }
        guard intent != .unclear, await policy.permission(.approve, user: user) == .allowed else { return nil }
        context.logger.info("approval-like reply outside a request thread; nothing decided", metadata: ["slack.user": "\(user)"])
        return try await howToDecide(intent: intent, source: source)
    }

    /// The pending request whose id `text` names as a word of its own (`ok 17`, `yes #17`), if exactly one.
    private func namedRequest(in text: String) -> ApprovalRequest? {
        let words = text.split { !$0.isNumber }.map(String.init)
        let named = pendingApprovals.filter { words.contains($0.id) }
        return named.count == 1 ? named[0] : nil
    }

    /// "I did nothing; here is how to decide" with the pending requests `source` can see, or `nil` when there are
    /// none.
    func howToDecide(intent: ApprovalIntent, source: ActionSource) async throws -> ConversationReply? {
        let pending = pendingApprovals
        let (visible, _) = await policy.visibleChannels(Set(pending.map(\.channel)), to: .person(source))
        let candidates = pending.filter { visible.contains($0.channel) }
        guard let first = candidates.first else { return nil }
        let verb = intent == .deny ? "deny" : "approve"
        let lines = candidates.map {
            "• `\(verb) \($0.id)`: run `\(ConversationText.probeName($0.probe))` for "
                + "*\(SlackText.escaped($0.alertName, limit: 150))*"
        }
        return ConversationReply(
            (["I did nothing: a yes or no only counts as a reply in the thread of my request message, or with the "
                + "request's id (e.g. `\(verb) \(first.id)`), or with the buttons. Waiting for a decision:"] + lines)
                .joined(separator: "\n")
        )
    }

    private static func whichRequest(_ candidates: [ApprovalRequest], intent: ApprovalIntent) -> String {
        let lines = candidates.map {
            "• `\($0.id)`: run `\(ConversationText.probeName($0.probe))` for *\(SlackText.escaped($0.alertName, limit: 150))*"
        }
        return (["Several probes are waiting for approval; which one? Reply `\(intent.rawValue) <id>`:"] + lines)
            .joined(separator: "\n")
    }

    /// Runs an approved probe and posts its result in the alert thread.
    private func runApproved(_ request: ApprovalRequest, approvedBy user: String) async {
        do {
            let alert: Alert
            if let incident = try await context.incidents.incident(id: request.incidentID) {
                alert = try await context.incidents.alert(of: incident)
            } else {
                alert = Alert(
                    source: .generic,
                    status: .firing,
                    severity: .unknown,
                    name: request.alertName,
                    identity: ""
                )
            }
            let result = try await probes.run(request.probe, alert: alert, logger: context.logger)
            await probeResults.merge([result], into: request.incidentID)
            try await context.store.appendAudit(
                workspace: context.workspace,
                at: context.now(),
                actor: nil,
                action: "probe.run",
                target: "incident:\(request.incidentID)",
                detail:
                    "\(request.probe.name) (approval \(request.id)): \(result.outcome.isSuccess ? "succeeded" : "did not succeed")",
                via: .system
            )
            var text =
                "🔧 Ran `\(ConversationText.probeName(request.probe))`, approved by \(SlackText.user(user)):\n"
                + InvestigationMessage.checkLine(result)
            if let block = SlackText.codeBlock(result.output, maxLines: 30, maxLength: 2_800) { text += "\n" + block }
            if result.truncatedBytes > 0 {
                text += "\n_… \(result.truncatedBytes) more bytes of output were not captured_"
            }
            _ = try await context.slack.post(
                channel: request.channel,
                text: text,
                blocks: nil,
                threadTS: request.rootTS,
                priority: .investigation
            )
        } catch {
            context.logger.error("running an approved probe failed: \(error)", metadata: ["vigil.approval": "\(request.id)"])
            _ = try? await context.slack.post(
                channel: request.channel,
                text:
                    "⚠️ `\(ConversationText.probeName(request.probe))` was approved but could not be run: \(ConversationText.shortError(error))",
                blocks: nil,
                threadTS: request.rootTS,
                priority: .investigation
            )
        }
    }

    // MARK: - Expiry

    /// Expires every pending request whose time is up at `now`: audits it and shows "Expired" on its messages.
    /// Called on every interaction; the daemon also calls it periodically (e.g. every minute).
    ///
    /// - Returns: The requests that expired now.
    @discardableResult
    public func expireApprovals(now: Date) async -> [ApprovalRequest] {
        var expired: [ApprovalRequest] = []
        for (id, request) in approvals {
            if request.state.isPending, request.expiresAt <= now {
                approvals[id]?.state = .expired(at: now)
                if let closed = approvals[id] { expired.append(closed) }
            } else if !request.state.isPending, request.expiresAt.addingTimeInterval(86_400) < now {
                approvals[id] = nil  // closed a day ago: forget it
            }
        }
        for request in expired.sorted(by: { Self.requestOrder($0.id, $1.id) }) {
            context.logger.info("approval request expired", metadata: ["vigil.approval": "\(request.id)"])
            do {
                try await context.store.appendAudit(
                    workspace: context.workspace,
                    at: now,
                    actor: nil,
                    action: "approval.expire",
                    target: "approval:\(request.id)",
                    detail: "nobody decided within \(HumanFormat.duration(settings.approvalTimeout))",
                    via: .system
                )
            } catch {
                context.logger.error(
                    "could not audit an expired approval: \(error)",
                    metadata: ["vigil.approval": "\(request.id)"]
                )
            }
            await showClosed(request, only: nil)
        }
        return expired
    }

    /// Expires the requests a previous run of Vigil left open (found in the audit log with no decision), and
    /// updates their messages to say so. Call once at startup, before handling envelopes.
    ///
    /// - Returns: How many requests were expired.
    @discardableResult
    public func expireApprovalsLeftOpenByRestart() async throws -> Int {
        let entries = try await context.store.recentAudit(workspace: context.workspace, limit: 2_000)
        var closed: Set<String> = []
        var messages: [String: [ApprovalRequest.Message]] = [:]
        for entry in entries where entry.target.hasPrefix("approval:") {
            let id = String(entry.target.dropFirst("approval:".count))
            switch entry.action {
            case "approval.approve", "approval.deny", "approval.expire": closed.insert(id)
            case "approval.posted": messages[id] = Self.decodeMessages(entry.detail)
            default: break
            }
        }
        var count = 0
        for entry in entries where entry.action == "approval.request" {
            let id = String(entry.id)
            guard !closed.contains(id), approvals[id] == nil else { continue }
            count += 1
            try await context.store.appendAudit(
                workspace: context.workspace,
                at: context.now(),
                actor: nil,
                action: "approval.expire",
                target: "approval:\(id)",
                detail: "Vigil restarted before anyone decided",
                via: .system
            )
            let text =
                "⌛ Expired: Vigil restarted before anyone decided on request `\(id)` (\(SlackText.escaped(entry.detail, limit: 200))). "
                + "The probe did not run; `rerun` in the alert thread asks again."
            for message in messages[id] ?? [] {
                do {
                    try await context.slack.update(
                        channel: message.channel,
                        ts: message.ts,
                        text: text,
                        blocks: [BlockKit.section(text)]
                    )
                } catch {
                    context.logger.warning(
                        "could not mark an approval message expired: \(error)",
                        metadata: ["vigil.approval": "\(id)"]
                    )
                }
            }
            context.logger.info("approval request left open by a restart expired", metadata: ["vigil.approval": "\(id)"])
        }
        return count
    }

    /// Why a request id is not pending, from the audit log (Vigil restarted since, or it never existed).
    private func describeUnknownRequest(_ id: String) async throws -> ConversationReply {
        let entries = try await context.store.auditEntries(workspace: context.workspace, target: "approval:\(id)", limit: 10)
        if let decision = entries.first(where: { $0.action == "approval.approve" || $0.action == "approval.deny" }) {
            let verb = decision.action == "approval.approve" ? "approved" : "denied"
            return ConversationReply(
                "Request `\(id)` was already \(verb) by \(decision.actor.map(SlackText.user) ?? "someone") at \(SlackText.date(decision.at))."
            )
        }
        if entries.contains(where: { $0.action == "approval.expire" || $0.action == "approval.posted" }) {
            return ConversationReply(
                "Request `\(id)` has expired; the probe did not run. `rerun` in the alert thread asks again."
            )
        }
        return ConversationReply("I have no approval request `\(id)`.")
    }

    // MARK: - Messages

    /// The proposal (thread) or request (DM) message; closed requests lose their buttons and gain a status line.
    func approvalMessage(_ request: ApprovalRequest, recipient: String?) -> (text: String, blocks: [JSONValue]) {
        let probe = ConversationText.probeName(request.probe)
        let name = SlackText.escaped(InvestigationMessage.oneLine(request.alertName), limit: 150)
        var text = "✋ *Approval needed* to run `\(probe)` for *\(name)* (incident `\(request.incidentID)`)."
        if case .command(_, let executable, let arguments, _, _, _) = request.probe {
            let line = ([executable] + arguments).joined(separator: " ")
            text += "\nIt runs: `\(SlackText.escaped(InvestigationMessage.oneLine(line), limit: 300))`"
        }
        if recipient != nil,
            let url = SlackText.threadURL(
                channelID: request.channel,
                rootTS: request.rootTS,
                permalink: nil,
                workspaceURL: settings.workspaceURL
            )
        {
            text += "\nThe alert: \(SlackText.link(url: url, label: "its thread")) in <#\(request.channel)>"
        }
        var blocks = [BlockKit.section(text)]
        switch request.state {
        case .pending:
            var context = "Request `\(request.id)` · expires \(SlackText.date(request.expiresAt))"
            if let requestedBy = request.requestedBy {
                context += " · asked for by \(SlackText.user(requestedBy))'s re-run"
                if !settings.allowSelfApproval { context += " (someone else approves)" }
            }
            if recipient != nil {
                context += " · reply *approve* or *deny* in this thread, or use the buttons"
            } else if settings.permissions.approve.isNobody {
                context += " · nobody may approve probes here (`permissions.approve` is empty), so it will expire"
            } else if !settings.approvers.isEmpty {
                context += " · approvers: " + settings.approvers.map(SlackText.user).joined(separator: ", ")
            }
            blocks.append(BlockKit.context([context]))
            blocks.append(
                BlockKit.actions(
                    [
                        BlockKit.button(
                            "Approve",
                            actionID: ApprovalActionID.approve,
                            value: request.id,
                            style: "primary"
                        ),
                        BlockKit.button("Deny", actionID: ApprovalActionID.deny, value: request.id, style: "danger"),
                    ],
                    blockID: Self.approvalActionsBlockID
                )
            )
            return (text, blocks)
        default:
            let line = Self.closedLine(request.state, probe: request.probe)
            blocks.append(BlockKit.context(["Request `\(request.id)` · " + line]))
            return (text + "\n" + line, blocks)
        }
    }

    /// "✅ Approved by <@U…> at … (button)" and the like.
    static func closedLine(_ state: ApprovalRequest.State, probe: ProbeSpec) -> String {
        func how(_ via: AuditEntry.Via) -> String {
            switch via {
            case .button: "with the button"
            case .text: "by message"
            case .command: "by command"
            case .system: "by Vigil"
            }
        }
        switch state {
        case .pending:
            return "Waiting for approval."
        case .approved(let by, let at, let via):
            return
                "✅ Approved by \(SlackText.user(by)) at \(SlackText.date(at)) \(how(via)); `\(ConversationText.probeName(probe))` was run."
        case .denied(let by, let at, let via):
            return
                "⛔ Denied by \(SlackText.user(by)) at \(SlackText.date(at)) \(how(via)); `\(ConversationText.probeName(probe))` did not run."
        case .expired(let at):
            return
                "⌛ Expired at \(SlackText.date(at)): nobody decided in time; `\(ConversationText.probeName(probe))` did not run."
        }
    }

    /// Updates the request's messages (or only `only`) to its closed state.
    private func showClosed(_ request: ApprovalRequest, only: [ApprovalRequest.Message]?) async {
        for message in only ?? request.messages {
            let rendered = approvalMessage(request, recipient: message.recipient)
            do {
                try await context.slack.update(
                    channel: message.channel,
                    ts: message.ts,
                    text: rendered.text,
                    blocks: rendered.blocks
                )
            } catch {
                context.logger.warning(
                    "could not update an approval message: \(error)",
                    metadata: [
                        "vigil.approval": "\(request.id)", "slack.channel": "\(message.channel)",
                    ]
                )
            }
        }
    }

    // MARK: - Audit encoding of message locations

    /// `C1/1700000000.000100 U2@D2/1700000000.000200`: the thread proposal, then `recipient@channel/ts` DMs.
    static func encode(_ messages: [ApprovalRequest.Message]) -> String {
        messages.map { ($0.recipient.map { "\($0)@" } ?? "") + "\($0.channel)/\($0.ts)" }.joined(separator: " ")
    }

    /// Reads what ``encode(_:)`` wrote; malformed tokens are skipped.
    static func decodeMessages(_ text: String) -> [ApprovalRequest.Message] {
        text.split(separator: " ").compactMap { token in
            var rest = Substring(token)
            var recipient: String?
            if let at = rest.firstIndex(of: "@") {
                recipient = String(rest[..<at])
                rest = rest[rest.index(after: at)...]
            }
            let parts = rest.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return ApprovalRequest.Message(channel: String(parts[0]), ts: String(parts[1]), recipient: recipient)
        }
    }
}

/// The `action_id`s of the approval buttons; each button's `value` is the request id.
enum ApprovalActionID {
    /// Approve the request.
    static let approve = "vigil_approve"
    /// Deny the request.
    static let deny = "vigil_deny"
}
