import Foundation
import Logging
import AlertInvestigation
import VigilBase

/// The slash command (`/vigil …`): `help`, `status`, `alerts`, `watch`/`unwatch`/`channels`,
/// `silence`/`silences`/`unsilence`, `history`, `audit`, and the incident commands naming an id.
///
/// Answers are ephemeral. One ready within ``ConversationSettings/slashReplyBudget`` goes into the envelope's ack;
/// a slower one is sent through the payload's `response_url`. Unknown subcommands get help; failures become a short
/// apology, never silence. Commands run in the shared ``ConversationCommandExecutor``. Stateless; it calls down only.
struct SlashCommandHandler: Sendable {
    /// The workspace, its store and Web API client, the logger and the clock.
    let context: ConversationContext
    /// People of other teams.
    let policy: AccessPolicy
    /// Expires pending approvals before each command.
    let approvals: ApprovalService
    /// Runs the commands; its settings hold the reply budget.
    let executor: ConversationCommandExecutor

    /// Handles a `slash_commands` envelope frame.
    /// - Parameter frame: The envelope as received.
    /// - Returns: The ephemeral answer for the ack when it is ready within the reply budget (or there is no
    ///   `response_url`), else `nil` after sending it through `response_url`; `nil` for an unreadable envelope.
    func handle(frame: [UInt8]) async -> JSONValue? {
        let started = context.now()
        await approvals.expireApprovals(now: started)
        let payload: SlashCommandPayload
        do {
            payload = try JSONDecoder().decode(SlashCommandPayload.Envelope.self, from: Data(frame)).payload
        } catch {
            context.logger.warning("slash command envelope without a readable payload; acked without an answer")
            return nil
        }
        let reply = await answer(payload)
        let elapsed = HumanFormat.between(started, context.now())
        if elapsed <= (await executor.settings.slashReplyBudget) || payload.responseURL.isEmpty {
            return reply.ephemeralPayload
        }
        do {
            try await context.slack.respond(responseURL: payload.responseURL, payload: reply.ephemeralPayload)
        } catch {
            context.logger.warning(
                "could not answer a slow slash command through its response_url: \(error)",
                metadata: [
                    "slack.user": "\(payload.userID)", "slack.channel": "\(payload.channelID)",
                ]
            )
        }
        return nil
    }

    /// Runs a slash command and returns its ephemeral answer (errors become a short apology, never silence).
    private func answer(_ payload: SlashCommandPayload) async -> ConversationReply {
        let command = ConversationCommandParser(context: .slash).parse(payload.text)
        let origin = CommandOrigin(
            user: payload.userID, team: payload.teamID, channel: payload.channelID, place: .slash)
        context.logger.debug(
            "slash command",
            metadata: [
                "slack.user": "\(payload.userID)", "slack.channel": "\(payload.channelID)",
                "slack.command": "\(payload.command)",
            ]
        )
        if let refusal = await policy.otherTeamRefusal(origin.source) { return refusal }
        do {
            return try await executor.execute(command, origin: origin)
        } catch {
            context.logger.error("slash command failed: \(error)", metadata: ["slack.user": "\(payload.userID)"])
            return ConversationReply(
                "Sorry, that failed on my side (\(ConversationText.shortError(error))). Try again in a moment."
            )
        }
    }
}
