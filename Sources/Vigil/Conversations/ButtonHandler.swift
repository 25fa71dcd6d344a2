import VigilStorage
import Foundation
import Logging
import AlertInvestigation
import VigilBase

/// Clicks on Vigil's buttons (`block_actions`): Acknowledge, Resolve, Silence 1h and Re-run on an investigation go to
/// the shared ``IncidentActions``; Approve and Deny go to the ``ApprovalService``. Refusals and "nothing changed"
/// answers are shown to the clicker only; changes show in the updated message. Stateless; it calls down only.
struct ButtonHandler: Sendable {
    /// The workspace, its store and Web API client, the logger and the clock.
    let context: ConversationContext
    /// People of other teams.
    let policy: AccessPolicy
    /// Acknowledge, resolve, silence, re-run.
    let actions: IncidentActions
    /// Approve, deny.
    let approvals: ApprovalService

    /// Handles an `interactive` envelope frame (`block_actions` from Vigil's buttons); answers go through
    /// `chat.update` and `chat.postEphemeral`, so the ack carries nothing.
    func handle(frame: [UInt8]) async -> JSONValue? {
        await approvals.expireApprovals(now: context.now())
        let payload: BlockActionsPayload
        do {
            payload = try JSONDecoder().decode(BlockActionsPayload.Envelope.self, from: Data(frame)).payload
        } catch {
            context.logger.warning("interactive envelope without a readable payload; ignored")
            return nil
        }
        guard payload.type == "block_actions", !payload.userID.isEmpty else { return nil }
        if payload.channelID.hasPrefix("D") {
            await approvals.learnDirectChannel(user: payload.userID, channel: payload.channelID)
        }
        await handleButton(payload)
        return nil
    }

    /// Handles a click on one of Vigil's buttons.
    private func handleButton(_ payload: BlockActionsPayload) async {
        let user = payload.userID
        let known = [
            InvestigationMessage.ActionID.acknowledge, InvestigationMessage.ActionID.resolve,
            InvestigationMessage.ActionID.silenceOneHour, InvestigationMessage.ActionID.rerun,
            ApprovalActionID.approve, ApprovalActionID.deny,
        ]
        guard known.contains(payload.actionID) else {
            context.logger.debug("click on a button Vigil does not know", metadata: ["slack.action_id": "\(payload.actionID)"])
            return
        }
        let clicker = ActionSource(user: user, via: .button, team: payload.userTeam, channel: payload.channelID)
        if let refusal = await policy.otherTeamRefusal(clicker) {
            await tellClicker(refusal, payload)
            return
        }
        do {
            switch payload.actionID {
            case InvestigationMessage.ActionID.acknowledge, InvestigationMessage.ActionID.resolve,
                InvestigationMessage.ActionID.silenceOneHour, InvestigationMessage.ActionID.rerun:
                guard let incidentID = Int64(payload.value) else {
                    context.logger.warning(
                        "button without an incident id",
                        metadata: ["slack.action_id": "\(payload.actionID)"]
                    )
                    return
                }
                var source = clicker
                source.messageBlocks = payload.messageBlocks
                source.messageTS = payload.messageTS
                if !payload.messageBlocks.isEmpty { await actions.rememberBlocks(payload.messageBlocks, of: incidentID) }
                let result: ActionResult =
                    switch payload.actionID {
                    case InvestigationMessage.ActionID.acknowledge:
                        try await actions.acknowledge(incidentID: incidentID, source: source)
                    case InvestigationMessage.ActionID.resolve:
                        try await actions.resolve(incidentID: incidentID, source: source)
                    case InvestigationMessage.ActionID.silenceOneHour:
                        try await actions.silence(incidentID: incidentID, for: .seconds(3600), source: source)
                    default: try await actions.rerun(incidentID: incidentID, source: source)
                    }
                if !result.changed { await tellClicker(result.reply, payload) }
            case ApprovalActionID.approve, ApprovalActionID.deny:
                let intent: ApprovalIntent = payload.actionID == ApprovalActionID.approve ? .approve : .deny
                let result = try await approvals.decide(requestID: payload.value, intent: intent, source: clicker)
                if !result.changed { await tellClicker(result.reply, payload) }
            default:
                context.logger.debug(
                    "click on a button Vigil does not know",
                    metadata: ["slack.action_id": "\(payload.actionID)"]
                )
            }
        } catch {
            context.logger.error(
                "button action failed: \(error)",
                metadata: [
                    "slack.action_id": "\(payload.actionID)", "slack.user": "\(user)",
                ]
            )
            await tellClicker(
                ConversationReply("Sorry, that failed on my side (\(ConversationText.shortError(error))). Try again."),
                payload
            )
        }
    }

    /// An ephemeral answer to the person who clicked, next to the message they clicked on.
    private func tellClicker(_ reply: ConversationReply, _ payload: BlockActionsPayload) async {
        do {
            try await context.slack.postEphemeral(
                channel: payload.channelID,
                user: payload.userID,
                text: reply.text,
                blocks: nil,
                threadTS: payload.threadTS
            )
        } catch {
            context.logger.warning(
                "could not answer a click: \(error)",
                metadata: [
                    "slack.channel": "\(payload.channelID)", "slack.user": "\(payload.userID)",
                ]
            )
        }
    }
}
