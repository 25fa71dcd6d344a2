import VigilBase
import AlertReading
import Testing

struct GenericAlertParserTests {
    let parser = GenericAlertParser()

    @Test func circleCIBlocksSample() throws {
        let message = try Samples.message(
            Samples.member(Samples.json("slack/events_api_payload_message_app_bot_id_blocks.json"), "event")
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .generic)
        #expect(alert.status == .firing)  // "Failed"
        #expect(alert.severity == .unknown)
        #expect(alert.name == "Job Failed. :red_circle:")
        #expect(
            alert.labels == [
                "job": "something", "project": "something", "branch": "master", "author": "someone",
                "mentions": "@someone",
            ]
        )
        #expect(alert.service == "something")  // the `project` key
        #expect(
            alert.links == [
                AlertLink(label: "View Job", url: "https://circleci.com/gh/aaaaaaaaaaaaaaaaaaa/aaaaaaaaaaa/000000")
            ]
        )
        #expect(alert.identity == "generic:job")
        #expect(alert.summary == "CircleCI job failed.\nJob: something")
    }

    @Test func gitHubAttachmentSample() throws {
        let message = try Samples.message(
            Samples.member(Samples.json("slack/events_api_payload_message_app_bot_id_attachments.json"), "event")
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .generic)
        #expect(alert.name == "#2 test issue 2")
        #expect(alert.links.map(\.url).contains("https://github.com/myorg/myrepo/issues/2"))
        #expect(alert.identity == "generic:2 test issue 2")
    }

    @Test func reacjiBotMessageSample() throws {
        let message = try Samples.message(
            Samples.member(Samples.json("slack/events_api_payload_message_bot_message.json"), "event")
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .generic)
        #expect(alert.name == "https://myworkspace.slack.com/archives/C07KTH1T4CQ/p1724954997876929")
        #expect(alert.status == .other)
    }

    @Test(arguments: [
        ("Disk full on db1 - FIRING", "Disk full on db1 - RESOLVED"),
        (":rotating_light: [ALERT] Disk full on db-1", ":white_check_mark: [RESOLVED] Disk full on db-1"),
        ("🔴 Backup failed on nas-01", "✅ Backup OK on nas-01"),
        ("Alert: queue depth high on worker-3", "Recovered: queue depth high on worker-3"),
        ("Site checkout.example is DOWN", "Site checkout.example is UP"),
    ])
    func firingAndResolvedWordingShareIdentity(_ firingText: String, _ resolvedText: String) throws {
        let firing = try #require(parser.parse(Samples.textPost(firingText)))
        let resolved = try #require(parser.parse(Samples.textPost(resolvedText)))
        #expect(firing.status == .firing)
        #expect(resolved.status == .resolved)
        #expect(firing.identity == resolved.identity)
        #expect(!firing.identity.hasSuffix(":"))
    }

    @Test func namesLoseDecorations() throws {
        #expect(
            parser.parse(Samples.textPost(":rotating_light: [ALERT] Disk full on db-1"))?.name == "Disk full on db-1"
        )
        #expect(parser.parse(Samples.textPost("🔴 [P1] [FIRING:3] Payment API errors"))?.name == "Payment API errors")
        #expect(parser.parse(Samples.textPost("Resolved: Payment API errors"))?.name == "Payment API errors")
        #expect(parser.parse(Samples.textPost("Disk-full on db-1"))?.name == "Disk-full on db-1")
    }

    @Test func statusFromColourWhenTitleIsSilent() throws {
        let firing = try #require(
            parser.parse(Samples.attachmentPost(title: "Disk usage on db-2", text: "92% used", color: "danger"))
        )
        #expect(firing.status == .firing)
        #expect(firing.severity == .high)  // red, nothing better known
        let resolved = try #require(
            parser.parse(Samples.attachmentPost(title: "Disk usage on db-2", text: "40% used", color: "#2eb886"))
        )
        #expect(resolved.status == .resolved)
        #expect(resolved.severity == .unknown)
        #expect(resolved.identity == firing.identity)
    }

    @Test func severityFromFieldsAndWords() throws {
        let byField = try #require(
            parser.parse(Samples.attachmentPost(title: "Latency", fields: [("Severity", "P2"), ("Host", "api-1")]))
        )
        #expect(byField.severity == .high)
        #expect(byField.host == "api-1")
        #expect(byField.labels == ["severity": "P2", "host": "api-1"])
        #expect(parser.parse(Samples.textPost("CRITICAL: replication lag"))?.severity == .critical)
        // "High" describes the metric, not the alert.
        #expect(parser.parse(Samples.textPost("High CPU on web-1"))?.severity == .unknown)
        #expect(parser.parse(Samples.textPost("Error rate above 5%\nseverity: warning"))?.severity == .warning)
    }

    @Test func acknowledgedIsOther() {
        #expect(parser.parse(Samples.textPost("Problem acknowledged by Jane"))?.status == .other)
        #expect(parser.parse(Samples.textPost("[No Data] agent heartbeat"))?.status == .other)
    }

    @Test func readsEveryBlockKind() throws {
        let message = SlackMessage(
            channel: Samples.alertChannel,
            botID: "B1",
            ts: "1.0",
            blocks: [
                .object([
                    "type": .string("header"),
                    "text": .object(["type": .string("plain_text"), "text": .string("Queue backlog *growing*")]),
                ]),
                .object([
                    "type": .string("context"),
                    "elements": .array([
                        .object(["type": .string("image"), "image_url": .string("https://i.example/x.png")]),
                        .object(["type": .string("mrkdwn"), "text": .string("env: `prod`")]),
                    ]),
                ]),
                .object([
                    "type": .string("rich_text"),
                    "elements": .array([
                        .object([
                            "type": .string("rich_text_section"),
                            "elements": .array([
                                .object(["type": .string("text"), "text": .string("owner ")]),
                                .object(["type": .string("user"), "user_id": .string("U9")]),
                                .object(["type": .string("emoji"), "name": .string("fire")]),
                            ]),
                        ]),
                        .object([
                            "type": .string("rich_text_list"),
                            "elements": .array([
                                .object([
                                    "type": .string("rich_text_section"),
                                    "elements": .array([
                                        .object(["type": .string("link"), "url": .string("https://runbook.example")])
                                    ]),
                                ])
                            ]),
                        ]),
                    ]),
                ]),
                .object([
                    "type": .string("section"),
                    "text": .object(["type": .string("mrkdwn"), "text": .string("*Queue*: orders")]),
                    "accessory": .object([
                        "type": .string("button"),
                        "text": .object(["type": .string("plain_text"), "text": .string("Open")]),
                        "url": .string("https://q.example"),
                    ]),
                ]),
                .object(["type": .string("divider")]),
                .object(["type": .string("unknown_future_block"), "text": .string("ignored")]),
            ]
        )
        let alert = try #require(parser.parse(message))
        #expect(alert.name == "Queue backlog *growing*")  // plain_text is not mrkdwn
        #expect(alert.summary == "env: prod\nowner @U9:fire:")
        #expect(alert.labels["env"] == "prod")
        #expect(alert.labels["queue"] == "orders")
        #expect(
            alert.links == [
                AlertLink(label: "https://runbook.example", url: "https://runbook.example"),
                AlertLink(label: "Open", url: "https://q.example"),
            ]
        )
    }

    @Test func emptyPostsGiveNil() {
        #expect(parser.parse(SlackMessage(channel: "C1", botID: "B1", text: "", ts: "1.0")) == nil)
        #expect(parser.parse(SlackMessage(channel: "C1", botID: "B1", text: " \n\t ", ts: "1.0")) == nil)
        #expect(
            parser.parse(
                SlackMessage(channel: "C1", botID: "B1", ts: "1.0", attachments: [SlackAttachment(color: "danger")])
            ) == nil
        )
        #expect(
            parser.parse(
                SlackMessage(channel: "C1", botID: "B1", ts: "1.0", blocks: [.object(["type": .string("image")])])
            ) == nil
        )
        #expect(
            parser.parse(
                SlackMessage(
                    channel: "C1",
                    botID: "B1",
                    ts: "1.0",
                    attachments: [SlackAttachment(text: "quoted", isMessageUnfurl: true)]
                )
            ) == nil
        )
    }

    @Test func titleThatIsOnlyDecorationFallsBackToTheBotName() throws {
        let alert = try #require(parser.parse(Samples.textPost("ALERT", username: "backup-bot")))
        #expect(alert.name == "ALERT")
        #expect(alert.identity == "generic:backup-bot")
    }

    @Test func hugeTextIsClamped() throws {
        let line = "Disk usage climbing on storage-01 with details that go on and on. "
        let text =
            "Disk full on storage-01\n" + String(repeating: line, count: 15_000) + "\n"
            + String(repeating: line + "\n", count: 5_000)
        let alert = try #require(parser.parse(Samples.textPost(text)))
        #expect(alert.name == "Disk full on storage-01")
        #expect(alert.summary.count == 500)
        #expect(alert.summary.hasSuffix("…"))
        let hugeTitle = try #require(
            parser.parse(Samples.textPost(String(repeating: "Ölstand kritisch ", count: 10_000)))
        )
        #expect(hugeTitle.name.count == 200)
        #expect(hugeTitle.identity.count <= AlertIdentity.maximumLength)
    }
}
