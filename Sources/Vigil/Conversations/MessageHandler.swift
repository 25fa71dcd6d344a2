import Foundation
import Logging
import AlertReading
import SlackWebClient
import VigilBase
import VigilStorage

/// Messages people write to Vigil: `app_mention`s (in an alert's thread, or anywhere else) and direct messages.
///
/// * **Mentions** in an alert's thread run commands about that incident (`status`, `history`, `related`, `rerun`,
///   `ack`, `resolve`, `silence 2h`, `unsilence`, `approve`/`deny`) or answer a free-text question; elsewhere they
///   run commands naming an incident id, or list the open incidents with help. Answers go into the message's thread.
/// * **Direct messages** run the same commands naming an incident id, plus `alerts`; replies to approval requests
///   in plain words ("yes, go ahead", "don't") go to the ``ApprovalService`` — only in the thread of the request's
///   DM or naming its id.
///
/// A post arriving both as `message` and `app_mention` is answered once (the store's `mention` gate). Refusals in
/// channels are ephemeral, shown only to the person who asked. Commands run in the shared
/// ``ConversationCommandExecutor``; this type parses, delivers and calls down only. Stateless.
struct MessageHandler: Sendable {
    /// The workspace, its store and Web API client, the logger and the clock.
    let context: ConversationContext
    /// People of other teams.
    let policy: AccessPolicy
    /// Expiry, DM channels and approval replies in plain words.
    let approvals: ApprovalService
    /// Runs the commands.
    let executor: ConversationCommandExecutor
    /// Vigil's own ids from `auth.test`: its mention is stripped from commands and its own posts ignored.
    let own: MessageClassifier.OwnIdentity

    /// Subtypes whose messages a person typed (plain messages have none).
    static let conversationSubtypes: Set<String?> = [nil, "thread_broadcast", "file_share", "me_message"]

    /// Handles an `app_mention`, a `message` that mentions Vigil, or a person's message in a DM with Vigil.
    ///
    /// Vigil's own posts, bots, hidden and system messages are ignored; a channel message must mention Vigil.
    /// Failures are logged, never thrown: the envelope is acked already.
    /// - Parameters:
    ///   - message: The event's message.
    ///   - isMention: Whether it arrived as an `app_mention`.
    func handle(_ message: SlackMessage, isMention: Bool) async {
        await approvals.expireApprovals(now: context.now())
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
                try await context.store.markMessageHandled(
                    workspace: context.workspace,
                    channel: channel,
                    ts: ts,
                    purpose: isDirect ? .command : .mention,
                    at: context.now()
                )
            else {
                context.logger.debug(
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
            context.logger.error(
                "answering a message failed: \(error)",
                metadata: [
                    "slack.channel": "\(channel)", "slack.ts": "\(ts)", "slack.user": "\(user)",
                ]
            )
        }
    }

    /// Answers a mention: about the thread's incident in an alert thread, else with commands by id or a summary.
    private func handleMention(
        _ text: String, user: String, team: String?, channel: String, ts: String, threadTS: String?
    ) async throws {
        if let root = threadTS,
            let incident = try await context.store.incident(workspace: context.workspace, channel: channel, rootTS: root)
        {
            let origin = CommandOrigin(user: user, team: team, channel: channel, place: .alertThread(incident))
            if let refusal = await policy.otherTeamRefusal(origin.source) {
                await deliver(refusal, to: origin)
                return
            }
            let command = ConversationCommandParser(context: .alertThread).parse(text)
            context.logger.debug(
                "mention in an alert thread",
                metadata: ["vigil.incident": "\(incident.id)", "slack.user": "\(user)"]
            )
            await deliver(try await executor.execute(command, origin: origin), to: origin)
            return
        }
        let origin = CommandOrigin(user: user, team: team, channel: channel, place: .channel(threadTS: threadTS ?? ts))
        if let refusal = await policy.otherTeamRefusal(origin.source) {
            await deliver(refusal, to: origin)
            return
        }
        let command = ConversationCommandParser(context: .direct).parse(text)
        await deliver(try await executor.execute(command, origin: origin), to: origin)
    }

    /// Answers a DM: an approval reply when the sender may decide on a pending request, else a command.
    private func handleDirectMessage(
        _ text: String, user: String, team: String?, channel: String, threadTS: String?
    ) async throws {
        let origin = CommandOrigin(user: user, team: team, channel: channel, place: .direct(threadTS: threadTS))
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
        await deliver(try await executor.execute(command, origin: origin), to: origin)
    }

    /// Posts `reply` where `origin` expects it: refusals in channels as ephemeral messages, everything else as a
    /// thread reply or DM.
    private func deliver(_ reply: ConversationReply, to origin: CommandOrigin) async {
        let threadTS: String?
        let inChannel: Bool
        switch origin.place {
        case .alertThread(let incident): (threadTS, inChannel) = (incident.rootTS, true)
        case .channel(let ts): (threadTS, inChannel) = (ts, true)
        case .direct(let ts): (threadTS, inChannel) = (ts, false)
        case .slash: return  // the slash command's answer goes into its ack
        }
        do {
            if reply.isRefusal && inChannel {
                try await context.slack.postEphemeral(
                    channel: origin.channel, user: origin.user, text: reply.text, blocks: nil, threadTS: threadTS)
            } else {
                _ = try await context.slack.post(
                    channel: origin.channel, text: reply.text, blocks: nil, threadTS: threadTS, priority: .investigation)
            }
        } catch {
            context.logger.warning(
                "could not deliver an answer: \(error)",
                metadata: [
                    "slack.channel": "\(origin.channel)", "slack.user": "\(origin.user)",
                ]
            )
        }
    }

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
}
