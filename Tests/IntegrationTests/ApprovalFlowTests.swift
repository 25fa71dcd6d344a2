import Foundation
import SlackSimulator
import Testing
import AlertInvestigation
import Vigil
import VigilBase
import VigilDaemon

/// Approval-gated runbook steps end to end: the whole worker against the simulator, from a monitoring bot's post to
/// the proposal in the thread, the approver's DM (opened with `conversations.open`), the decision by button or by
/// text, and the probe's result in the thread.
@Suite(.serialized)
struct ApprovalFlowTests {
    typealias Harness = VigilWorkerHarness

    /// A rule for `DiskFull` alerts with one ungated check and one gated "clean up" step.
    static let cleanup = RunbookRuleConfiguration(
        name: "disk",
        match: .init(namePattern: "DiskFull*"),
        probes: [
            ProbeConfiguration(name: "kernel", action: .command(executable: "/bin/uname", arguments: ["-s"])),
            ProbeConfiguration(
                name: "clean-tmp",
                action: .command(executable: "/bin/echo", arguments: ["cleaned /tmp on db-01"]),
                requiresApproval: true
            ),
        ]
    )

    /// Bob is the approver (DMed, and named in `permissions.approve`); Alice may do everything else but approve.
    static func run(
        limits: LimitsConfiguration = LimitsConfiguration(),
        _ body: (Harness) async throws -> Void
    ) async throws {
        try await Harness.run(
            limits: limits,
            permissions: PermissionsConfiguration(
                watch: Audience(userIDs: [Harness.alice]), approve: Audience(userIDs: [Harness.bob])),
            approvers: [Harness.bob],
            runbooks: [cleanup],
            body
        )
    }

    /// The pieces of one approval request as Slack shows them.
    struct Posted {
        var alertTS: String
        var proposal: SimulatedMessage
        var directChannel: String
        var directMessage: SimulatedMessage
        var requestID: String
    }

    /// Posts a `DiskFull` alert and waits for the investigation, the proposal in its thread and Bob's DM.
    static func postGatedAlert(_ harness: Harness) async throws -> Posted {
        let alertTS = try harness.postAlert(TestAlerts.alertmanager("DiskFullRoot"))
        let replies = try await harness.waitForReplies(thread: alertTS, count: 2)
        #expect(replies[0].allText.contains("1 awaiting approval"))
        #expect(replies[0].allText.contains("clean-tmp"))
        #expect(replies[0].allText.contains("Linux"), "the ungated check ran")
        let proposal = replies[1]
        #expect(proposal.allText.contains("Approval needed"))
        #expect(proposal.allText.contains("/bin/echo cleaned /tmp on db-01"))

        let (directChannel, directMessage) = try await harness.waitUntil(
            "the approval DM to Bob", method: "chat.postMessage"
        ) { () throws -> (String, SimulatedMessage)? in
            guard let channel = harness.simulator.directMessageChannel(with: Harness.bob),
                let message = try harness.vigilPosts(in: channel).first
            else { return nil }
            return (channel, message)
        }
        // Opened with conversations.open, so the DM can be updated by its D… id later.
        #expect(harness.okCalls("conversations.open").map { $0.params["users"] } == [Harness.bob])
        #expect(directChannel.hasPrefix("D"))
        #expect(directMessage.allText.contains("Approval needed"))
        #expect(directMessage.allText.contains("reply *approve* or *deny* in this thread"))
        let requestID = try #require(approvalButtonValue(directMessage))
        #expect(approvalButtonValue(proposal) == requestID)
        return Posted(
            alertTS: alertTS, proposal: proposal, directChannel: directChannel, directMessage: directMessage,
            requestID: requestID)
    }

    /// The request id on a message's Approve button.
    static func approvalButtonValue(_ message: SimulatedMessage) -> String? {
        guard let blocks = message.jsonObject()?["blocks"] as? [[String: Any]] else { return nil }
        for block in blocks where block["type"] as? String == "actions" {
            for element in block["elements"] as? [[String: Any]] ?? []
            where element["action_id"] as? String == "vigil_approve" {
                return element["value"] as? String
            }
        }
        return nil
    }

    /// Presses Approve as `user`: on the DM's copy when `inDM`, else on the proposal in the alert thread.
    static func pressApprove(_ harness: Harness, _ posted: Posted, as user: String, inDM: Bool = true) throws {
        try harness.simulator.sendBlockActions(
            actionID: "vigil_approve", value: posted.requestID, blockID: "vigil_approval_actions", userID: user,
            channelID: inDM ? posted.directChannel : Harness.alerts,
            messageTS: inDM ? posted.directMessage.ts : posted.proposal.ts)
    }

    /// Waits until the message `ts` in `channel` reads `expected` (after Vigil's `chat.update`).
    static func waitForText(
        _ harness: Harness, _ expected: String, channel: String, ts: String
    ) async throws -> SimulatedMessage {
        try await harness.waitUntil("\"\(expected)\" in \(channel)/\(ts)", method: "chat.update") {
            guard let message = harness.simulator.message(channel: channel, ts: ts),
                message.allText.contains(expected)
            else { return nil }
            return message
        }
    }

    /// Waits for Vigil's reply in the alert thread that reports the approved run.
    static func waitForRunResult(_ harness: Harness, thread: String) async throws -> SimulatedMessage {
        try await harness.waitUntil("the approved run's result in the thread", method: "chat.postMessage") {
            try harness.vigilReplies(thread: thread).first { $0.allText.contains("Ran `clean-tmp`") }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func approvalByButtonInTheDMRunsTheStepAndClosesItEverywhere() async throws {
        try await Self.run { harness in
            let posted = try await Self.postGatedAlert(harness)
            try Self.pressApprove(harness, posted, as: Harness.bob)

            let result = try await Self.waitForRunResult(harness, thread: posted.alertTS)
            #expect(result.allText.contains("approved by <@U0SIMBOB>"))
            #expect(result.allText.contains("cleaned /tmp on db-01"))
            let direct = try await Self.waitForText(
                harness, "Approved by <@U0SIMBOB>", channel: posted.directChannel, ts: posted.directMessage.ts)
            #expect(direct.allText.contains("with the button"))
            #expect(Self.approvalButtonValue(direct) == nil, "the buttons are gone")
            let proposal = try await Self.waitForText(
                harness, "Approved by <@U0SIMBOB>", channel: Harness.alerts, ts: posted.proposal.ts)
            #expect(Self.approvalButtonValue(proposal) == nil)
            // Exactly one run.
            #expect(try harness.vigilReplies(thread: posted.alertTS).filter { $0.allText.contains("Ran `clean-tmp`") }.count == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func approvalByFreeTextInTheDMThread() async throws {
        try await Self.run { harness in
            let posted = try await Self.postGatedAlert(harness)
            try harness.simulator.postAsUser(
                channel: posted.directChannel, user: Harness.bob, text: "yes, go ahead", threadTS: posted.directMessage.ts)

            let result = try await Self.waitForRunResult(harness, thread: posted.alertTS)
            #expect(result.allText.contains("cleaned /tmp on db-01"))
            let direct = try await Self.waitForText(
                harness, "Approved by <@U0SIMBOB>", channel: posted.directChannel, ts: posted.directMessage.ts)
            #expect(direct.allText.contains("by message"))
            _ = try await Self.waitForText(harness, "Approved by <@U0SIMBOB>", channel: Harness.alerts, ts: posted.proposal.ts)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func unclearReplyIsAnsweredWithAQuestionAndDenialRunsNothing() async throws {
        try await Self.run { harness in
            let posted = try await Self.postGatedAlert(harness)
            try harness.simulator.postAsUser(
                channel: posted.directChannel, user: Harness.bob, text: "hmm, maybe later?",
                threadTS: posted.directMessage.ts)
            let question = try await harness.waitUntil("Vigil's question in Bob's DM", method: "chat.postMessage") {
                try harness.vigilReplies(in: posted.directChannel, thread: posted.directMessage.ts)
                    .first { $0.ts != posted.directMessage.ts }
            }
            #expect(question.allText.contains("I couldn't tell whether that's a yes or a no, so I did nothing"))

            let denial = try harness.simulator.postAsUser(
                channel: posted.directChannel, user: Harness.bob, text: "no, don't run it",
                threadTS: posted.directMessage.ts)
            let proposal = try await Self.waitForText(
                harness, "Denied by <@U0SIMBOB>", channel: Harness.alerts, ts: posted.proposal.ts)
            #expect(proposal.allText.contains("did not run"))
            _ = try await Self.waitForText(
                harness, "Denied by <@U0SIMBOB>", channel: posted.directChannel, ts: posted.directMessage.ts)
            try await harness.waitUntilHandled(denial)
            #expect(try harness.vigilReplies(thread: posted.alertTS).allSatisfy { !$0.allText.contains("Ran `clean-tmp`") })
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func someoneNotAllowedIsRefusedAndTheRequestStaysOpen() async throws {
        try await Self.run { harness in
            let posted = try await Self.postGatedAlert(harness)
            try Self.pressApprove(harness, posted, as: Harness.alice, inDM: false)
            let refusal = try await harness.waitUntil("the refusal shown to Alice", method: "chat.postEphemeral") {
                try harness.simulator.ephemeralMessages(in: Harness.alerts).first
            }
            #expect(refusal.visibleTo == Harness.alice)
            #expect(refusal.allText.contains("You're not allowed to approve"))
            // Still pending: Bob can approve it afterwards.
            try Self.pressApprove(harness, posted, as: Harness.bob)
            _ = try await Self.waitForRunResult(harness, thread: posted.alertTS)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func requestNobodyDecidesExpiresEverywhere() async throws {
        try await Self.run(limits: LimitsConfiguration(approvalTimeout: .seconds(1))) { harness in
            let posted = try await Self.postGatedAlert(harness)
            let proposal = try await Self.waitForText(harness, "Expired at", channel: Harness.alerts, ts: posted.proposal.ts)
            #expect(Self.approvalButtonValue(proposal) == nil)
            _ = try await Self.waitForText(harness, "Expired at", channel: posted.directChannel, ts: posted.directMessage.ts)
            // A late click is told so and runs nothing.
            try Self.pressApprove(harness, posted, as: Harness.bob)
            let late = try await harness.waitUntil("the answer to the late click", method: "chat.postEphemeral") {
                try harness.simulator.ephemeralMessages(in: posted.directChannel).first
            }
            #expect(late.allText.contains("Expired"))
            #expect(try harness.vigilReplies(thread: posted.alertTS).allSatisfy { !$0.allText.contains("Ran `clean-tmp`") })
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func bareOkOutsideTheRequestThreadApprovesNothingAndSaysHowToApprove() async throws {
        try await Self.run { harness in
            let posted = try await Self.postGatedAlert(harness)
            let ok = try harness.simulator.postAsUser(channel: posted.directChannel, user: Harness.bob, text: "ok")
            let answer = try await harness.waitUntil("Vigil's answer to the bare ok", method: "chat.postMessage") {
                try harness.vigilPosts(in: posted.directChannel).dropFirst().first
            }
            try await harness.waitUntilHandled(ok)
            #expect(answer.allText.contains("I did nothing"))
            #expect(answer.allText.contains("approve \(posted.requestID)"))
            #expect(harness.okCalls("chat.update").isEmpty, "the request is still open everywhere")
            #expect(try harness.vigilReplies(thread: posted.alertTS).allSatisfy { !$0.allText.contains("Ran `clean-tmp`") })
            // The same "ok" as a reply in the request's thread approves.
            try harness.simulator.postAsUser(
                channel: posted.directChannel, user: Harness.bob, text: "ok", threadTS: posted.directMessage.ts)
            _ = try await Self.waitForRunResult(harness, thread: posted.alertTS)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func theRequesterCannotApproveTheirOwnRequest() async throws {
        try await Self.run { harness in
            let posted = try await Self.postGatedAlert(harness)
            // The alert's request is denied; Bob then re-runs the investigation, which asks again, on his behalf.
            try harness.simulator.sendBlockActions(
                actionID: "vigil_deny", value: posted.requestID, blockID: "vigil_approval_actions",
                userID: Harness.bob, channelID: posted.directChannel, messageTS: posted.directMessage.ts)
            _ = try await Self.waitForText(harness, "Denied by", channel: Harness.alerts, ts: posted.proposal.ts)
            let investigation = try #require(try harness.vigilReplies(thread: posted.alertTS).first)
            let incidentID = try #require(harness.incidentID(of: investigation))
            try harness.simulator.sendBlockActions(
                actionID: InvestigationMessage.ActionID.rerun, value: incidentID,
                blockID: InvestigationMessage.actionsBlockID, userID: Harness.bob, channelID: Harness.alerts,
                messageTS: investigation.ts)
            let second = try await harness.waitUntil("the re-run's proposal", method: "chat.postMessage") {
                try harness.vigilReplies(thread: posted.alertTS).first {
                    $0.ts != posted.proposal.ts && $0.allText.contains("Approval needed")
                }
            }
            #expect(second.allText.contains("asked for by <@U0SIMBOB>"))
            let secondID = try #require(Self.approvalButtonValue(second))
            try harness.simulator.sendBlockActions(
                actionID: "vigil_approve", value: secondID, blockID: "vigil_approval_actions", userID: Harness.bob,
                channelID: Harness.alerts, messageTS: second.ts)
            let refusal = try await harness.waitUntil("the refusal shown to Bob", method: "chat.postEphemeral") {
                try harness.simulator.ephemeralMessages(in: Harness.alerts).first { $0.allText.contains("You asked for this run") }
            }
            #expect(refusal.visibleTo == Harness.bob)
            #expect(try harness.vigilReplies(thread: posted.alertTS).allSatisfy { !$0.allText.contains("Ran `clean-tmp`") })
            #expect(Self.approvalButtonValue(try #require(harness.simulator.message(channel: Harness.alerts, ts: second.ts))) == secondID,
                    "the request stays open for someone else")
        }
    }
}
