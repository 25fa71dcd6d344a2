import VigilBase
import AlertReading
import Testing

struct SentryAlertParserTests {
    let parser = SentryAlertParser()

    static func issue() throws -> SlackMessage {
        try Samples.botTokenEvent(
            Samples.member(Samples.json("alerts/sentry_issue_alert.blocks.json"), "message"),
            botName: "Sentry"
        )
    }

    static func metric() throws -> SlackMessage {
        try Samples.botTokenEvent(
            Samples.member(Samples.json("alerts/sentry_metric_alert_critical.json"), "message"),
            botName: "Sentry"
        )
    }

    @Test func issueAlertSample() throws {
        let alert = try #require(AlertParsing.parse(Self.issue()))
        #expect(alert.source == .sentry)
        #expect(alert.status == .firing)
        #expect(alert.severity == .high)  // level: error
        #expect(alert.name == "ConnectionError: Unable to connect to upstream service")
        #expect(alert.identity == "sentry:api-gateway-1a2b")
        #expect(alert.host == "api-server-01")
        #expect(alert.service == "api-gateway")
        #expect(
            alert.labels == [
                "environment": "production", "level": "error", "server_name": "api-server-01", "project": "api-gateway",
                "alert_rule": "High Error Volume", "short_id": "API-GATEWAY-1A2B", "issue_id": "123456789",
                "state": "New",
            ]
        )
        #expect(
            alert.summary
                == "app/services/upstream_client.py in connect\nConnectionError: Unable to connect to upstream service"
        )
        #expect(alert.links.first?.url == "https://myorg.sentry.io/issues/123456789/?referrer=slack&alert_rule_id=4242")
    }

    @Test func issueResolvedByEditKeepsIdentity() throws {
        let original = try Self.issue()
        var edited = original
        edited.blocks[0] = .object([
            "type": .string("section"),
            "block_id": edited.blocks[0]["block_id"] ?? .null,
            "text": .object([
                "type": .string("mrkdwn"),
                "text": .string(
                    ":white_circle: <https://myorg.sentry.io/issues/123456789/?referrer=slack|*ConnectionError: Unable to connect to upstream service*>"
                ),
            ]),
        ])
        edited.blocks.insert(
            .object([
                "type": .string("section"),
                "text": .object(["type": .string("mrkdwn"), "text": .string("*Issue resolved by <@U0000HUMAN1>*")]),
            ]),
            at: 1
        )
        let event = SlackMessage(
            subtype: "message_changed",
            hidden: true,
            channel: Samples.alertChannel,
            ts: "1760000500.000100",
            message: edited,
            previousMessage: original
        )
        let alert = try #require(AlertParsing.parse(event))
        #expect(alert.source == .sentry)
        #expect(alert.status == .resolved)
        #expect(alert.identity == "sentry:api-gateway-1a2b")
    }

    @Test func archivedIsOther() throws {
        var message = try Self.issue()
        message.blocks.append(
            .object([
                "type": .string("section"),
                "text": .object(["type": .string("mrkdwn"), "text": .string("_Issue archived by <@U1>_")]),
            ])
        )
        #expect(parser.parse(message)?.status == .other)
    }

    @Test func titleMentioningResolvedDoesNotResolve() {
        let message = SlackMessage(
            channel: Samples.alertChannel,
            botID: "B1",
            ts: "1.0",
            blocks: [
                .object([
                    "type": .string("section"), "block_id": .string("{\"issue\":7,\"rule\":1}"),
                    "text": .object([
                        "type": .string("mrkdwn"),
                        "text": .string(
                            ":large_yellow_circle: <https://s.example/issues/7/|*Host could not be resolved by DNS*>"
                        ),
                    ]),
                ])
            ]
        )
        let alert = parser.parse(message)
        #expect(alert?.status == .firing)
        #expect(alert?.severity == .warning)
        #expect(alert?.identity == "sentry:issue:7")
    }

    @Test(arguments: [
        ("fatal", AlertSeverity.critical), ("error", .high), ("warning", .warning), ("info", .info), ("debug", .info),
    ])
    func levelTagSetsSeverity(_ level: String, _ severity: AlertSeverity) throws {
        var message = try Self.issue()
        message.blocks[3] = .object([
            "type": .string("section"), "block_id": .string("tags_x"),
            "text": .object(["type": .string("mrkdwn"), "text": .string("level: `\(level)`  environment: `prod`")]),
        ])
        #expect(parser.parse(message)?.severity == severity)
    }

    @Test func metricAlertSample() throws {
        let alert = try #require(AlertParsing.parse(Self.metric()))
        #expect(alert.source == .sentry)
        #expect(alert.status == .firing)
        #expect(alert.severity == .critical)
        #expect(alert.name == "p95 latency checkout")
        #expect(alert.summary == "2341ms p95(transaction.duration) in the last 5 minutes")
        #expect(alert.labels == ["filter": "transaction:/api/checkout", "alert_rule_id": "77", "incident": "1234"])
        #expect(alert.identity == "sentry:metric:77")
    }

    @Test func metricResolvedSharesIdentity() throws {
        var resolved = try Self.metric()
        resolved.text =
            "<https://myorg.sentry.io/organizations/myorg/alerts/rules/details/77/?alert=1234|*Resolved: p95 latency checkout*>"
        let alert = try #require(AlertParsing.parse(resolved))
        #expect(alert.status == .resolved)
        #expect(alert.identity == "sentry:metric:77")
    }

    @Test(arguments: [
        ("Warning: Error rate", "#FFC227", AlertStatus.firing, AlertSeverity.warning),
        ("Resolved: Error rate", "#4DC771", .resolved, .unknown),
    ])
    func metricAlertInAnAttachmentRecognisedByColour(
        _ title: String,
        _ color: String,
        _ status: AlertStatus,
        _ severity: AlertSeverity
    ) throws {
        let alert = try #require(
            AlertParsing.parse(
                Samples.attachmentPost(title: title, text: "12 errors in the last 5 minutes", color: color)
            )
        )
        #expect(alert.source == .sentry)
        #expect(alert.status == status)
        #expect(alert.severity == severity)
        #expect(alert.identity == "sentry:metric:error rate")
    }

    @Test func criticalPrefixWithoutSentrySignatureIsNotSentry() throws {
        #expect(parser.parse(Samples.textPost("Critical: database unreachable")) == nil)
        #expect(try #require(AlertParsing.parse(Samples.textPost("Critical: database unreachable"))).source == .generic)
    }
}
