import Testing
import AlertReading

struct MessageClassifierTests {
    static let own = MessageClassifier.OwnIdentity(botID: "B0000VIGIL", userID: "U0000VIGIL", appID: "A0000VIGIL")
    /// Every channel used by the Slack and alert samples.
    static let allSampleChannels: Set<String> = [
        "C0000ALERTS", "C043YJGBY49", "C07KH38CR5E", "C07LRFB3C8M", "C012345678", "C111", "C0LAN2Q65",
    ]

    let watching = MessageClassifier(watchedChannels: Self.allSampleChannels, own: Self.own)
    let watchingNothing = MessageClassifier(watchedChannels: [], own: Self.own)

    static func event(_ file: String, at path: String = "event") throws -> SlackMessage {
        try Samples.message(Samples.member(Samples.json(file), path))
    }

    // MARK: - Slack samples

    @Test func userMessageInWatchedChannel() throws {
        let message = try Self.event("slack/events_api_payload_message_user_channel.json")
        #expect(watching.classify(message) == .humanMessage(threadRootTS: nil))
        #expect(watchingNothing.classify(message) == .notWatched)
    }

    @Test func userThreadReply() throws {
        let message = try Self.event("slack/events_api_payload_message_user_thread_reply.json")
        #expect(watching.classify(message) == .humanMessage(threadRootTS: "1726133698.626339"))
    }

    @Test func directMessageIsHumanEvenWhenNotWatched() throws {
        let message = try Self.event("slack/events_api_payload_message_im.json")
        #expect(watchingNothing.classify(message) == .humanMessage(threadRootTS: nil))
    }

    @Test(arguments: [
        "slack/events_api_app_mention_envelope.json", "slack/events_api_app_mention_envelope_java.json",
    ])
    func appMentionIsHumanAnywhere(_ file: String) throws {
        let message = try Self.event(file, at: "payload.event")
        #expect(message.type == "app_mention")
        #expect(watchingNothing.classify(message) == .humanMessage(threadRootTS: nil))
    }

    @Test func appMentionInThreadRoot() throws {
        // thread_ts == ts: the mention is itself the root, not a reply.
        let message = try Samples.message(Samples.json("slack/events_api_event_app_mention_in_thread.json"))
        #expect(watchingNothing.classify(message) == .humanMessage(threadRootTS: nil))
        var reply = message
        reply.ts = "1515449600.000100"
        #expect(watchingNothing.classify(reply) == .humanMessage(threadRootTS: "1515449522.000016"))
    }

    @Test(arguments: ["slack/events_api_message_envelope.json", "slack/events_api_message_retry_envelope.json"])
    func envelopedUserMessages(_ file: String) throws {
        let message = try Self.event(file, at: "payload.event")
        #expect(watching.classify(message) == .humanMessage(threadRootTS: nil))
        #expect(watchingNothing.classify(message) == .notWatched)
    }

    @Test(arguments: [
        "slack/events_api_payload_message_bot_message.json",  // subtype bot_message, no user
        "slack/events_api_payload_message_bot_message_classic.json",  // minimal bot_message
        "slack/events_api_payload_message_app_bot_id_blocks.json",  // app: bot_id + user, no subtype
        "slack/events_api_payload_message_app_bot_id_attachments.json",
        "slack/events_api_payload_message_app_bot_id_minimal.json",
    ])
    func botRootPostsAreNewAlerts(_ file: String) throws {
        let message = try Self.event(file)
        #expect(watching.classify(message) == .newAlertPost)
        #expect(watchingNothing.classify(message) == .notWatched)
    }

    @Test func appThreadReplyIsStateChangeOfRoot() throws {
        let message = try Self.event("slack/events_api_payload_message_app_thread_reply.json")
        #expect(watching.classify(message) == .alertStateChange(rootTS: "1664216109.798919", kind: .threadReply))
    }

    @Test func humanUnfurlEditIsIgnored() throws {
        let message = try Self.event("slack/events_api_payload_message_changed.json")
        #expect(watching.classify(message) == .ignored(.humanEdit))
    }

    @Test func deletion() throws {
        let message = try Self.event("slack/events_api_payload_message_deleted.json")
        #expect(watching.classify(message) == .deletion(ts: "1663966382.046509"))
        #expect(watchingNothing.classify(message) == .notWatched)
    }

    // MARK: - Own messages

    @Test func ownMessagesByBotIDUserIDOrAppID() throws {
        let minimal = try Self.event("slack/events_api_payload_message_app_bot_id_minimal.json")
        // The fixture's bot is B999 / user UB111 / app A222.
        #expect(
            MessageClassifier(watchedChannels: ["C111"], own: .init(botID: "B999", userID: nil)).classify(minimal)
                == .ownMessage
        )
        #expect(
            MessageClassifier(watchedChannels: ["C111"], own: .init(botID: nil, userID: "UB111")).classify(minimal)
                == .ownMessage
        )
        #expect(
            MessageClassifier(watchedChannels: ["C111"], own: .init(botID: nil, userID: nil, appID: "A222")).classify(
                minimal
            ) == .ownMessage
        )
        // A bot_message with only bot_id (no user) is still recognised.
        let classic = try Self.event("slack/events_api_payload_message_bot_message_classic.json")
        #expect(
            MessageClassifier(watchedChannels: ["C111"], own: .init(botID: "B888", userID: "U0")).classify(classic)
                == .ownMessage
        )
    }

    @Test func ownMessagesAreIgnoredEvenOutsideWatchedChannelsAndInThreads() {
        let reply = SlackMessage(
            channel: "C0000OTHER",
            user: "U0000VIGIL",
            botID: "B0000VIGIL",
            text: "on it",
            ts: "2.0",
            threadTS: "1.0"
        )
        #expect(watching.classify(reply) == .ownMessage)
        #expect(watchingNothing.classify(reply) == .ownMessage)
    }

    @Test func ownEditsAndDeletionsAreIgnored() {
        let edit = SlackMessage(
            subtype: "message_changed",
            hidden: true,
            channel: "C0000ALERTS",
            ts: "5.0",
            message: SlackMessage(user: "U0000VIGIL", botID: "B0000VIGIL", text: "updated", ts: "1.0"),
            previousMessage: SlackMessage(user: "U0000VIGIL", botID: "B0000VIGIL", text: "old", ts: "1.0")
        )
        #expect(watching.classify(edit) == .ownMessage)
        let deletion = SlackMessage(
            subtype: "message_deleted",
            hidden: true,
            channel: "C0000ALERTS",
            ts: "6.0",
            previousMessage: SlackMessage(user: "U0000VIGIL", botID: "B0000VIGIL", text: "old", ts: "1.0"),
            deletedTS: "1.0"
        )
        #expect(watching.classify(deletion) == .ownMessage)
    }

    @Test func humanMentionOfVigilIsNotOwn() {
        let mention = SlackMessage(
            type: "app_mention",
            channel: "C9",
            user: "U0000HUMAN",
            text: "<@U0000VIGIL> help",
            ts: "1.0"
        )
        #expect(watchingNothing.classify(mention) == .humanMessage(threadRootTS: nil))
    }

    // MARK: - Alert samples

    @Test func alertmanagerEditIsStateChangeOfOriginal() throws {
        let message = try Self.event("alerts/alertmanager_update_message.message_changed.json")
        #expect(watching.classify(message) == .alertStateChange(rootTS: "1760000000.000100", kind: .edit))
        #expect(watchingNothing.classify(message) == .notWatched)
    }

    @Test func zabbixUpdateReplyIsStateChange() throws {
        let body = try Samples.member(Samples.json("alerts/zabbix_media_update_thread.posted.json"), "body")
        let message = try Samples.botTokenEvent(
            body,
            botName: "Zabbix",
            ts: "1760000730.000300",
            threadTS: "1760000000.000100"
        )
        #expect(watching.classify(message) == .alertStateChange(rootTS: "1760000000.000100", kind: .threadReply))
    }

    @Test func identitySamples() throws {
        let file = try Samples.json("alerts/identity_incoming_webhook_vs_bot_token.json")
        #expect(try watching.classify(Samples.message(Samples.member(file, "incoming_webhook_post"))) == .newAlertPost)
        #expect(
            try watching.classify(Samples.message(Samples.member(file, "bot_token_post_chat_postMessage")))
                == .newAlertPost
        )
        #expect(
            try watching.classify(Samples.message(Samples.member(file, "human_message_for_contrast")))
                == .humanMessage(threadRootTS: "1760000000.000100")
        )
    }

    @Test func envelopeEventIsNewAlert() throws {
        let message = try Self.event("alerts/socket_mode_envelope_events_api.json", at: "envelope.payload.event")
        #expect(watching.classify(message) == .newAlertPost)
    }

    // MARK: - Variants

    @Test(arguments: ["channel_join", "channel_leave", "channel_topic", "message_replied", "pinned_item", "tombstone"])
    func uninterestingSubtypesAreIgnored(_ subtype: String) {
        let message = SlackMessage(subtype: subtype, channel: "C0000ALERTS", user: "U1", text: "x", ts: "1.0")
        #expect(watching.classify(message) == .ignored(.subtype(subtype)))
    }

    @Test func messageRepliedWithoutSubtypeIsIgnored() {
        // Slack's documented bug: message_replied arrives without its subtype; it has a nested message.
        let message = SlackMessage(
            hidden: true,
            channel: "C0000ALERTS",
            ts: "3.0",
            message: SlackMessage(subtype: "bot_message", botID: "B1", text: "[FIRING:1] X", ts: "1.0", threadTS: "1.0")
        )
        #expect(watching.classify(message) == .ignored(.hidden))
    }

    @Test func threadBroadcastByBotIsStateChange() {
        let message = SlackMessage(
            subtype: "thread_broadcast",
            channel: "C0000ALERTS",
            botID: "B1",
            text: "Resolved",
            ts: "2.0",
            threadTS: "1.0"
        )
        #expect(watching.classify(message) == .alertStateChange(rootTS: "1.0", kind: .threadReply))
    }

    @Test func botRootWithThreadTSEqualToTSIsNewAlert() {
        let message = SlackMessage(channel: "C0000ALERTS", botID: "B1", text: "x", ts: "1.0", threadTS: "1.0")
        #expect(watching.classify(message) == .newAlertPost)
    }

    @Test func editOfBotReplyKeysOnItsThreadRoot() {
        let message = SlackMessage(
            subtype: "message_changed",
            hidden: true,
            channel: "C0000ALERTS",
            ts: "9.0",
            message: SlackMessage(botID: "B1", text: "ack", ts: "2.0", threadTS: "1.0")
        )
        #expect(watching.classify(message) == .alertStateChange(rootTS: "1.0", kind: .edit))
    }

    @Test func editWhereOnlyThePreviousVersionShowsTheBot() {
        let message = SlackMessage(
            subtype: "message_changed",
            hidden: true,
            channel: "C0000ALERTS",
            ts: "9.0",
            message: SlackMessage(text: "resolved", ts: "1.0"),
            previousMessage: SlackMessage(botID: "B1", text: "firing", ts: "1.0")
        )
        #expect(watching.classify(message) == .alertStateChange(rootTS: "1.0", kind: .edit))
    }

    @Test func malformedEvents() {
        #expect(
            watching.classify(SlackMessage(subtype: "message_changed", channel: "C0000ALERTS"))
                == .ignored(.malformed("message_changed without message"))
        )
        #expect(
            watching.classify(SlackMessage(subtype: "message_deleted", channel: "C0000ALERTS"))
                == .ignored(.malformed("message_deleted without deleted_ts"))
        )
        #expect(
            watching.classify(SlackMessage(channel: "C0000ALERTS", botID: "B1", text: "x"))
                == .ignored(.malformed("bot post without ts"))
        )
    }

    @Test func otherEventTypesAreIgnored() {
        #expect(
            watching.classify(SlackMessage(type: "reaction_added", channel: "C0000ALERTS"))
                == .ignored(.unsupportedEventType("reaction_added"))
        )
        #expect(watching.classify(SlackMessage(type: nil)) == .ignored(.unsupportedEventType(nil)))
    }

    @Test func hiddenHumanMessageIsIgnored() {
        let message = SlackMessage(hidden: true, channel: "C0000ALERTS", user: "U1", text: "x", ts: "1.0")
        #expect(watching.classify(message) == .ignored(.hidden))
    }

    @Test func descriptionsNameTheRule() {
        #expect(MessageClassification.newAlertPost.description.contains("bot thread root"))
        #expect(MessageClassification.ignored(.subtype("channel_join")).description.contains("channel_join"))
        #expect(MessageClassification.alertStateChange(rootTS: "1.0", kind: .edit).description.contains("1.0"))
    }
}
