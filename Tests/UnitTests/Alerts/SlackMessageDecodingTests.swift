import Foundation
import Testing
import AlertReading
import VigilBase

struct SlackMessageDecodingTests {
    @Test func samplesFolderExists() throws {
        let directory = Samples.directory
        var isDirectory: ObjCBool = false
        #expect(
            FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue,
            "samples folder missing at \(directory.path)"
        )
        #expect(try !Samples.files(in: "alerts").isEmpty)
        #expect(try !Samples.files(in: "slack").isEmpty)
    }

    @Test func decodesAppMessageWithAttachments() throws {
        let message = try Samples.message(
            Samples.member(Samples.json("slack/events_api_payload_message_app_bot_id_attachments.json"), "event")
        )
        #expect(message.type == "message")
        #expect(message.subtype == nil)
        #expect(message.user == "U07M725KAD7")
        #expect(message.botID == "B07LDR01Z63")
        #expect(message.appID == "A01BP7R4KNY")
        #expect(message.botProfile == SlackMessage.BotProfile(id: "B07LDR01Z63", name: "GitHub", appID: "A01BP7R4KNY"))
        #expect(message.text == "")
        #expect(message.ts == "1725998548.581159")
        #expect(message.channel == "C07LRFB3C8M")
        #expect(message.channelType == "channel")
        #expect(message.attachments.count == 1)
        let attachment = try #require(message.attachments.first)
        #expect(attachment.id == 1)
        #expect(attachment.color == "36a64f")
        #expect(attachment.ts == "1725998545")  // a number on the wire
        #expect(attachment.title == "<https://github.com/myorg/myrepo/issues/2|#2 test issue 2>")
        #expect(attachment.pretext == "Issue created by <https://github.com/ldub|ldub>")
        #expect(attachment.footer == "<https://github.com/myorg/myrepo|myorg/myrepo>")
        #expect(attachment.mrkdwnIn == ["text"])
        #expect(attachment.actions.count == 3)
        #expect(message.isBotAuthored)
        #expect(message.isThreadRoot)
    }

    @Test func decodesBlocksAndThreadFields() throws {
        let reply = try Samples.message(
            Samples.member(Samples.json("slack/events_api_payload_message_app_thread_reply.json"), "event")
        )
        #expect(reply.threadTS == "1664216109.798919")
        #expect(reply.parentUserID == "U043H11ES4V")
        #expect(!reply.isThreadRoot)
        #expect(reply.threadAnchorTS == "1664216109.798919")
        #expect(reply.blocks.count == 1)
        #expect(reply.blocks.first?["type"]?.stringValue == "rich_text")
    }

    @Test func decodesMessageChanged() throws {
        let event = try Samples.message(
            Samples.member(Samples.json("slack/events_api_payload_message_changed.json"), "event")
        )
        #expect(event.subtype == "message_changed")
        #expect(event.hidden)
        #expect(event.user == nil)
        #expect(event.ts == "1663969334.001500")
        let edited = try #require(event.message)
        #expect(edited.ts == "1663969333.524439")
        #expect(edited.user == "U043H11ES4V")
        #expect(edited.attachments.first?.isMessageUnfurl == true)
        #expect(event.previousMessage?.ts == "1663969333.524439")
        #expect(event.currentVersion == edited)
    }

    @Test func decodesMessageDeleted() throws {
        let event = try Samples.message(
            Samples.member(Samples.json("slack/events_api_payload_message_deleted.json"), "event")
        )
        #expect(event.subtype == "message_deleted")
        #expect(event.deletedTS == "1663966382.046509")
        #expect(event.previousMessage?.text == "This message will be deleted")
        #expect(event.message == nil)
    }

    @Test func decodesEditedMarker() throws {
        let event = try Samples.message(
            Samples.member(Samples.json("alerts/alertmanager_update_message.message_changed.json"), "event")
        )
        #expect(event.message?.edited == SlackMessage.Edited(user: "U0000AMBOT1", ts: "1760000905.000000"))
    }

    /// The java-slack-sdk schema unions hold every key ever seen with blank values: all must decode.
    @Test(arguments: [
        "events__MessagePayload.json", "events__MessageBotPayload.json", "events__MessageChangedPayload.json",
        "events__MessageDeletedPayload.json", "events__AppMentionPayload.json", "events__MessageRepliedPayload.json",
        "events__MessageThreadBroadcastPayload.json",
    ])
    func decodesSchemaUnions(_ file: String) throws {
        let event = try Samples.message(Samples.member(Samples.json("slack/java-json-logs/\(file)"), "event"))
        #expect(event.type != nil)
    }

    @Test func acceptsNumbersWhereStringsAreExpected() throws {
        let message = try Samples.message(
            json: """
                {"type":"message","ts":1760000000.0001,"thread_ts":1760000000,"event_ts":"1760000000.000100",
                 "text":42,"hidden":"true","channel":"C1"}
                """
        )
        #expect(message.ts == "1760000000.000100")
        #expect(message.threadTS == "1760000000")
        #expect(message.text == "42")
        #expect(message.hidden)
    }

    @Test func wrongTypedOptionalFieldsDoNotFailTheMessage() throws {
        let message = try Samples.message(
            json: """
                {"type":"message","subtype":["x"],"user":{"id":"U1"},"bot_profile":"Grafana","edited":true,
                 "attachments":["<same attachment as above>", {"title":"kept","fields":"oops","color":7},
                                {"title":"also kept","fields":[{"title":"Host","value":"db","short":"true"}, 3]}],
                 "blocks":{"not":"an array"},"message":"nope","channel":"C1","ts":"1.000001","unknown_key":{"a":[1,2]}}
                """
        )
        #expect(message.subtype == nil)
        #expect(message.user == nil)
        #expect(message.botProfile == nil)
        #expect(message.edited == nil)
        #expect(message.blocks.isEmpty)
        #expect(message.message == nil)
        #expect(message.attachments.map(\.title) == ["kept", "also kept"])
        #expect(message.attachments[0].fields.isEmpty)
        #expect(message.attachments[0].color == "7")
        #expect(message.attachments[1].fields == [SlackAttachment.Field(title: "Host", value: "db", short: true)])
        #expect(message.ts == "1.000001")
    }

    @Test func attachmentsThatAreNotAnArrayBecomeEmpty() throws {
        let message = try Samples.message(json: #"{"type":"message","attachments":{"title":"x"},"text":"t"}"#)
        #expect(message.attachments.isEmpty)
        #expect(message.text == "t")
    }

    @Test func emptyObjectDecodes() throws {
        let message = try Samples.message(json: "{}")
        #expect(message.type == nil)
        #expect(message.attachments.isEmpty)
        #expect(!message.hidden)
        #expect(!message.isBotAuthored)
    }

    @Test(arguments: ["[]", "\"message\"", "42", "null"])
    func nonObjectsFail(_ json: String) {
        #expect(throws: DecodingError.self) { try Samples.message(json: json) }
    }

    @Test func botAuthorshipRules() {
        #expect(SlackMessage(subtype: "bot_message").isBotAuthored)
        #expect(SlackMessage(botID: "B1").isBotAuthored)
        #expect(SlackMessage(botProfile: .init(id: "B1")).isBotAuthored)
        #expect(!SlackMessage(user: "U1").isBotAuthored)
        #expect(!SlackMessage(user: "U1", botID: "").isBotAuthored)
    }

    @Test func threadRootRules() {
        #expect(SlackMessage(ts: "1.1").isThreadRoot)
        #expect(SlackMessage(ts: "1.1", threadTS: "1.1").isThreadRoot)
        #expect(SlackMessage(ts: "1.1", threadTS: "").isThreadRoot)
        #expect(!SlackMessage(ts: "1.2", threadTS: "1.1").isThreadRoot)
    }

    @Test func nestedMessagesAreValues() {
        var event = SlackMessage(subtype: "message_changed", message: SlackMessage(text: "new"))
        var copy = event
        copy.message?.text = "changed"
        #expect(event.message?.text == "new")
        #expect(copy.message?.text == "changed")
        event.previousMessage = SlackMessage(text: "old")
        #expect(event.message?.text == "new")
        #expect(event.previousMessage?.text == "old")
        event.message = nil
        #expect(event.previousMessage?.text == "old")
        #expect(event.currentVersion == event)  // no new version: the event itself
    }
}
