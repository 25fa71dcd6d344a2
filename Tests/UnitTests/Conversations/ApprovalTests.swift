import Foundation
import Testing

@testable import AlertInvestigation
@testable import Vigil
@testable import VigilBase
@testable import VigilStorage

struct ApprovalTests {
    typealias F = ConversationFixtures

    /// Bob and Carol are approvers, and both are in `permissions.approve` (the only list decisions are checked
    /// against).
    static let settings = ConversationSettings(
        permissions: .init(approve: Audience(userIDs: [F.bob, F.carol])),
        approvers: [F.bob, F.carol],
        approvalTimeout: .seconds(30 * 60)
    )

    static let probe = ProbeSpec.command(
        name: "restart-web",
        executable: "/bin/echo",
        arguments: ["restarted web-1"],
        timeout: .seconds(30),
        requiresApproval: true
    )

    private func setUp(
        settings: ConversationSettings = Self.settings
    ) async throws -> (ConversationHarness, Incident, ApprovalRequest) {
        let h = try await ConversationHarness.make(settings: settings)
        let incident = try await h.openIncident()
        let request = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
        return (h, incident, request)
    }

    private func click(
        _ h: ConversationHarness,
        _ action: String,
        _ request: ApprovalRequest,
        user: String,
        channel: String
    )
        async throws
    {
        let message = try #require(request.messages.first { $0.recipient == user } ?? request.messages.first)
        _ = await h.service.handleInteraction(
            frame: try h.buttonFrame(action, value: request.id, user: user, channel: channel, messageTS: message.ts)
        )
    }

    @Test func requestIsProposedInTheThreadAndDMedToApprovers() async throws {
        let (h, incident, request) = try await setUp()
        let posts = h.slack.posts
        #expect(posts.count == 3)
        #expect(posts[0].channel == F.alertChannel)
        #expect(posts[0].threadTS == incident.rootTS)
        // Each approver's DM is opened first, so the request can be updated there later.
        #expect(posts[1].channel == F.bobDM)
        #expect(posts[2].channel == "D0CAROL")
        #expect(h.slack.calls.filter { if case .openDirectMessage = $0 { true } else { false } }.count == 2)
        for post in posts {
            #expect(post.text.contains("Approval needed"))
            #expect(post.text.contains("restart-web"))
            #expect(post.text.contains("/bin/echo restarted web-1"))
            let actions = post.blocks?.last?["elements"]?.arrayValue?.compactMap { $0["action_id"]?.stringValue }
            #expect(actions == ["vigil_approve", "vigil_deny"])
            #expect(post.blocks?.last?["elements"]?.arrayValue?.first?["value"] == .string(request.id))
        }
        #expect(posts[1].blocks?.allText.contains("reply *approve* or *deny* in this thread") == true)
        #expect(request.state == .pending)
        #expect(request.expiresAt == F.t0.addingTimeInterval(1800))
        #expect(request.messages.map(\.recipient) == [nil, F.bob, F.carol])
        let audit = try await h.audit()
        #expect(audit.map(\.action) == ["approval.request", "approval.posted"])
        #expect(String(audit[0].id) == request.id)
        #expect(await h.approvals.pendingApprovals.map(\.id) == [request.id])
        // Asking again while it is pending does not ask twice.
        #expect(try await h.approvals.requestApproval(incident: incident, probe: Self.probe).id == request.id)
        #expect(h.slack.posts.count == 3)
    }

    @Test func approverDMThatCannotBeOpenedFallsBackToTheUserID() async throws {
        let h = try await ConversationHarness.make(settings: Self.settings)
        h.slack.failDirectMessageOpens()
        let incident = try await h.openIncident()
        let request = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
        #expect(h.slack.posts.map(\.channel) == [F.alertChannel, F.bob, F.carol])
        #expect(request.messages.map(\.channel) == [F.alertChannel, F.bob, F.carol])
        // Once Bob writes from his DM, the request is addressed there.
        await h.service.handleMessage(h.directMessage("hi", user: F.bob, channel: F.bobDM), isMention: false)
        #expect(await h.approvals.approval(id: request.id)?.messages.map(\.channel) == [F.alertChannel, F.bobDM, F.carol])
    }

    @Test func approvalByButtonRunsTheProbeAndClosesEverywhere() async throws {
        let (h, incident, request) = try await setUp()
        h.clock.advance(seconds: 60)
        try await click(h, "vigil_approve", request, user: F.bob, channel: F.bobDM)
        let closed = try #require(await h.approvals.approval(id: request.id))
        #expect(closed.state == .approved(by: F.bob, at: F.t0.addingTimeInterval(60), via: .button))
        // Every message shows the decision, the DMs by their D… ids.
        let updates = h.slack.updates
        #expect(updates.count == 3)
        #expect(Set(updates.map(\.channel)) == [F.alertChannel, F.bobDM, "D0CAROL"])
        for update in updates {
            #expect(update.text.contains("Approved by <@\(F.bob)>"))
            #expect(update.text.contains("with the button"))
            #expect(update.blocks?.contains { $0["type"] == .string("actions") } == false)
        }
        // The probe ran and its result went to the alert thread.
        let result = try #require(h.slack.posts.last)
        #expect(result.threadTS == incident.rootTS)
        #expect(result.text.contains("Ran `restart-web`, approved by <@\(F.bob)>"))
        #expect(result.text.contains("✅ *restart-web*"))
        #expect(result.text.contains("restarted web-1"))
        let actions = try await h.audit().map(\.action)
        #expect(actions == ["approval.request", "approval.posted", "approval.approve", "probe.run"])
        let decision = try await h.audit()[2]
        #expect(decision.actor == F.bob)
        #expect(decision.via == .button)
        #expect(await h.approvals.pendingApprovals.isEmpty)
    }

    /// The `ts` of `user`'s DM of `request` (replies in its thread are answers to it).
    private func dmThread(_ request: ApprovalRequest, _ user: String) throws -> String {
        try #require(request.messages.first { $0.recipient == user }).ts
    }

    @Test func approvalByFreeTextInTheRequestsDMThread() async throws {
        let (h, incident, request) = try await setUp()
        await h.service.handleMessage(
            h.directMessage(
                "yes, go ahead", user: F.carol, channel: "D0CAROL", threadTS: try dmThread(request, F.carol)),
            isMention: false
        )
        let closed = try #require(await h.approvals.approval(id: request.id))
        #expect(closed.state == .approved(by: F.carol, at: F.t0, via: .text))
        #expect(
            h.slack.updates.contains {
                $0.channel == "D0CAROL" && $0.text.contains("Approved by <@\(F.carol)>")
                    && $0.text.contains("by message")
            }
        )
        #expect(h.slack.posts.contains { $0.threadTS == incident.rootTS && $0.text.contains("Ran `restart-web`") })
        #expect(h.slack.posts.last?.channel == "D0CAROL")
        #expect(h.slack.posts.last?.text.contains("✅ Approved") == true)
        let decision = try #require(try await h.audit().first { $0.action == "approval.approve" })
        #expect(decision.via == .text)
        #expect(decision.actor == F.carol)
    }

    @Test func denialByFreeText() async throws {
        let (h, _, request) = try await setUp()
        let postsBefore = h.slack.posts.count
        await h.service.handleMessage(
            h.directMessage("no, don't", user: F.bob, channel: F.bobDM, threadTS: try dmThread(request, F.bob)),
            isMention: false
        )
        #expect(await h.approvals.approval(id: request.id)?.state == .denied(by: F.bob, at: F.t0, via: .text))
        #expect(h.slack.updates.count == 3)
        #expect(
            h.slack.updates.allSatisfy { $0.text.contains("Denied by <@\(F.bob)>") && $0.text.contains("did not run") }
        )
        #expect(h.slack.posts.count == postsBefore + 1)  // only the answer in the DM; the probe did not run
        #expect(h.slack.posts.last?.text.contains("Denied") == true)
        #expect(try await h.audit().map(\.action).last == "approval.deny")
    }

    @Test func denialByButton() async throws {
        let (h, _, request) = try await setUp()
        try await click(h, "vigil_deny", request, user: F.bob, channel: F.alertChannel)
        #expect(await h.approvals.approval(id: request.id)?.state == .denied(by: F.bob, at: F.t0, via: .button))
        #expect(!h.slack.posts.contains { $0.text.contains("Ran `restart-web`") })
    }

    @Test func unclearReplyAsksAndDecidesNothing() async throws {
        let (h, _, request) = try await setUp()
        await h.service.handleMessage(
            h.directMessage("hmm, maybe later", user: F.bob, channel: F.bobDM, threadTS: try dmThread(request, F.bob)),
            isMention: false
        )
        #expect(await h.approvals.approval(id: request.id)?.state == .pending)
        let question = try #require(h.slack.posts.last)
        #expect(question.channel == F.bobDM)
        #expect(question.text.contains("I couldn't tell whether that's a yes or a no, so I did nothing"))
        #expect(question.text.contains("request `\(request.id)`"))
        #expect(h.slack.updates.isEmpty)
    }

    @Test func severalPendingRequestsAreDecidedOnlyInTheirThreadOrById() async throws {
        let (h, incident, first) = try await setUp()
        let second = try await h.approvals.requestApproval(
            incident: incident,
            probe: .command(name: "flush-cache", executable: "/bin/echo", timeout: .seconds(5), requiresApproval: true)
        )
        await h.service.handleMessage(h.directMessage("yes", user: F.bob, channel: F.bobDM), isMention: false)
        #expect(h.slack.posts.last?.text.contains("I did nothing") == true)
        #expect(h.slack.posts.last?.text.contains("approve \(first.id)") == true)
        #expect(h.slack.posts.last?.text.contains("approve \(second.id)") == true)
        #expect(await h.approvals.pendingApprovals.count == 2)
        // A reply in the thread of one request's DM is about that request.
        let dm = try #require(second.messages.first { $0.recipient == F.bob })
        await h.service.handleMessage(
            h.directMessage("lgtm", user: F.bob, channel: F.bobDM, ts: "1700000700.000100", threadTS: dm.ts),
            isMention: false
        )
        #expect(await h.approvals.approval(id: second.id)?.state.isPending == false)
        #expect(await h.approvals.approval(id: first.id)?.state.isPending == true)
        // `approve <id>` names one explicitly.
        await h.service.handleMessage(
            h.directMessage("deny \(first.id)", user: F.bob, channel: F.bobDM, ts: "1700000701.000100"),
            isMention: false
        )
        #expect(await h.approvals.approval(id: first.id)?.state == .denied(by: F.bob, at: F.t0, via: .text))
    }

    @Test func approveMentionInTheAlertThread() async throws {
        let (h, incident, request) = try await setUp()
        await h.service.handleMessage(h.mention("approve", thread: incident.rootTS, user: F.bob), isMention: true)
        #expect(await h.approvals.approval(id: request.id)?.state == .approved(by: F.bob, at: F.t0, via: .text))
    }

    @Test func expiredRequestIsClosedAndLaterClicksAreAnswered() async throws {
        let (h, _, request) = try await setUp()
        h.clock.advance(seconds: 29 * 60)
        #expect(await h.approvals.expireApprovals(now: h.clock.now()).isEmpty)
        h.clock.advance(seconds: 60)
        let expired = await h.approvals.expireApprovals(now: h.clock.now())
        #expect(expired.map(\.id) == [request.id])
        #expect(h.slack.updates.count == 3)
        #expect(h.slack.updates.allSatisfy { $0.text.contains("Expired") && $0.text.contains("did not run") })
        let audit = try #require(try await h.audit().last)
        #expect(audit.action == "approval.expire")
        #expect(audit.via == .system)
        #expect(audit.target == "approval:\(request.id)")
        // A click after expiry is answered, and changes nothing.
        try await click(h, "vigil_approve", request, user: F.bob, channel: F.bobDM)
        #expect(h.slack.ephemerals.last?.text.contains("Expired") == true)
        #expect(!h.slack.posts.contains { $0.text.contains("Ran `restart-web`") })
    }

    @Test func expiryIsCheckedLazilyOnTheNextInteraction() async throws {
        let (h, _, request) = try await setUp()
        h.clock.advance(seconds: 31 * 60)
        await h.service.handleMessage(h.directMessage("yes", user: F.bob, channel: F.bobDM), isMention: false)
        #expect(await h.approvals.approval(id: request.id)?.state == .expired(at: F.t0.addingTimeInterval(31 * 60)))
        #expect(!h.slack.posts.contains { $0.text.contains("Ran `restart-web`") })
    }

    @Test func onlyApproversCount() async throws {
        let (h, _, request) = try await setUp()
        try await click(h, "vigil_approve", request, user: F.alice, channel: F.alertChannel)
        #expect(await h.approvals.approval(id: request.id)?.state == .pending)
        let refusal = try #require(h.slack.ephemerals.last)
        #expect(refusal.user == F.alice)
        #expect(refusal.text.contains("You're not allowed to approve probes"))
        let audit = try #require(try await h.audit().last)
        #expect(audit.action == "approval.refused")
        #expect(audit.actor == F.alice)
        // A non-approver's "yes" in a DM is not taken as an answer.
        await h.service.handleMessage(h.directMessage("yes"), isMention: false)
        #expect(await h.approvals.approval(id: request.id)?.state == .pending)
        #expect(h.slack.posts.last?.text.contains("I'm not sure what you mean") == true)
    }

    @Test func firstDecisionWins() async throws {
        let (h, _, request) = try await setUp()
        try await click(h, "vigil_deny", request, user: F.carol, channel: "D0CAROL")
        try await click(h, "vigil_approve", request, user: F.bob, channel: F.bobDM)
        #expect(await h.approvals.approval(id: request.id)?.state == .denied(by: F.carol, at: F.t0, via: .button))
        let answer = try #require(h.slack.ephemerals.last)
        #expect(answer.user == F.bob)
        #expect(answer.text.contains("Denied by <@\(F.carol)>"))
        #expect(
            try await h.audit().filter {
                $0.action.hasPrefix("approval.") && $0.action != "approval.request" && $0.action != "approval.posted"
            }.count == 1
        )
    }

    @Test func nobodyMayApproveByDefault() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        let request = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
        #expect(h.slack.posts.count == 1)  // no approvers to DM
        #expect(h.slack.posts[0].blocks?.allText.contains("nobody may approve probes here") == true)
        try await click(h, "vigil_approve", request, user: F.alice, channel: F.alertChannel)
        #expect(h.slack.ephemerals.last?.text.contains("Nobody is allowed to approve probes") == true)
    }

    @Test func requestsLeftOpenByARestartExpire() async throws {
        try await F.withTemporaryDirectory { directory in
            let requestID: String
            let messages: [ApprovalRequest.Message]
            do {
                let store = try await SQLiteVigilStore(directory: directory, logger: F.logger)
                let h = try await ConversationHarness.make(settings: Self.settings, store: store)
                let incident = try await h.openIncident()
                let request = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
                requestID = request.id
                messages = request.messages
            }
            let store = try await SQLiteVigilStore(directory: directory, logger: F.logger)
            let h = try await ConversationHarness.make(settings: Self.settings, store: store)
            #expect(try await h.approvals.expireApprovalsLeftOpenByRestart() == 1)
            #expect(
                Set(h.slack.updates.map { "\($0.channel)/\($0.ts)" }) == Set(messages.map { "\($0.channel)/\($0.ts)" })
            )
            #expect(h.slack.updates.allSatisfy { $0.text.contains("Vigil restarted before anyone decided") })
            #expect(try await h.audit().last?.action == "approval.expire")
            #expect(try await h.approvals.expireApprovalsLeftOpenByRestart() == 0)
            // The old button now says so.
            _ = await h.service.handleInteraction(
                frame: try h.buttonFrame(
                    "vigil_approve",
                    value: requestID,
                    user: F.bob,
                    channel: F.bobDM,
                    messageTS: messages[1].ts
                )
            )
            #expect(h.slack.ephemerals.last?.text.contains("has expired") == true)
        }
    }

    @Test func locationsRoundTripThroughTheAuditLog() {
        let messages = [
            ApprovalRequest.Message(channel: "C1", ts: "1.2", recipient: nil),
            ApprovalRequest.Message(channel: "D2", ts: "3.4", recipient: "U2"),
        ]
        #expect(ApprovalService.encode(messages) == "C1/1.2 U2@D2/3.4")
        #expect(ApprovalService.decodeMessages(ApprovalService.encode(messages)) == messages)
    }

    @Test func replyInTheThreadOfAClosedRequestIsNotAppliedToAnother() async throws {
        let h = try await ConversationHarness.make(settings: Self.settings)
        let incident = try await h.openIncident()
        let first = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
        await h.service.handleMessage(
            h.directMessage("deny", user: F.bob, channel: F.bobDM, ts: "1700000601.000100", threadTS: try dmThread(first, F.bob)),
            isMention: false
        )
        #expect(await h.approvals.approval(id: first.id)?.state.isPending == false)
        let second = try await h.approvals.requestApproval(
            incident: incident,
            probe: .command(name: "flush-cache", executable: "/bin/echo", timeout: .seconds(5), requiresApproval: true)
        )
        let firstDM = try #require(first.messages.first { $0.recipient == F.bob })
        await h.service.handleMessage(
            h.directMessage("yes", user: F.bob, channel: F.bobDM, ts: "1700000602.000100", threadTS: firstDM.ts),
            isMention: false
        )
        #expect(await h.approvals.approval(id: second.id)?.state == .pending)
        #expect(h.slack.posts.last?.text.contains("Denied by <@\(F.bob)>") == true)
        // "approve" typed in the thread of the second request's DM decides that one.
        let secondDM = try #require(second.messages.first { $0.recipient == F.bob })
        await h.service.handleMessage(
            h.directMessage("approve", user: F.bob, channel: F.bobDM, ts: "1700000603.000100", threadTS: secondDM.ts),
            isMention: false
        )
        #expect(await h.approvals.approval(id: second.id)?.state == .approved(by: F.bob, at: F.t0, via: .text))
    }
}
