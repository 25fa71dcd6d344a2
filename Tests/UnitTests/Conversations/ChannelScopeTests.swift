import Foundation
import Testing

@testable import AlertInvestigation
@testable import AlertReading
@testable import Vigil
@testable import VigilBase
@testable import VigilStorage

/// Issue 14, items 1–3 at the unit level: incidents of a private channel are acted on and read only by its members
/// (or people the configuration names), people of other teams only where allowed, silences are bounded, and
/// approvals are deliberate.
struct ChannelScopeTests {
    typealias F = ConversationFixtures

    static let secret = "G0SECRET"

    private func slash(
        _ h: ConversationHarness, _ text: String, user: String = F.alice, channel: String = F.otherChannel
    ) async throws -> String {
        let reply = try #require(
            await h.service.handleSlashCommand(frame: try h.slashFrame(text, user: user, channel: channel)))
        return reply.replyText
    }

    /// An incident in the private channel #secret, of which only Alice is a member.
    private func secretIncident(
        settings: ConversationSettings = ConversationSettings()
    ) async throws -> (ConversationHarness, Incident) {
        let h = try await ConversationHarness.make(settings: settings)
        h.slack.makePrivate(Self.secret, members: [F.alice, F.vigilUser])
        let incident = try await h.openIncident(F.alert(name: "SecretDatabaseDown"), channel: Self.secret)
        return (h, incident)
    }

    // MARK: - Item 1: scoped by channel

    @Test func nonMemberCannotActOnAPrivateChannelsIncidentFromADM() async throws {
        let (h, incident) = try await secretIncident()
        await h.service.handleMessage(
            h.directMessage("ack \(incident.id)", user: F.bob, channel: F.bobDM), isMention: false)
        #expect(try await h.incident(incident.id).status == .open)
        let refusal = try #require(h.slack.posts.last)
        #expect(refusal.channel == F.bobDM)
        #expect(refusal.text.contains("belongs to a channel you're not a member of"))
        #expect(!refusal.text.contains("SecretDatabaseDown"), "the refusal does not leak the incident")
        let commands = ["status", "history", "related", "resolve", "rerun", "silence \(incident.id) 1h"]
        for (index, command) in commands.enumerated() {
            let text = command.hasPrefix("silence") ? command : "\(command) \(incident.id)"
            await h.service.handleMessage(
                h.directMessage(text, user: F.bob, channel: F.bobDM, ts: "1700000601.00010\(index)"),
                isMention: false)
            let answer = try #require(h.slack.posts.last)
            #expect(answer.text.contains("not a member"), "`\(text)` is refused")
            #expect(!answer.text.contains("SecretDatabaseDown"))
        }
        #expect(try await h.incident(incident.id).status == .open)
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).isEmpty)
        // Alice is in #secret: the same command from her DM works.
        await h.service.handleMessage(h.directMessage("ack \(incident.id)"), isMention: false)
        #expect(try await h.incident(incident.id).acknowledgedBy == F.alice)
    }

    @Test func nonMemberCannotActByButtonOrSlashOrMentionElsewhere() async throws {
        let (h, incident) = try await secretIncident()
        // A forged click from another channel.
        _ = await h.service.handleInteraction(
            frame: try h.buttonFrame(
                InvestigationMessage.ActionID.resolve, value: String(incident.id), user: F.bob,
                channel: F.otherChannel, messageTS: "1700000000.900100"))
        #expect(try await h.incident(incident.id).status == .open)
        #expect(h.slack.ephemerals.last?.text.contains("not a member") == true)
        // A mention in a public channel, even by a member, does not answer about it where others read along.
        await h.service.handleMessage(
            h.mention("status \(incident.id)", user: F.alice, channel: F.otherChannel), isMention: true)
        let answer = try #require(h.slack.ephemerals.last)
        #expect(answer.user == F.alice)
        #expect(answer.text.contains("won't answer about it here"))
        #expect(!h.slack.posts.contains { $0.text.contains("SecretDatabaseDown") })
    }

    @Test func listsShowOnlyChannelsTheAskerCanSee() async throws {
        let (h, secret) = try await secretIncident()
        try await h.openIncident(F.alert(name: "PublicDiskFull", host: "web-2"), rootTS: "1700000020.000100")
        for command in ["alerts", "status", "alerts <#\(Self.secret)|secret>"] {
            let bobs = try await slash(h, command, user: F.bob)
            #expect(!bobs.contains("SecretDatabaseDown"), "Bob's `/vigil \(command)` hides #secret")
        }
        #expect(try await slash(h, "alerts", user: F.bob).contains("PublicDiskFull"))
        #expect(try await slash(h, "status", user: F.bob).contains("Open incidents: 1 (0 acknowledged)"))
        #expect(try await slash(h, "history SecretDatabaseDown", user: F.bob).contains("I have no incident named"))
        #expect(try await slash(h, "alerts").contains("SecretDatabaseDown"))
        #expect(try await slash(h, "status").contains("Open incidents: 2 (0 acknowledged)"))
        #expect(try await slash(h, "history SecretDatabaseDown").contains("History of"))
        // A silence on the #secret alert is listed to Alice, not to Bob.
        await h.service.handleMessage(h.directMessage("silence \(secret.id) 2h"), isMention: false)
        #expect(try await slash(h, "silences").contains("by <@\(F.alice)>"))
        let bobsSilences = try await slash(h, "silences", user: F.bob)
        #expect(!bobsSilences.contains("SecretDatabaseDown"))
        #expect(bobsSilences.contains("1 silence on alerts of channels you can't see not shown"))
        let silenceID = try #require(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).first?.id)
        #expect(try await slash(h, "unsilence \(silenceID)", user: F.bob).contains("so I left it"))
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).count == 1)
        // A DM that is no command lists only what Bob can see, too.
        await h.service.handleMessage(h.directMessage("hi", user: F.bob, channel: F.bobDM), isMention: false)
        let hello = try #require(h.slack.posts.last)
        #expect(hello.text.contains("PublicDiskFull"))
        #expect(!hello.text.contains("SecretDatabaseDown"))
    }

    @Test func membershipIsCachedBrieflyAndAFailedLookupRefusesWithARetryHint() async throws {
        let (h, incident) = try await secretIncident()
        _ = try await slash(h, "alerts", user: F.bob)
        let afterFirst = h.slack.memberLookups
        #expect(afterFirst == 2, "privacy and members once")
        _ = try await slash(h, "alerts", user: F.bob)
        _ = try await slash(h, "status", user: F.bob)
        #expect(h.slack.memberLookups == afterFirst, "answered from the cache")
        h.clock.advance(seconds: 61)
        h.slack.failMemberLookups()
        let alerts = try await slash(h, "alerts", user: F.bob)
        #expect(alerts.contains("I couldn't check whether you can see it"))
        #expect(!alerts.contains("SecretDatabaseDown"))
        await h.service.handleMessage(
            h.directMessage("ack \(incident.id)", user: F.bob, channel: F.bobDM), isMention: false)
        #expect(h.slack.posts.last?.text.contains("Slack didn't answer") == true)
        #expect(try await h.incident(incident.id).status == .open)
    }

    @Test func peopleNamedForAnActionMayDoItWithoutBeingMembers() async throws {
        let settings = ConversationSettings(permissions: .init(ack: Audience(userIDs: [F.bob])))
        let (h, incident) = try await secretIncident(settings: settings)
        await h.service.handleMessage(
            h.directMessage("ack \(incident.id)", user: F.bob, channel: F.bobDM), isMention: false)
        #expect(try await h.incident(incident.id).acknowledgedBy == F.bob)
    }

    @Test func peopleOfOtherTeamsAreRefusedUnlessListed() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        let guest = SlackMessage(
            type: "app_mention", channel: F.alertChannel, user: F.carol,
            text: "<@\(F.vigilUser)> ack", ts: "1700000500.000100", threadTS: incident.rootTS,
            eventTS: "1700000500.000100", userTeam: "T0PARTNER")
        await h.service.handleMessage(guest, isMention: true)
        #expect(try await h.incident(incident.id).status == .open)
        let refusal = try #require(h.slack.ephemerals.last)
        #expect(refusal.user == F.carol)
        #expect(refusal.text.contains("permissions.other_teams"))

        let allowed = try await ConversationHarness.make(
            settings: ConversationSettings(permissions: .init(otherTeams: Audience(userIDs: [F.carol]))))
        let other = try await allowed.openIncident()
        var listed = guest
        listed.threadTS = other.rootTS
        await allowed.service.handleMessage(listed, isMention: true)
        #expect(try await allowed.incident(other.id).acknowledgedBy == F.carol)
    }

    // MARK: - Item 2: silences with bounds

    @Test func broadOrLongSilencesAreRefusedAndSilencesAreAuditedWithWhoSetThem() async throws {
        let h = try await ConversationHarness.make()
        let refused = try await slash(h, "silence *e* 30d")
        #expect(refused.contains("I set no silence"))
        #expect(refused.contains("needs at least 4 characters besides `*` and `?`"))
        #expect(refused.contains("at most 7 d"))
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).isEmpty)
        #expect(try await slash(h, "silence HighCPU* 8d").contains("at most 7 d"))

        let set = try await slash(h, "silence HighCPU* 2h deploying")
        #expect(set.contains("Silenced alerts named `HighCPU*` for 2 h"))
        let list = try await slash(h, "silences", user: F.bob)
        #expect(list.contains("HighCPU*"))
        #expect(list.contains("by <@\(F.alice)>"))
        let entry = try #require(try await h.audit().last)
        #expect(entry.action == "silence.create")
        #expect(entry.actor == F.alice)
        #expect(entry.detail.contains("HighCPU*"))

        let closed = try await ConversationHarness.make(
            settings: ConversationSettings(permissions: .init(silence: Audience(userIDs: [F.bob]))))
        #expect(try await slash(closed, "silence HighCPU* 2h").contains("You're not allowed to silence alerts"))
    }

    // MARK: - Item 3: deliberate approvals and the audit log

    static let approvals = ConversationSettings(
        permissions: .init(approve: Audience(userIDs: [F.bob]), audit: Audience(userIDs: [F.bob])),
        approvers: [F.bob, F.carol]
    )

    static let probe = ProbeSpec.command(
        name: "restart-web", executable: "/bin/echo", arguments: ["restarted"], timeout: .seconds(30),
        requiresApproval: true)

    @Test func bareOkOutsideTheRequestThreadApprovesNothingAndSaysHow() async throws {
        let h = try await ConversationHarness.make(settings: Self.approvals)
        let incident = try await h.openIncident()
        let request = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
        for (index, text) in ["ok", "k", "👍", "approve"].enumerated() {
            await h.service.handleMessage(
                h.directMessage(text, user: F.bob, channel: F.bobDM, ts: "1700000600.00010\(index)"),
                isMention: false)
            #expect(await h.approvals.approval(id: request.id)?.state == .pending, "`\(text)` decides nothing")
            let answer = try #require(h.slack.posts.last)
            #expect(answer.text.contains("I did nothing"))
            #expect(answer.text.contains("approve \(request.id)"))
        }
        // In the request's own DM thread the same "ok" approves.
        let dm = try #require(request.messages.first { $0.recipient == F.bob })
        await h.service.handleMessage(
            h.directMessage("ok", user: F.bob, channel: F.bobDM, ts: "1700000700.000100", threadTS: dm.ts),
            isMention: false)
        #expect(await h.approvals.approval(id: request.id)?.state == .approved(by: F.bob, at: F.t0, via: .text))
    }

    @Test func approversAreCheckedAgainstPermissionsApproveIncludingGroups() async throws {
        // Carol gets the DMs but is not in permissions.approve: she may not decide.
        let h = try await ConversationHarness.make(settings: Self.approvals)
        let incident = try await h.openIncident()
        let request = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
        let carolsDM = try #require(request.messages.first { $0.recipient == F.carol })
        _ = await h.service.handleInteraction(
            frame: try h.buttonFrame("vigil_approve", value: request.id, user: F.carol, channel: "D0CAROL",
                                     messageTS: carolsDM.ts))
        #expect(await h.approvals.approval(id: request.id)?.state == .pending)
        #expect(h.slack.ephemerals.last?.text.contains("You're not allowed to approve probes") == true)

        // permissions.approve naming a group: its members decide, an approver outside it does not.
        let groups = ConversationSettings(
            permissions: .init(approve: Audience(userGroupIDs: ["S0ONCALL"])), approvers: [F.bob, F.carol])
        let g = try await ConversationHarness.make(
            settings: groups, userGroups: ClosureUserGroupResolver { _ in [F.carol] })
        let gIncident = try await g.openIncident()
        let gRequest = try await g.approvals.requestApproval(incident: gIncident, probe: Self.probe)
        _ = await g.service.handleInteraction(
            frame: try g.buttonFrame("vigil_approve", value: gRequest.id, user: F.bob, channel: F.bobDM,
                                     messageTS: "1700009999.000002"))
        #expect(await g.approvals.approval(id: gRequest.id)?.state == .pending)
        _ = await g.service.handleInteraction(
            frame: try g.buttonFrame("vigil_approve", value: gRequest.id, user: F.carol, channel: "D0CAROL",
                                     messageTS: "1700009999.000003"))
        #expect(await g.approvals.approval(id: gRequest.id)?.state.isPending == false)
    }

    @Test func auditShowsRecentApprovalsAndActionsToThoseAllowed() async throws {
        let h = try await ConversationHarness.make(settings: Self.approvals)
        let incident = try await h.openIncident()
        let request = try await h.approvals.requestApproval(incident: incident, probe: Self.probe)
        _ = try await slash(h, "silence HighCPU* 2h")
        _ = await h.service.handleInteraction(
            frame: try h.buttonFrame("vigil_deny", value: request.id, user: F.bob, channel: F.alertChannel,
                                     messageTS: "1700009999.000001"))
        #expect(try await slash(h, "audit").contains("You're not allowed to read the audit log"))
        let log = try await slash(h, "audit", user: F.bob)
        #expect(log.contains("`approval.deny`"))
        #expect(log.contains("<@\(F.bob)>"))
        #expect(log.contains("`silence.create`"))
        #expect(log.contains("<@\(F.alice)>"))
        #expect(try await h.audit().last?.action == "audit.read")
    }
}
