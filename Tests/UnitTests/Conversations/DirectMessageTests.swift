import Vigil
import VigilBase
import VigilStorage
import AlertInvestigation
import Foundation
import Testing



struct DirectMessageTests {
    typealias F = ConversationFixtures

    @Test func alertsListsOpenIncidentsAcrossChannels() async throws {
        let h = try await ConversationHarness.make()
        try await h.openIncident()
        try await h.openIncident(
            F.alert(name: "DiskFull", host: "db-1"),
            rootTS: "1700000010.000100",
            channel: F.otherChannel
        )
        let resolved = try await h.openIncident(F.alert(name: "Old", host: "x"), rootTS: "1700000020.000100")
        _ = try await h.store.resolve(incidentID: resolved.id, by: F.bob, at: h.clock.now())
        await h.service.handleMessage(h.directMessage("alerts"), isMention: false)
        let post = try #require(h.slack.posts.first)
        #expect(post.channel == F.aliceDM)
        #expect(post.threadTS == nil)
        #expect(post.text.contains("Open incidents (2)"))
        #expect(post.text.contains("HighCPU"))
        #expect(post.text.contains("DiskFull"))
        #expect(post.text.contains("<#\(F.otherChannel)>"))
        #expect(!post.text.contains("Old"))
    }

    @Test func alertsOfOneChannel() async throws {
        let h = try await ConversationHarness.make()
        try await h.openIncident()
        try await h.openIncident(
            F.alert(name: "DiskFull", host: "db-1"),
            rootTS: "1700000010.000100",
            channel: F.otherChannel
        )
        await h.service.handleMessage(h.directMessage("alerts <#\(F.otherChannel)|infra>"), isMention: false)
        let text = try #require(h.slack.posts.first?.text)
        #expect(text.contains("Open incidents in <#\(F.otherChannel)> (1)"))
        #expect(text.contains("DiskFull"))
        #expect(!text.contains("HighCPU"))
    }

    @Test func commandsByIncidentID() async throws {
        let h = try await ConversationHarness.make()
        let incident = try await h.openIncident()
        let id = incident.id
        var ts = 600
        func send(_ text: String) async {
            ts += 1
            await h.service.handleMessage(h.directMessage(text, ts: "1700000\(ts).000100"), isMention: false)
        }

        await send("status \(id)")
        #expect(h.slack.posts.last?.text.contains("incident `\(id)`") == true)
        await send("history \(id)")
        #expect(h.slack.posts.last?.text.contains("History of HighCPU") == true)
        await send("related \(id)")
        #expect(h.slack.posts.last?.text.contains("Nothing else") == true)
        await send("ack \(id)")
        #expect(try await h.incident(id).status == .acknowledged)
        #expect(h.slack.updates.last?.ts == incident.investigationTS)
        await send("silence \(id) 30m")
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).count == 1)
        await send("unsilence \(id)")
        #expect(try await h.store.activeSilences(workspace: F.workspace, at: h.clock.now()).isEmpty)
        await send("rerun \(id)")
        #expect(h.slack.posts.last?.text.contains("Re-ran") == true)
        await send("resolve \(id)")
        #expect(try await h.incident(id).status == .resolved)
        #expect(h.slack.posts.allSatisfy { $0.channel == F.aliceDM })
        let actions = try await h.audit().map(\.action)
        #expect(
            actions == [
                "incident.acknowledge", "silence.create", "silence.remove", "incident.rerun", "incident.resolve",
            ]
        )
        #expect(try await h.audit().allSatisfy { $0.via == .text && $0.actor == F.alice })
    }

    @Test func missingOrUnknownIDsAreExplained() async throws {
        let h = try await ConversationHarness.make()
        try await h.openIncident()
        await h.service.handleMessage(h.directMessage("ack", ts: "1700000601.000100"), isMention: false)
        #expect(h.slack.posts.last?.text.contains("Which incident?") == true)
        #expect(h.slack.posts.last?.text.contains("HighCPU") == true)
        await h.service.handleMessage(h.directMessage("ack 999", ts: "1700000602.000100"), isMention: false)
        #expect(h.slack.posts.last?.text.contains("I have no incident `999`") == true)
    }

    @Test func anythingElseGetsHelp() async throws {
        let h = try await ConversationHarness.make()
        await h.service.handleMessage(h.directMessage("hello there"), isMention: false)
        let text = try #require(h.slack.posts.first?.text)
        #expect(text.contains("I'm not sure what you mean"))
        #expect(text.contains("Open incidents: none"))
        #expect(text.contains("`ack 42`"))
    }

    @Test func sampleDirectMessageIsAnswered() async throws {
        let h = try await ConversationHarness.make()
        let event = try Samples.member(try Samples.json("slack/events_api_payload_message_im.json"), "event")
        var members = try #require(event.objectValue)
        members["text"] = .string("help")
        members["team"] = .string(F.workspace)  // the sample's workspace is the one under test
        await h.service.handleMessage(try Samples.message(.object(members)), isMention: false)
        let post = try #require(h.slack.posts.first)
        #expect(post.channel == "D0442US94JD")
        #expect(post.text.contains("Things you can ask me here"))
    }

    @Test func sameDirectMessageIsAnsweredOnce() async throws {
        let h = try await ConversationHarness.make()
        let message = h.directMessage("help")
        await h.service.handleMessage(message, isMention: false)
        await h.service.handleMessage(message, isMention: false)
        #expect(h.slack.posts.count == 1)
    }
}
