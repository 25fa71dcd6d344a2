@testable import VigilBase
@testable import VigilStorage
@testable import AlertInvestigation
@testable import AlertReading
@testable import Vigil
import Foundation
import Testing


struct MentionTests {
    typealias F = ConversationFixtures

    @Test func helpInAnAlertThread() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(h.mention("help", thread: incident.rootTS), isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(h.slack.posts.count == 1)
        #expect(post.channel == F.alertChannel)
        #expect(post.threadTS == incident.rootTS)
        #expect(post.text.contains("In this thread"))
    }

    @Test func statusOfTheThreadsIncident() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(h.mention("status", thread: incident.rootTS), isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(post.threadTS == incident.rootTS)
        #expect(post.text.contains("*HighCPU*"))
        #expect(post.text.contains("incident `\(incident.id)`"))
        #expect(post.text.contains("nobody has acknowledged"))
    }

    @Test func historyCountsEarlierIncidents() async throws {
        let h = try await ConversationHarness.make()
        let first = try await h.openIncident(rootTS: "1700000000.000100")
        h.clock.advance(seconds: 600)
        _ = try await h.store.resolve(incidentID: first.id, by: F.bob, at: h.clock.now())
        h.clock.advance(seconds: 600)
        let second = try await h.openIncident(rootTS: "1700001200.000100")
        await h.service.handleMessage(h.mention("history", thread: second.rootTS), isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(post.threadTS == second.rootTS)
        #expect(post.text.contains("Fired 2× in the last 24 h"))
        #expect(post.text.contains("Last resolved 10 min ago after 10 min by <@\(F.bob)>"))
    }

    @Test func relatedListsAlertsOnTheSameHost() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        try await h.openIncident(
            F.alert(name: "DiskFull", severity: .warning, host: "web-1"),
            rootTS: "1700000030.000100",
            channel: F.otherChannel
        )
        await h.service.handleMessage(h.mention("related", thread: incident.rootTS), isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(post.text.contains("DiskFull"))
        #expect(post.text.contains("*Related to HighCPU* (1)"))
    }

    @Test func ackAcknowledgesAndUpdatesTheInvestigation() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(h.mention("ack", thread: incident.rootTS), isMention: true)
        let stored = try await h.incident(incident.id)
        #expect(stored.status == .acknowledged)
        #expect(stored.acknowledgedBy == F.alice)
        let update = try #require(h.slack.updates.first)
        #expect(update.ts == incident.investigationTS)
        #expect(update.blocks?.allText.contains("Acknowledged by <@\(F.alice)>") == true)
        let reply = try #require(h.slack.posts.first)
        #expect(reply.threadTS == incident.rootTS)
        #expect(reply.text.contains("<@\(F.alice)> acknowledged"))
        let audit = try #require(try await h.audit().last)
        #expect(audit.action == "incident.acknowledge")
        #expect(audit.actor == F.alice)
        #expect(audit.via == .text)
    }

    @Test func resolveResolvesReactsAndUpdates() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        h.clock.advance(seconds: 900)
        await h.service.handleMessage(h.mention("resolve", thread: incident.rootTS), isMention: true)
        let stored = try await h.incident(incident.id)
        #expect(stored.status == .resolved)
        #expect(stored.resolvedBy == F.alice)
        #expect(h.slack.reactions == ["white_check_mark"])
        #expect(h.slack.updates.first?.text.contains("resolved after 15 min") == true)
        #expect(h.slack.posts.first?.text.contains("resolved *HighCPU*") == true)
    }

    @Test func silenceAndUnsilenceTheThreadsAlert() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(
            h.mention("silence 2h", thread: incident.rootTS, ts: "1700000500.000100"),
            isMention: true
        )
        let silences = try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now())
        let silence = try #require(silences.first)
        #expect(silences.count == 1)
        #expect(silence.matcher == .identity(incident.identity))
        #expect(silence.createdBy == F.alice)
        #expect(silence.expiresAt == F.t0.addingTimeInterval(7200))
        #expect(h.slack.updates.first?.blocks?.allText.contains("Silenced by <@\(F.alice)>") == true)
        #expect(h.slack.posts.first?.text.contains("for 2 h") == true)

        await h.service.handleMessage(
            h.mention("unsilence", thread: incident.rootTS, ts: "1700000501.000100"),
            isMention: true
        )
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).isEmpty)
        #expect(h.slack.posts.last?.text.contains("lifted the silence") == true)
        #expect(try await h.audit().map(\.action).suffix(2) == ["silence.create", "silence.remove"])
    }

    @Test func silenceWithoutADurationExplains() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(h.mention("silence", thread: incident.rootTS), isMention: true)
        #expect(h.slack.posts.first?.text.contains("Say how long") == true)
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).isEmpty)
    }

    @Test func rerunRunsTheInvestigationAgain() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(h.mention("rerun", thread: incident.rootTS), isMention: true)
        let update = try #require(h.slack.updates.first)
        #expect(update.ts == incident.investigationTS)
        #expect(update.text.contains("HighCPU"))
        #expect(h.slack.posts.first?.text.contains("Re-ran the investigation") == true)
        #expect(try await h.audit().last?.action == "incident.rerun")
    }

    @Test func freeTextQuestionIsAnsweredInTheThread() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(h.mention("has this happened before?", thread: incident.rootTS), isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(post.channel == F.alertChannel)
        #expect(post.threadTS == incident.rootTS)
        #expect(post.text.contains("History of HighCPU") || post.text.contains("*History of HighCPU*"))
        #expect(post.text.contains("first time it fired"))
    }

    @Test func unknownQuestionSaysWhatVigilDoesNotKnow() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        await h.service.handleMessage(
            h.mention("is the database to blame here", thread: incident.rootTS),
            isMention: true
        )
        let post = try #require(h.slack.posts.first)
        #expect(post.threadTS == incident.rootTS)
        #expect(post.text.contains("I don't know the root cause; here is what I have:"))
        #expect(post.text.contains("CPU above 90%"))
    }

    @Test func fixQuestionShowsRunbookLinksAndChecks() async throws {
        let rule = RunbookRule(
            name: "cpu",
            namePattern: GlobPattern("HighCPU*"),
            links: [RunbookRule.Link(label: "CPU runbook", urlTemplate: "https://wiki.test/runbooks/cpu?host={{host}}")]
        )
        let h = try await ConversationHarness.make(runbooks: [rule])
        let incident = try await h.openIncident()
        await h.monitor.probeResults.replace(
            [ProbeResult(name: "load", outcome: .succeeded(.exitCode(0)), duration: .milliseconds(40), output: "0.42")],
            of: incident.id
        )
        await h.service.handleMessage(h.mention("how do I fix this?", thread: incident.rootTS), isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(post.text.contains("<https://wiki.test/runbooks/cpu?host=web-1|CPU runbook>"))
        #expect(post.text.contains("*Latest checks*"))
        #expect(post.text.contains("✅ *load*"))
        #expect(post.text.contains("Links from the alert"))
    }

    @Test func whoQuestionAnswersOwnership() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        _ = try await h.store.acknowledge(incidentID: incident.id, by: F.bob, at: h.clock.now())
        await h.service.handleMessage(h.mention("who is on it?", thread: incident.rootTS), isMention: true)
        #expect(h.slack.posts.first?.text.contains("<@\(F.bob)> acknowledged it") == true)
    }

    @Test func mentionOutsideAnAlertThreadSummarisesOpenIncidents() async throws {
        let h = try await ConversationHarness.make()
        try await h.openIncident()
        let mention = h.mention("what's going on?", ts: "1700000700.000100", channel: F.otherChannel)
        await h.service.handleMessage(mention, isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(post.channel == F.otherChannel)
        #expect(post.threadTS == "1700000700.000100")
        #expect(post.text.contains("Open incidents (1)"))
        #expect(post.text.contains("HighCPU"))
        #expect(post.text.contains("Things you can ask me"))
    }

    @Test func mentionArrivingAsMessageAndAppMentionIsAnsweredOnce() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        let mention = h.mention("status", thread: incident.rootTS)
        var asMessage = mention
        asMessage.type = "message"
        asMessage.channelType = "channel"
        await h.service.handleMessage(asMessage, isMention: false)
        await h.service.handleMessage(mention, isMention: true)
        await h.service.handleMessage(mention, isMention: true)
        #expect(h.slack.posts.count == 1)
    }

    @Test func channelMessagesWithoutAMentionAndBotPostsAreIgnored() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        let plain = SlackMessage(
            channel: F.alertChannel,
            channelType: "channel",
            user: F.alice,
            text: "status",
            ts: "1700000800.000100",
            threadTS: incident.rootTS
        )
        await h.service.handleMessage(plain, isMention: false)
        var own = h.mention("status", thread: incident.rootTS, ts: "1700000801.000100")
        own.user = F.vigilUser
        await h.service.handleMessage(own, isMention: true)
        var bot = h.mention("status", thread: incident.rootTS, ts: "1700000802.000100")
        bot.botID = "B0OTHER"
        await h.service.handleMessage(bot, isMention: true)
        #expect(h.slack.calls.isEmpty)
    }

    @Test func threadMentionSampleIsUnderstood() async throws {
        // The shared sample of an app_mention in a thread, pointed at a known alert thread.
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        var members = try #require(try Samples.json("slack/events_api_event_app_mention_in_thread.json").objectValue)
        members["channel"] = .string(F.alertChannel)
        members["thread_ts"] = .string(incident.rootTS)
        members["text"] = .string("<@\(F.vigilUser)> who acked this?")
        // The sample's author is of the sample's team; here that team is the workspace (another team's people are
        // refused unless `permissions.other_teams` lists them).
        members["user_team"] = .string(F.workspace)
        let message = try Samples.message(.object(members))
        await h.service.handleMessage(message, isMention: true)
        let post = try #require(h.slack.posts.first)
        #expect(post.threadTS == incident.rootTS)
        #expect(post.text.contains("Nobody has acknowledged"))
    }

    @Test func refusalIsEphemeralAndChangesNothing() async throws {
        let settings = ConversationSettings(permissions: .init(ack: .nobody, resolve: Audience(userIDs: [F.bob])))
        let h = try await ConversationHarness.make(settings: settings)
        let incident = try await h.openIncident()
        await h.service.handleMessage(
            h.mention("ack", thread: incident.rootTS, ts: "1700000500.000100"),
            isMention: true
        )
        await h.service.handleMessage(
            h.mention("resolve", thread: incident.rootTS, ts: "1700000501.000100"),
            isMention: true
        )
        #expect(try await h.incident(incident.id).status == .open)
        #expect(h.slack.posts.isEmpty)
        #expect(h.slack.updates.isEmpty)
        let refusals = h.slack.ephemerals
        #expect(refusals.count == 2)
        #expect(refusals.allSatisfy { $0.user == F.alice && $0.threadTS == incident.rootTS })
        #expect(refusals[0].text.contains("Nobody is allowed to acknowledge incidents"))
        #expect(refusals[1].text.contains("You're not allowed to resolve incidents"))
        #expect(refusals[1].text.contains("`permissions.resolve`"))
    }
}
