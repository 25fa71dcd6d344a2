import Foundation
import Logging
import Metrics
import Synchronization
import AlertInvestigation
import AlertReading
import SlackSocketMode
import SlackWebClient
import VigilBase
import VigilStorage

/// Watches one workspace's alert channels: recognises monitoring-bot posts, records them as incidents, and answers
/// each new alert with one investigation reply in its thread.
///
/// Rules, in order (reasons in docs/architecture.md):
/// 1. ``MessageClassifier`` decides what a message is. Only bot posts at a thread root in a watched channel can open
///    an incident; a bot's thread reply or an edit of a bot post is a state change of the existing alert (never a
///    new one); people's posts are left to the conversation handler; Vigil's own posts are ignored.
/// 2. Every post is handled once, across Events API redeliveries, restarts and catch-up: the alert's row, written in
///    the same transaction as its incident (`recordAlert`), is the gate for alerts; `markMessageHandled(channel, ts)`
///    for other posts and for state changes, written after the change was applied.
/// 5. Nothing is lost to a failing store (disk full, I/O error): a handling whose store write fails is retried with
///    backoff; if it still fails, its post stays owed: ``recoverOwedPosts()`` waits until the store takes writes
///    again, moves the channel's cursor back before the post, and catches up, so the post is handled once.
/// 3. A new incident is investigated unless it is silenced, its channel is in storm mode, or it is flapping and was
///    already flagged (flapping is flagged once; further flaps are recorded, not re-investigated).
/// 4. A resolution (a resolved post, an edit, a bot reply) closes the incident: ✅ on the alert, a short note in its
///    thread, and the investigation message updated in place.
/// 6. Every root bot post in a watched channel is answered once (docs/alert-formats.md, "Every post is answered"):
///    a post whose status is not stated is investigated as firing, a repeat gets one line naming the alert and its
///    severity, a resolution or update of nothing open gets a one-line note.
public actor AlertChannelMonitor {
    private let workspace: String
    private let store: any VigilStore
    private let slack: any SlackMessaging
    private let own: MessageClassifier.OwnIdentity
    private var settings: AlertChannelSettings
    private let probes: ProbeExecutor
    private let logger: Logger
    private let activity: WorkerActivityLog?
    private let now: @Sendable () -> Date

    private var watched: Set<String> = [] {
        didSet { watchedSnapshot.withLock { $0 = watched } }
    }
    /// A copy of ``watched`` readable without awaiting the actor (the router filters every envelope with it).
    private nonisolated let watchedSnapshot = Mutex<Set<String>>([])
    /// Channels whose storm summary is being posted or updated right now, and whether another update is due.
    private var stormUpdates: [String: Bool] = [:]
    /// The check results of each incident's latest investigation (and approved runs), so the message updated on
    /// resolution keeps its *Checks* section; shared with the conversation layer, which reads it.
    public nonisolated let probeResults: ProbeResultCache
    /// New incidents whose investigation is being gathered or posted, with the resolution that arrived meanwhile
    /// (if any): that resolution found no message to update, so it is finished once the investigation is posted.
    private var investigationsInFlight: [Int64: PendingResolution?] = [:]

    /// Whether watched channels are private, as Slack last said (for naming related alerts across channels).
    private var channelPrivacy: [String: (isPrivate: Bool, at: Date)] = [:]
    /// How long ``channelPrivacy`` answers are trusted.
    static let channelPrivacyLifetime: TimeInterval = 600

    /// Per channel, the oldest post whose handling failed on a store error after every retry.
    private var owedPosts: [String: String] = [:]
    /// Tells the workspace that the store failed (the reason), so that it runs ``recoverOwedPosts()``.
    private let storeFailures: (stream: AsyncStream<String>, continuation: AsyncStream<String>.Continuation) =
        AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    /// Delays between the attempts of a handling whose store write failed (about 8 s in all).
    public static let defaultStoreRetryDelays: [Duration] = [
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4),
    ]
    private let storeRetryDelays: [Duration]

    /// Every investigation posted, for one consumer (the approvals); unbounded, so none is lost while it is busy.
    private let posted: (stream: AsyncStream<InvestigationPosted>, continuation: AsyncStream<InvestigationPosted>.Continuation) =
        AsyncStream.makeStream(of: InvestigationPosted.self)

    private struct PendingResolution: Sendable {
        var incident: Incident
        var alert: Alert
    }

    /// - Parameters:
    ///   - workspace: the team id; every stored row carries it.
    ///   - store: incidents, dedupe gates, cursors.
    ///   - slack: the workspace's rate-limited Web API client.
    ///   - own: Vigil's bot id and user id from `auth.test`, so its own posts are never taken for alerts.
    ///   - settings: storm, flapping, related-alert and catch-up tuning, and the runbook rules.
    ///   - probes: runs runbook checks.
    ///   - logger: for decisions and failures; never given message contents beyond names.
    ///   - now: the wall clock (injectable for tests).
    ///   - storeRetryDelays: the waits between attempts of a handling whose store write failed, before its post is
    ///     owed.
    ///   - probeResults: where investigations' check results are kept (read by the conversation layer).
    ///   - activity: where flaps recorded without an investigation, lost answers found and passes over owed
    ///     investigations are recorded (``WorkerActivity``); `nil` records nothing (production).
    public init(
        workspace: String,
        store: any VigilStore,
        slack: any SlackMessaging,
        own: MessageClassifier.OwnIdentity,
        settings: AlertChannelSettings = AlertChannelSettings(),
        probes: ProbeExecutor = ProbeExecutor(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        storeRetryDelays: [Duration] = AlertChannelMonitor.defaultStoreRetryDelays,
        probeResults: ProbeResultCache = ProbeResultCache(),
        activity: WorkerActivityLog? = nil
    ) {
        self.storeRetryDelays = storeRetryDelays
        self.probeResults = probeResults
        self.workspace = workspace
        self.store = store
        self.slack = slack
        self.own = own
        self.settings = settings
        self.probes = probes
        self.logger = logger
        self.activity = activity
        self.now = now
    }

    /// The investigations posted (new alerts, resumed ones and re-runs), in order, as they are posted. One consumer
    /// (``ApprovalService/run(reading:)``); the stream ends when the monitor is released.
    public nonisolated var postedInvestigations: AsyncStream<InvestigationPosted> { posted.stream }

    deinit {
        posted.continuation.finish()
    }

    /// Applies new tuning and runbook rules (a configuration reload); investigations from now on use them. The
    /// workspace URL learned from `auth.test` is kept when the new settings have none.
    public func apply(_ newSettings: AlertChannelSettings) {
        var newSettings = newSettings
        if newSettings.workspaceURL == nil { newSettings.workspaceURL = settings.workspaceURL }
        settings = newSettings
    }

    // MARK: - Watched channels

    /// Follows a change of the channels listed in the configuration (a reload): channels newly listed are watched,
    /// channels no longer listed stop being watched unless someone added them with `/vigil watch`.
    /// - Returns: the channels added and removed.
    public func replaceListedChannels(previous: [String], current: [String]) async throws -> (added: [String], removed: [String]) {
        let stored = Dictionary(
            try await store.watchedChannels(workspace: workspace).map { ($0.channel, $0.source) },
            uniquingKeysWith: { first, _ in first })
        var added: [String] = []
        for channel in current where stored[channel] == nil {
            try await store.addWatchedChannel(workspace: workspace, channel: channel, addedBy: nil, source: .configuration, at: now())
            added.append(channel)
        }
        var removed: [String] = []
        for channel in Set(previous).subtracting(current).sorted() where stored[channel].map({ $0 != .command }) == true {
            try await store.removeWatchedChannel(workspace: workspace, channel: channel)
            removed.append(channel)
        }
        try await reloadWatchedChannels()
        return (added, removed)
    }

    /// Records the channels named by the environment or the configuration and loads every watched channel.
    public func start(environmentChannels: [String], configuredChannels: [String] = []) async throws {
        for channel in environmentChannels {
            try await store.addWatchedChannel(workspace: workspace, channel: channel, addedBy: nil, source: .environment, at: now())
        }
        for channel in configuredChannels {
            try await store.addWatchedChannel(workspace: workspace, channel: channel, addedBy: nil, source: .configuration, at: now())
        }
        try await reloadWatchedChannels()
        logger.info("watching alert channels", metadata: ["slack.channels": "\(watched.sorted().joined(separator: ","))"])
    }

    /// Re-reads the watched channels from the store (after `/vigil watch` or `unwatch`).
    public func reloadWatchedChannels() async throws {
        watched = Set(try await store.watchedChannels(workspace: workspace).map(\.channel))
    }

    /// The channels watched now.
    public var watchedChannels: Set<String> { watched }

    /// Whether `channel` is watched, without awaiting the actor.
    public nonisolated func isWatched(_ channel: String) -> Bool {
        watchedSnapshot.withLock { $0.contains(channel) }
    }

    // MARK: - Messages

    /// Handles one `message` event (or a message read back by catch-up).
    /// - Returns: how the message was classified, for the caller's routing and for tests.
    @discardableResult
    public func handle(_ message: SlackMessage) async -> MessageClassification {
        let classification = MessageClassifier(watchedChannels: watched, own: own).classify(message)
        var failedAttempts = 0
        while true {
            do {
                switch classification {
                case .newAlertPost:
                    try await handleNewPost(message)
                case .alertStateChange(let rootTS, let kind):
                    try await handleStateChange(message, rootTS: rootTS, kind: kind)
                case .deletion(let ts):
                    if let channel = message.channel {
                        try await store.appendAudit(workspace: workspace, at: now(), actor: nil, action: "message_deleted",
                                                    target: "\(channel)/\(ts)", detail: "a post in a watched channel was deleted",
                                                    via: .system)
                    }
                case .humanMessage, .ownMessage, .notWatched, .ignored:
                    break
                }
                if failedAttempts > 0 {
                    // Written at last: an investigation that a failed attempt left owed (its incident recorded, its
                    // reply not posted) is resumed now.
                    logger.notice("the store took the write after \(failedAttempts) retries", metadata: [
                        "slack.channel": "\(message.channel ?? "-")", "slack.ts": "\(message.ts ?? "-")",
                    ])
                    await resumeInterruptedInvestigations()
                }
            } catch is CancellationError {
                logger.notice("alert handling interrupted by shutdown; an owed investigation is resumed at the next start",
                              metadata: ["slack.channel": "\(message.channel ?? "-")", "slack.ts": "\(message.ts ?? "-")"])
            } catch let error as SlackAPIError {
                logger.error("alert handling failed: \(error)", metadata: [
                    "slack.channel": "\(message.channel ?? "-")", "slack.ts": "\(message.ts ?? "-")",
                ])
            } catch {
                // Everything else the handling does is a store write or read: disk full, I/O error, locked database.
                let metadata: Logger.Metadata = [
                    "slack.channel": "\(message.channel ?? "-")", "slack.ts": "\(message.ts ?? "-")", "vigil.reason": "\(error)",
                ]
                if failedAttempts < storeRetryDelays.count {
                    let delay = storeRetryDelays[failedAttempts]
                    failedAttempts += 1
                    logger.warning("the store refused a write; retrying the post's handling", metadata: metadata)
                    if (try? await Task.sleep(for: delay)) != nil { continue }
                }
                owe(message, classification: classification, reason: "\(error)", metadata: metadata)
            }
            return classification
        }
    }

    /// Keeps a post whose handling failed on the store as owed: the cursor is moved back before it once the store
    /// works again, and the catch-up then handles it (the dedupe gates skip what was already written).
    private func owe(_ message: SlackMessage, classification: MessageClassification, reason: String, metadata: Logger.Metadata) {
        let ts: String?
        switch classification {
        case .alertStateChange(_, .edit): ts = message.message?.edited?.ts ?? message.ts
        default: ts = message.ts
        }
        guard let channel = message.channel, let ts else { return }
        // The oldest owed post of the channel: the catch-up from there covers every later one.
        if owedPosts[channel].map({ SlackTimestamp.isBefore(ts, $0) }) ?? true {
            owedPosts[channel] = ts
        }
        Counter(label: "vigil_store_failures_total").increment()
        logger.error("the store kept refusing writes; the post is owed and handled once the store works again",
                     metadata: metadata)
        storeFailures.continuation.yield(reason)
    }

    /// Reasons the store failed, as they happen; the workspace answers each with ``recoverOwedPosts()``.
    public nonisolated var storeFailureReports: AsyncStream<String> { storeFailures.stream }

    /// Waits until the store takes writes again (trying every few seconds, capped at 15 s), then moves each owed
    /// channel's cursor back before its oldest owed post, catches up and resumes owed investigations, so every post
    /// handled while the store failed is handled once. Returns at once when nothing is owed; on cancellation, what
    /// is still owed stays for the next catch-up.
    public func recoverOwedPosts() async {
        var attempt = 0
        var random = SystemRandomNumberGenerator()
        let backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(15))
        while !owedPosts.isEmpty {
            let owed = owedPosts
            do {
                for (channel, ts) in owed.sorted(by: { $0.key < $1.key }) {
                    try await store.rewindCursor(workspace: workspace, channel: channel, before: ts, at: now())
                    if owedPosts[channel] == ts { owedPosts[channel] = nil }
                }
            } catch is CancellationError {
                return
            } catch {
                attempt += 1
                logger.warning("the store still refuses writes; owed posts wait", metadata: [
                    "vigil.reason": "\(error)", "vigil.owed_channels": "\(owed.count)",
                ])
                do { try await Task.sleep(for: backoff.delay(forAttempt: attempt, using: &random)) } catch { return }
                continue
            }
            logger.notice("the store takes writes again; catching up on owed posts", metadata: [
                "slack.channels": "\(owed.keys.sorted().joined(separator: ","))",
            ])
            await catchUp()
        }
        await resumeInterruptedInvestigations()
    }

    private func handleNewPost(_ message: SlackMessage) async throws {
        guard let channel = message.channel, let ts = message.ts else { return }
        // A root bot post in a watched channel is an alert, always answered (docs/alert-formats.md, "Every post is
        // answered"): a post whose status cannot be read is investigated as firing.
        let alert = AlertParsing.readRootPost(message)
        // The alert's row is the post's dedupe gate, written with its incident in one transaction: a store failure
        // leaves neither, so the post can be handled again.
        let outcome = try await store.recordAlert(alert, workspace: workspace, channel: channel, ts: ts, threadTS: message.threadTS, at: now())
        try await store.advanceCursor(workspace: workspace, channel: channel, to: ts, at: now())
        if case .duplicate = outcome {
            logger.debug("post already handled", metadata: ["slack.channel": "\(channel)", "slack.ts": "\(ts)"])
            return
        }
        var metadata: Logger.Metadata = [
            "slack.channel": "\(channel)", "slack.ts": "\(ts)", "vigil.alert": "\(alert.name)",
            "vigil.source": "\(alert.source.rawValue)", "vigil.status": "\(alert.status.rawValue)",
        ]
        switch outcome {
        case .opened(let incident):
            metadata["vigil.incident"] = "\(incident.id)"
            logger.info("new alert", metadata: metadata)
            guard claimInvestigation(of: incident.id) else {
                // A reconnect's catch-up found the new incident owed and is investigating it already.
                logger.info("investigation already under way", metadata: metadata)
                return
            }
            try await runClaimedInvestigation(of: incident) { try await investigateNew(incident, alert: alert) }
        case .repeated(let incident):
            metadata["vigil.incident"] = "\(incident.id)"
            logger.info("alert repeated while its incident is open", metadata: metadata)
            if try await !inStorm(channel: channel, adding: alert, ts: ts) {
                let link = threadLink(channel: incident.channel, ts: incident.rootTS)
                _ = try await slack.post(
                    channel: channel,
                    text: "Repeat of \(Self.label(alert)) — same as <\(link)|this open incident> (seen \(incident.occurrences)× since \(Self.clock(incident.firstSeen)) UTC). Follow it there.",
                    blocks: nil, threadTS: ts, priority: .statusUpdate)
            }
        case .resolved(let incident, let duration):
            logger.info("alert resolved by a new post", metadata: metadata)
            try await announceResolution(incident, alert: alert, duration: duration, resolvedBy: "source")
        case .resolvedUnknown:
            logger.info("resolution for an alert Vigil never saw open", metadata: metadata)
            _ = try await slack.post(
                channel: channel,
                text: "Resolved: \(Self.label(alert)). Vigil saw no open incident for it, so there is nothing to close.",
                blocks: nil, threadTS: ts, priority: .statusUpdate)
        case .updated(let incident):
            // A root post that neither fires nor resolves (acknowledged, no data…) is still answered once.
            logger.info("alert update without a state change", metadata: metadata)
            let text: String
            if let incident {
                let link = threadLink(channel: incident.channel, ts: incident.rootTS)
                text = "Update on \(Self.label(alert)) (\(Self.statusPhrase(alert))), recorded on <\(link)|this open incident>."
            } else {
                text = "Update on \(Self.label(alert)) (\(Self.statusPhrase(alert))); Vigil has no open incident for it."
            }
            _ = try await slack.post(channel: channel, text: text, blocks: nil, threadTS: ts, priority: .statusUpdate)
        case .duplicate:
            break
        }
    }

    private func handleStateChange(_ message: SlackMessage, rootTS: String, kind: MessageClassification.StateChangeKind) async throws {
        guard let channel = message.channel else { return }
        let content = kind == .edit ? (message.message ?? message) : message
        let changeTS = kind == .edit ? (message.message?.edited?.ts ?? message.ts) : message.ts
        let purpose = MessagePurpose(rawValue: kind == .edit ? "edit" : "reply")
        let changeKey = changeTS.map { "\(rootTS)#\($0)" }
        guard var alert = AlertParsing.parse(content) else { return }
        if kind == .threadReply, alert.status == .firing {
            // A reply in the thread ("Updated problem…", an image) is an update, not a re-fire.
            alert.status = .other
        }
        // Applied first, then marked: a store failure in between leaves the change to be applied again, which is
        // harmless (a reply's row dedupes it; a resolved incident is not resolved twice).
        let outcome = try await store.applyStateChange(workspace: workspace, channel: channel, rootTS: rootTS,
                                                       ts: kind == .threadReply ? message.ts : nil, alert: alert, at: now())
        if let changeKey {
            guard try await store.markMessageHandled(workspace: workspace, channel: channel, ts: changeKey,
                                                     purpose: purpose, at: now())
            else { return }  // another delivery of the same change got here first and announces it
        }
        if case .resolved(let incident, let duration) = outcome {
            logger.info("alert resolved by the source's \(kind == .edit ? "edit" : "thread reply")", metadata: [
                "slack.channel": "\(channel)", "slack.ts": "\(rootTS)", "vigil.incident": "\(incident.id)",
            ])
            try await announceResolution(incident, alert: alert, duration: duration,
                                         resolvedBy: kind == .edit ? "source-edit" : "source")
        }
    }

    // MARK: - Investigation

    private func investigateNew(_ incident: Incident, alert: Alert) async throws {
        if let silence = try await store.activeSilence(matching: alert, workspace: workspace, at: now()) {
            logger.info("alert silenced; no investigation", metadata: ["vigil.incident": "\(incident.id)", "vigil.silence": "\(silence.id)"])
            try await store.appendAudit(workspace: workspace, at: now(), actor: nil, action: "suppressed",
                                        target: "incident:\(incident.id)", detail: "silence \(silence.id)", via: .system)
            try await store.settleInvestigation(incidentID: incident.id)
            return
        }
        if try await inStorm(channel: incident.channel, adding: alert, ts: incident.rootTS) {
            try await store.settleInvestigation(incidentID: incident.id)
            return
        }
        let flap = try await store.flapping(workspace: workspace, identity: incident.identity,
                                            window: settings.flappingWindow, threshold: settings.flappingThreshold, now: now())
        var flapping: InvestigationFacts.Flapping?
        if flap.isFlapping {
            let flaggedNow = try await store.markFlapping(incidentID: incident.id, at: now(), window: settings.flappingWindow)
            guard flaggedNow else {
                logger.info("flapping alert already flagged; not re-investigated", metadata: ["vigil.incident": "\(incident.id)"])
                activity?.record(.flapRecorded(incident: incident.id, channel: incident.channel, ts: incident.rootTS))
                try await store.settleInvestigation(incidentID: incident.id)
                return
            }
            flapping = InvestigationFacts.Flapping(transitions: flap.transitions, window: settings.flappingWindow, isFlapping: true)
        }
        try await investigate(incident, alert: alert, flapping: flapping, postAsReply: true)
    }

    /// Posts the investigations that were owed but interrupted: a shutdown while the reply waited for its turn, or
    /// Slack failing for good. Called after each catch-up (start, reconnect); incidents resolved meanwhile are left
    /// alone, and silences, storms and flapping apply as for a new alert.
    /// - Returns: how many investigations were resumed.
    @discardableResult
    public func resumeInterruptedInvestigations() async -> Int {
        let owed: [Incident]
        let stillOwed: Set<Int64>
        var claimed: [Incident] = []
        do {
            owed = try await store.incidentsAwaitingInvestigation(workspace: workspace)
            // A post being handled now has its incident's claim: skip it. One whose investigation finished while
            // the list was read has released its claim but is no longer owed: ask again once the claims hold.
            claimed = owed.filter { claimInvestigation(of: $0.id) }
            stillOwed = claimed.isEmpty ? [] : Set(try await store.incidentsAwaitingInvestigation(workspace: workspace).map(\.id))
        } catch {
            for incident in claimed { investigationsInFlight[incident.id] = nil }
            logger.warning("could not look for interrupted investigations: \(error)")
            return 0
        }
        for incident in claimed where !stillOwed.contains(incident.id) { investigationsInFlight[incident.id] = nil }
        var resumed = 0
        for incident in claimed where stillOwed.contains(incident.id) {
            do {
                guard let stored = try await store.alert(workspace: workspace, channel: incident.channel, ts: incident.rootTS)
                else {
                    investigationsInFlight[incident.id] = nil
                    try await store.settleInvestigation(incidentID: incident.id)
                    continue
                }
                logger.notice("resuming an investigation that was interrupted", metadata: [
                    "vigil.incident": "\(incident.id)", "slack.channel": "\(incident.channel)", "vigil.alert": "\(incident.name)",
                ])
                try await runClaimedInvestigation(of: incident) {
                    // A crash after Slack took the post but before its ts was recorded leaves the reply in the
                    // thread: adopt it rather than post a second one.
                    if try await adoptPostedInvestigation(of: incident) { return }
                    try await investigateNew(incident, alert: stored.alert)
                }
                resumed += 1
            } catch {
                investigationsInFlight[incident.id] = nil
                logger.error("resuming an investigation failed; it is tried again after the next reconnect: \(error)",
                             metadata: ["vigil.incident": "\(incident.id)"])
            }
        }
        if !claimed.isEmpty {
            logger.info("owed investigations looked at", metadata: [
                "vigil.resumed": "\(resumed)", "vigil.owed": "\(claimed.count)",
                "vigil.in_flight": "\(owed.count - claimed.count)",
            ])
            activity?.record(.owedInvestigationsLookedAt(
                resumed: resumed, owed: claimed.count, inFlight: owed.count - claimed.count))
        }
        return resumed
    }

    /// Claims a new incident's investigation: false when another path already has it (the post's own handling and
    /// a reconnect's resume of owed investigations can reach the same incident). Synchronous, so nothing else runs
    /// on the actor between the check and the claim.
    private func claimInvestigation(of incidentID: Int64) -> Bool {
        guard investigationsInFlight[incidentID] == nil else { return false }
        investigationsInFlight[incidentID] = .some(nil)
        return true
    }

    /// Runs a claimed investigation, releases the claim, then finishes a resolution that arrived meanwhile (a quick
    /// flap, slow probes: it found no message to update).
    private func runClaimedInvestigation(of incident: Incident, _ investigation: () async throws -> Void) async throws {
        do {
            try await investigation()
        } catch {
            investigationsInFlight[incident.id] = nil
            throw error
        }
        if case .some(.some(let pending)) = investigationsInFlight.removeValue(forKey: incident.id) {
            try await updateResolvedInvestigation(pending.incident, alert: pending.alert)
        }
    }

    /// Runs the investigation again for an incident (the Re-run button, `@vigil rerun`) and updates its message.
    /// - Parameters:
    ///   - incidentID: The incident.
    ///   - investigationTS: The investigation message the button was on, used when the store has none on record yet
    ///     (a click that raced the recording of the message's ts); without either, a new reply is posted.
    ///   - requestedBy: Who asked for the re-run; the approval requests it raises are theirs.
    /// - Returns: `false` if the incident or its alert post is no longer stored.
    public func rerun(incidentID: Int64, investigationTS: String? = nil, requestedBy: String? = nil) async throws -> Bool {
        guard var incident = try await store.incident(id: incidentID),
              let stored = try await store.alert(workspace: workspace, channel: incident.channel, ts: incident.rootTS)
        else { return false }
        if incident.investigationTS == nil, let investigationTS {
            incident.investigationTS = investigationTS
            try await store.setInvestigationTS(incidentID: incident.id, ts: investigationTS)
        }
        try await investigate(incident, alert: stored.alert, flapping: nil, postAsReply: incident.investigationTS == nil,
                              requestedBy: requestedBy)
        return true
    }

    /// Gathers the facts for `incident` and returns them (used by investigations and by conversation answers).
    public func facts(for incident: Incident, alert: Alert, flapping: InvestigationFacts.Flapping? = nil,
                      runProbes: Bool) async throws -> InvestigationFacts {
        var flapping = flapping
        if flapping == nil, incident.flappingFlaggedAt != nil {
            // An update of a message that flagged flapping keeps saying so.
            let flap = try await store.flapping(workspace: workspace, identity: incident.identity,
                                                window: settings.flappingWindow, threshold: settings.flappingThreshold,
                                                now: now())
            flapping = InvestigationFacts.Flapping(transitions: flap.transitions, window: settings.flappingWindow, isFlapping: true)
        }
        let history = try await store.history(workspace: workspace, identity: incident.identity, now: now())
        var related: [Incident] = []
        for other in try await store.relatedIncidents(workspace: workspace, around: incident, within: settings.relatedWindow)
        where await mayShow(other, in: incident.channel) {
            related.append(other)
        }
        let plan = RunbookPlan(alert: alert, rules: settings.runbooks)
        let results = runProbes && !plan.probes.isEmpty ? try await probes.run(plan, logger: logger) : []
        return InvestigationFacts(
            alert: alert,
            channelID: incident.channel,
            rootTS: incident.rootTS,
            incident: InvestigationFacts.Incident(incident),
            history: InvestigationFacts.History(history),
            flapping: flapping,
            related: related.map { InvestigationFacts.RelatedAlert($0, relatedTo: incident) },
            runbookLinks: plan.links,
            probeResults: results
        )
    }

    /// Whether a related incident may be named in a message posted to `channel`: always from the same channel or a
    /// public one, never from another private channel (its members may not be this channel's). When Slack cannot
    /// say whether the channel is private, it is not named.
    private func mayShow(_ related: Incident, in channel: String) async -> Bool {
        guard related.channel != channel else { return true }
        if let known = channelPrivacy[related.channel], now().timeIntervalSince(known.at) < Self.channelPrivacyLifetime {
            return !known.isPrivate
        }
        do {
            let isPrivate = try await slack.channelIsPrivate(channel: related.channel)
            channelPrivacy[related.channel] = (isPrivate, now())
            return !isPrivate
        } catch {
            logger.notice("could not tell whether a related alert's channel is private; not naming it", metadata: [
                "slack.channel": "\(related.channel)", "vigil.reason": "\(error)",
            ])
            return false
        }
    }

    private func investigate(_ incident: Incident, alert: Alert, flapping: InvestigationFacts.Flapping?, postAsReply: Bool,
                             requestedBy: String? = nil) async throws {
        var outcome = "failed"
        defer { Counter(label: "vigil_investigations_total", dimensions: [("outcome", outcome)]).increment() }
        let facts = try await facts(for: incident, alert: alert, flapping: flapping, runProbes: true)
        outcome = facts.probeResults.contains { !$0.outcome.isSuccess } ? "posted_with_failed_checks" : "posted"
        await probeResults.replace(facts.probeResults, of: incident.id)
        let message = InvestigationMessage.investigation(facts, options: options())
        if !postAsReply, let ts = incident.investigationTS {
            try await slack.update(channel: incident.channel, ts: ts, text: message.text, blocks: message.blocks)
        } else {
            let ts = try await postOnce(channel: incident.channel, text: message.text, blocks: message.blocks,
                                        threadTS: incident.rootTS, metadata: .investigation(incident.id),
                                        priority: .investigation)
            try await store.setInvestigationTS(incidentID: incident.id, ts: ts)
            logger.info("investigation posted", metadata: ["vigil.incident": "\(incident.id)", "slack.ts": "\(ts)"])
        }
        let waiting = Set(facts.probeResults.filter { $0.outcome == .awaitingApproval }.map(\.name))
        let gated = RunbookPlan(alert: alert, rules: settings.runbooks).probes.filter { waiting.contains($0.name) }
        posted.continuation.yield(InvestigationPosted(incident: incident, results: facts.probeResults,
                                                      awaitingApproval: gated, requestedBy: requestedBy))
    }

    private func announceResolution(_ incident: Incident, alert: Alert, duration: Duration, resolvedBy: String) async throws {
        var resolved = incident
        if resolved.resolvedBy == nil { resolved.resolvedBy = resolvedBy }
        do {
            try await slack.react(channel: incident.channel, ts: incident.rootTS, name: "white_check_mark")
        } catch {
            logger.warning("could not add the ✅ reaction: \(error)", metadata: ["vigil.incident": "\(incident.id)"])
        }
        if resolved.investigationTS == nil, investigationsInFlight[incident.id] != nil {
            // The investigation is not posted yet; the code posting it finishes this resolution.
            investigationsInFlight[incident.id] = .some(PendingResolution(incident: resolved, alert: alert))
            return
        }
        try await updateResolvedInvestigation(resolved, alert: alert)
    }

    /// Posts the resolution note in the alert's thread and updates the investigation message to its resolved form;
    /// nothing when the incident was never investigated (silenced, storm, flapping).
    private func updateResolvedInvestigation(_ incident: Incident, alert: Alert) async throws {
        var investigationTS = incident.investigationTS
        if investigationTS == nil {
            investigationTS = try await store.incident(id: incident.id)?.investigationTS
        }
        guard let investigationTS else { return }
        var facts = try await facts(for: incident, alert: alert, runProbes: false)
        facts.probeResults = await probeResults.results(of: incident.id)
        let options = options()
        let note = VigilMessageMetadata.resolution(incident.id)
        if let thread = try? await slack.thread(channel: incident.channel, ts: incident.rootTS),
           note.findOwn(in: thread, own: own) != nil
        {
            logger.info("resolution note already in the thread; not posted again",
                        metadata: ["vigil.incident": "\(incident.id)"])
        } else {
            _ = try await postOnce(channel: incident.channel,
                                   text: InvestigationMessage.resolutionNote(facts, options: options), blocks: nil,
                                   threadTS: incident.rootTS, metadata: note, priority: .statusUpdate)
        }
        let updated = InvestigationMessage.resolvedUpdate(facts, options: options)
        try await slack.update(channel: incident.channel, ts: investigationTS, text: updated.text, blocks: updated.blocks)
    }

    // MARK: - Storm control

    /// Whether `channel` is in storm mode; if so, `alert` joins the storm summary (posted once, then updated).
    private func inStorm(channel: String, adding alert: Alert, ts: String) async throws -> Bool {
        let since = now().addingTimeInterval(-settings.stormWindow.seconds)
        let count = try await store.recentAlertCount(workspace: workspace, channel: channel, since: since)
        guard count > settings.stormThreshold else { return false }
        logger.notice("storm mode: replies paused, summary kept up to date", metadata: [
            "slack.channel": "\(channel)", "vigil.alerts_in_window": "\(count)",
        ])
        if stormUpdates[channel] != nil {
            stormUpdates[channel] = true  // an update is running; one more will follow it
            return true
        }
        stormUpdates[channel] = false
        defer { stormUpdates[channel] = nil }
        repeat {
            stormUpdates[channel] = false
            try await publishStormSummary(channel: channel, since: since)
        } while stormUpdates[channel] == true
        return true
    }

    private func publishStormSummary(channel: String, since: Date) async throws {
        let incidents = try await store.openIncidents(workspace: workspace, channel: channel)
            .filter { $0.lastSeen >= since }
        let digest = AlertStormDigest(
            channelID: channel,
            window: settings.stormWindow,
            entries: incidents.map {
                AlertStormDigest.Entry(name: $0.name, severity: $0.severity, status: .firing, rootTS: $0.rootTS)
            }
        )
        let message = InvestigationMessage.stormSummary(digest, options: options())
        let windowStart = since
        let recorded = try await store.stormSummary(workspace: workspace, channel: channel)
        if let existing = recorded, existing.windowEnd.addingTimeInterval(settings.stormWindow.seconds) >= now() {
            try await slack.update(channel: channel, ts: existing.messageTS, text: message.text, blocks: message.blocks)
            try await store.saveStormSummary(StormSummary(workspace: workspace, channel: channel, messageTS: existing.messageTS,
                                                          windowStart: existing.windowStart, windowEnd: now(),
                                                          alertCount: incidents.count))
        } else if let adopted = try await postedStormSummary(channel: channel, since: since,
                                                             excluding: recorded?.messageTS) {
            // Posted before a crash that kept its ts from the store: update it instead of posting a second one.
            logger.notice("adopted a storm summary posted before a restart",
                          metadata: ["slack.channel": "\(channel)", "slack.ts": "\(adopted)"])
            try await slack.update(channel: channel, ts: adopted, text: message.text, blocks: message.blocks)
            try await store.saveStormSummary(StormSummary(workspace: workspace, channel: channel, messageTS: adopted,
                                                          windowStart: windowStart, windowEnd: now(),
                                                          alertCount: incidents.count))
        } else {
            let ts = try await postOnce(channel: channel, text: message.text, blocks: message.blocks, threadTS: nil,
                                        metadata: .stormSummary(channel: channel), priority: .investigation)
            try await store.saveStormSummary(StormSummary(workspace: workspace, channel: channel, messageTS: ts,
                                                          windowStart: windowStart, windowEnd: now(),
                                                          alertCount: incidents.count))
        }
    }

    // MARK: - Catch-up

    /// Reads what was posted in every watched channel since the last seen message and handles it, so nothing posted
    /// while Vigil was offline or disconnected is missed. The dedupe gates keep it from doubling anything.
    ///
    /// 1. `conversations.history` after the channel's cursor, following `next_cursor` over every page Slack hands
    ///    out, up to `catch_up_limit` messages (the newest ones when there are more: Slack pages newest first;
    ///    logged when the limit cuts the read short), handled oldest first like live posts.
    /// 2. The threads of the channel's open incidents whose root is at or behind the cursor (an edit of such a post
    ///    does not show in `oldest`-bounded history) or which were replied to or edited while Vigil was away: a root
    ///    edited to resolved, and the source's bot replies, are applied as live events are, with the same dedupe keys
    ///    (`"<root ts>#<change ts>"`, purposes `edit` / `reply`), so nothing is applied twice.
    ///
    /// A channel seen for the first time gets a baseline cursor at its newest message: Vigil does not replay a
    /// channel's whole past when it is first pointed at it. `catch_up_limit` 0 turns catch-up off.
    public func catchUp() async {
        for channel in watched.sorted() {
            do {
                let cursor = try await store.cursor(workspace: workspace, channel: channel)
                guard let cursor else {
                    let newest = try await slack.historyPage(channel: channel, oldest: nil, limit: 1, cursor: nil)
                        .messages
                    var pages = CatchUpPages(limit: 1)
                    pages.add(newest, nextCursor: nil)
                    if let ts = pages.messagesOldestFirst.last?["ts"]?.stringValue {
                        try await store.advanceCursor(workspace: workspace, channel: channel, to: ts, at: now())
                    }
                    continue
                }
                guard settings.catchUpLimit > 0 else { continue }
                try await catchUp(channel: channel, after: cursor)
            } catch is CancellationError {
                return  // shutting down
            } catch {
                logger.warning("catch-up failed for a channel; will retry on the next reconnect: \(error)",
                               metadata: ["slack.channel": "\(channel)"])
            }
        }
    }

    /// Catches up on one channel whose cursor is `cursor` (see ``catchUp()``).
    private func catchUp(channel: String, after cursor: String) async throws {
        var pages = CatchUpPages(limit: settings.catchUpLimit)
        while case .fetch(let pageCursor, let limit) = pages.next {
            let page = try await slack.historyPage(channel: channel, oldest: cursor, limit: limit, cursor: pageCursor)
            pages.add(page.messages, nextCursor: page.nextCursor)
        }
        if pages.wasCutShort {
            let text: Logger.Message =
                "catch-up limit reached: older messages posted while Vigil was away are skipped (raise limits.catch_up_limit to read more)"
            logger.warning(text, metadata: [
                "slack.channel": "\(channel)", "vigil.catch_up_limit": "\(settings.catchUpLimit)",
                "slack.oldest_read": "\(pages.oldestTS ?? "-")",
            ])
        }
        var alerts = 0
        var changedRoots: Set<String> = []
        for raw in pages.messagesOldestFirst {
            guard var message = try? SlackMessage(json: raw) else { continue }
            message.channel = channel
            guard let ts = message.ts, SlackTimestamp.isBefore(cursor, ts) else { continue }
            let classification = await handle(message)
            if case .newAlertPost = classification { alerts += 1 }
            // Replies, and an edit made after a crash between the post's gate and its cursor, show only in the thread.
            if (raw["reply_count"]?.numberValue ?? 0) > 0 || raw["edited"] != nil { changedRoots.insert(ts) }
            try await store.advanceCursor(workspace: workspace, channel: channel, to: ts, at: now())
        }
        let threads = try await catchUpThreads(channel: channel, cursor: cursor, changedRoots: changedRoots)
        if pages.count > 0 || threads > 0 {
            logger.info("caught up on a watched channel", metadata: [
                "slack.channel": "\(channel)", "vigil.messages": "\(pages.count)", "vigil.pages": "\(pages.pagesRead)",
                "vigil.alerts": "\(alerts)", "vigil.threads_read": "\(threads)",
            ])
        }
    }

    /// Reads the threads of the channel's open incidents that may have changed while Vigil was away and applies
    /// their changes; returns how many threads were read. At most `catch_up_limit` threads, the newest incidents
    /// first (one `conversations.replies` each, Tier 3); the rest is logged.
    private func catchUpThreads(channel: String, cursor: String, changedRoots: Set<String>) async throws -> Int {
        let candidates = try await store.openIncidents(workspace: workspace, channel: channel).reversed().filter {
            !SlackTimestamp.isBefore(cursor, $0.rootTS) || changedRoots.contains($0.rootTS)
        }
        if candidates.count > settings.catchUpLimit {
            let text: Logger.Message = """
                catch-up reads the threads of the newest open incidents only; older ones are not checked for edits or \
                replies made while Vigil was away (raise limits.catch_up_limit to read more)
                """
            logger.warning(text, metadata: [
                "slack.channel": "\(channel)", "vigil.open_incidents": "\(candidates.count)",
                "vigil.catch_up_limit": "\(settings.catchUpLimit)",
            ])
        }
        var read = 0
        for incident in candidates.prefix(settings.catchUpLimit) {
            let thread: [JSONValue]
            do {
                thread = try await slack.thread(channel: channel, ts: incident.rootTS)
            } catch let error as SlackAPIError where error.code == "thread_not_found" {
                continue  // the alert post was deleted
            }
            read += 1
            for change in Self.changesWhileAway(thread: thread, channel: channel, rootTS: incident.rootTS) {
                await handle(change)
            }
        }
        return read
    }

    /// The events a thread implies, as live handling would have received them, in the order they happened: an
    /// edited root as a `message_changed` (keyed by its `edited.ts`), and every bot reply as itself (Vigil's own
    /// included: ``handle(_:)`` classifies those as its own and leaves them alone). People's replies are left out.
    /// - Parameters:
    ///   - thread: `conversations.replies` of the root, root first.
    ///   - channel: the channel.
    ///   - rootTS: the thread's root.
    static func changesWhileAway(thread: [JSONValue], channel: String, rootTS: String) -> [SlackMessage] {
        var changes: [(ts: String, event: SlackMessage)] = []
        for raw in thread {
            guard var message = try? SlackMessage(json: raw), let ts = message.ts else { continue }
            message.channel = channel
            if ts == rootTS {
                guard let editTS = message.edited?.ts, !editTS.isEmpty else { continue }
                changes.append((editTS, SlackMessage(subtype: "message_changed", hidden: true, channel: channel,
                                                     ts: editTS, eventTS: editTS, message: message)))
            } else if message.threadTS == rootTS, message.isBotAuthored {
                changes.append((ts, message))
            }
        }
        return changes.sorted { SlackTimestamp.isBefore($0.ts, $1.ts) }.map(\.event)
    }

    // MARK: - Exactly once across crashes

    /// Looks in the incident's thread for an investigation Vigil posted before a crash (or whose post Slack never
    /// confirmed) and, if there is one, records its ts, which settles the owed investigation.
    /// - Returns: `true` if a reply was adopted.
    private func adoptPostedInvestigation(of incident: Incident) async throws -> Bool {
        let thread: [JSONValue]
        do {
            thread = try await slack.thread(channel: incident.channel, ts: incident.rootTS)
        } catch let error as SlackAPIError where error.code == "thread_not_found" {
            return false
        }
        guard let ts = VigilMessageMetadata.investigation(incident.id).findOwn(in: thread, own: own) else {
            return false
        }
        try await store.setInvestigationTS(incidentID: incident.id, ts: ts)
        logger.notice("adopted the investigation posted before a restart; not posted again", metadata: [
            "vigil.incident": "\(incident.id)", "slack.ts": "\(ts)",
        ])
        return true
    }

    /// The storm summary of `channel` posted since `since` that the store does not know (a crash between the post
    /// and recording its ts), other than `excluding`.
    private func postedStormSummary(channel: String, since: Date, excluding: String?) async throws -> String? {
        let oldest = "\(Int64(since.timeIntervalSince1970)).000000"
        let recent = try await slack.historyPage(channel: channel, oldest: oldest, limit: 100, cursor: nil).messages
        let ts = VigilMessageMetadata.stormSummary(channel: channel)
            .findOwn(in: recent.filter { $0["ts"]?.stringValue != excluding }, own: own)
        return ts
    }

    /// Posts a message tagged with `metadata`. When Slack's answer is lost (``SlackAPIError/Kind/deliveryUncertain``)
    /// the thread (or, for a top-level post, the channel's newest messages) is read: if the message arrived, its ts
    /// is returned; otherwise the error is rethrown, the post stays owed and is looked for again before the next try.
    private func postOnce(channel: String, text: String, blocks: [JSONValue]?, threadTS: String?,
                          metadata: VigilMessageMetadata, priority: CallPriority) async throws -> String {
        do {
            return try await slack.post(channel: channel, text: text, blocks: blocks, threadTS: threadTS, metadata: metadata,
                                        priority: priority)
        } catch let error as SlackAPIError {
            guard case .deliveryUncertain = error.kind else { throw error }
            let messages: [JSONValue]? = if let threadTS {
                try? await slack.thread(channel: channel, ts: threadTS)
            } else {
                try? await slack.historyPage(channel: channel, oldest: nil, limit: 20, cursor: nil).messages
            }
            guard let ts = messages.flatMap({ metadata.findOwn(in: $0, own: own) }) else { throw error }
            logger.notice("Slack's answer to a post was lost, but the post arrived; using it", metadata: [
                "slack.channel": "\(channel)", "slack.ts": "\(ts)", "vigil.post": "\(metadata.kind.rawValue)",
            ])
            activity?.record(.lostAnswerFound(channel: channel, ts: ts, kind: metadata.kind))
            return ts
        }
    }

    // MARK: - Helpers

    private func options() -> InvestigationMessage.Options {
        InvestigationMessage.Options(now: now(), workspaceURL: settings.workspaceURL)
    }

    private func threadLink(channel: String, ts: String) -> String {
        let base = settings.workspaceURL ?? "https://slack.com"
        return "\(base)/archives/\(channel)/p\(ts.replacing(".", with: ""))"
    }

    /// `*Disk full on db-1* (critical)`: the alert's name and severity, for one-line replies.
    static func label(_ alert: Alert) -> String {
        let name = alert.name.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let escaped = name.isEmpty ? "an unnamed alert" : "*\(SlackText.escaped(name, limit: 150))*"
        return alert.severity == .unknown ? "\(escaped) (severity not stated)" : "\(escaped) (\(alert.severity.rawValue))"
    }

    /// The words of an `other` status for a one-line reply.
    private static func statusPhrase(_ alert: Alert) -> String {
        switch alert.status {
        case .firing: "firing"
        case .resolved: "resolved"
        case .other: "neither firing nor resolved"
        }
    }

    private static func clock(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970) % 86_400
        let hours = seconds / 3600
        let minutes = (seconds % 3600) / 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }
}
