import Testing
import AlertReading
import VigilBase
import VigilStorage

struct AlertParsingTests {
    /// Every file in samples/alerts must be exercised by a parser test; a new sample fails this test until it is.
    static let coveredAlertSamples: Set<String> = [
        "alertmanager_default_firing.event.json",  // AlertmanagerAlertParserTests
        "alertmanager_default_resolved.event.json",  // AlertmanagerAlertParserTests
        "alertmanager_update_message.message_changed.json",  // AlertmanagerAlertParserTests, MessageClassifierTests
        "cloudwatch_alarm_notify_slack_lambda.posted.json",  // CloudWatchAlertParserTests
        "datadog_monitor_title_examples.json",  // DatadogAlertParserTests
        "grafana_alerting_firing.posted.json",  // GrafanaAlertParserTests
        "grafana_alerting_mixed.title_examples.json",  // GrafanaAlertParserTests
        "identity_incoming_webhook_vs_bot_token.json",  // Alertmanager/Zabbix parser tests, MessageClassifierTests
        "sentry_issue_alert.blocks.json",  // SentryAlertParserTests
        "sentry_metric_alert_critical.json",  // SentryAlertParserTests
        "socket_mode_envelope_events_api.json",  // AlertmanagerAlertParserTests, MessageClassifierTests
        "uptime_kuma_down_rich.posted.json",  // UptimeKumaAlertParserTests
        "uptime_kuma_up_plain.posted.json",  // UptimeKumaAlertParserTests
        "zabbix_media_problem.posted.json",  // ZabbixAlertParserTests
        "zabbix_media_resolved.chat_update.json",  // ZabbixAlertParserTests
        "zabbix_media_update_thread.posted.json",  // ZabbixAlertParserTests, MessageClassifierTests
    ]

    @Test func everyAlertSampleIsCovered() throws {
        let files = try Samples.files(in: "alerts")
        #expect(Set(files) == Self.coveredAlertSamples)
    }

    // MARK: - Firing/resolved identity, one pair per source

    struct Pair: Sendable, CustomStringConvertible {
        var source: AlertSource
        var firing: SlackMessage
        var resolved: SlackMessage
        var identity: String
        var description: String { source.rawValue }
    }

    static func pairs() throws -> [Pair] {
        let kumaDown = try Samples.webhookEvent(
            Samples.member(Samples.json("alerts/uptime_kuma_down_rich.posted.json"), "body")
        )
        let kumaUp = try Samples.webhookEvent(
            Samples.member(Samples.json("alerts/uptime_kuma_up_plain.posted.json"), "body")
        )
        let sentryMetric = try Samples.botTokenEvent(
            Samples.member(Samples.json("alerts/sentry_metric_alert_critical.json"), "message"),
            botName: "Sentry"
        )
        var sentryResolved = sentryMetric
        sentryResolved.text =
            "<https://myorg.sentry.io/organizations/myorg/alerts/rules/details/77/?alert=1234|*Resolved: p95 latency checkout*>"
        let cloudwatch = try Samples.webhookEvent(
            Samples.member(Samples.json("alerts/cloudwatch_alarm_notify_slack_lambda.posted.json"), "alarm_payload")
        )
        var cloudwatchOK = cloudwatch
        cloudwatchOK.attachments[0].color = "good"
        cloudwatchOK.attachments[0].fields[4].value = "`OK`"
        let grafanaText =
            "**Firing**\n\nValue: A=97\nLabels:\n - alertname = HighCPU\n - instance = prod-db-1\n - severity = critical\n"
        let pagerDuty = SlackMessage.BotProfile(id: "B0000PD", name: "PagerDuty", appID: "A0000PD")
        return [
            Pair(
                source: .alertmanager,
                firing: try Samples.message(
                    Samples.member(Samples.json("alerts/alertmanager_default_firing.event.json"), "event")
                ),
                resolved: try Samples.message(
                    Samples.member(Samples.json("alerts/alertmanager_default_resolved.event.json"), "event")
                ),
                identity: "alertmanager:highmemoryusage|node-exporter|critical"
            ),
            Pair(
                source: .grafana,
                firing: Samples.attachmentPost(
                    title: "[FIRING:1] HighCPU (prod-db-1 critical)",
                    text: grafanaText,
                    color: "#D63232",
                    footer: "Grafana v11"
                ),
                resolved: Samples.attachmentPost(
                    title: "[RESOLVED] HighCPU (prod-db-1 critical)",
                    text: grafanaText.replacing("**Firing**", with: "**Resolved**"),
                    color: "#36a64f",
                    footer: "Grafana v11"
                ),
                identity: "grafana:highcpu|prod-db-1|critical"
            ),
            Pair(
                source: .zabbix,
                firing: try ZabbixAlertParserTests.problem(),
                resolved: try ZabbixAlertParserTests.recovery(),
                identity: "zabbix:event:987654"
            ),
            Pair(
                source: .datadog,
                firing: Samples.attachmentPost(title: "[Triggered on {host:web-01}] High CPU usage on web-01"),
                resolved: Samples.attachmentPost(title: "[Recovered on {host:web-01}] High CPU usage on web-01"),
                identity: "datadog:high cpu usage on web-01|host:web-01"
            ),
            Pair(source: .sentry, firing: sentryMetric, resolved: sentryResolved, identity: "sentry:metric:77"),
            Pair(source: .uptimeKuma, firing: kumaDown, resolved: kumaUp, identity: "uptime_kuma:checkout api"),
            Pair(source: .cloudwatch, firing: cloudwatch, resolved: cloudwatchOK, identity: "cloudwatch:example"),
            Pair(
                source: .pagerduty,
                firing: SlackMessage(
                    channel: Samples.alertChannel,
                    botID: "B0000PD",
                    botProfile: pagerDuty,
                    text: "Triggered #4711: Checkout latency",
                    ts: "1.0"
                ),
                resolved: SlackMessage(
                    channel: Samples.alertChannel,
                    botID: "B0000PD",
                    botProfile: pagerDuty,
                    text: "Resolved #4711: Checkout latency",
                    ts: "2.0"
                ),
                identity: "pagerduty:incident:4711"
            ),
            Pair(
                source: .generic,
                firing: Samples.textPost(":red_circle: Nightly backup FAILED on nas-01", username: "backup-bot"),
                resolved: Samples.textPost(
                    ":large_green_circle: Nightly backup recovered on nas-01",
                    username: "backup-bot"
                ),
                // The subject before the state word, and the host named in prose (docs/alert-formats.md).
                identity: "generic:nightly backup|nas-01"
            ),
        ]
    }

    @Test func firingAndResolvedShareIdentityForEverySource() throws {
        let pairs = try Self.pairs()
        #expect(Set(pairs.map(\.source)) == Set(AlertSource.allCases))
        for pair in pairs {
            let firing = try #require(AlertParsing.parse(pair.firing), "\(pair.source) firing")
            let resolved = try #require(AlertParsing.parse(pair.resolved), "\(pair.source) resolved")
            #expect(firing.source == pair.source, "\(pair.source)")
            #expect(resolved.source == pair.source, "\(pair.source)")
            #expect(firing.status == .firing, "\(pair.source)")
            #expect(resolved.status == .resolved, "\(pair.source)")
            #expect(firing.identity == pair.identity, "\(pair.source)")
            #expect(resolved.identity == firing.identity, "\(pair.source)")
        }
    }

    // MARK: - Routing

    @Test func authorNameIsOnlyAHint() throws {
        // Hint matches content: the hinted parser wins even without a content signature.
        #expect(
            try #require(AlertParsing.parse(Samples.attachmentPost(title: "[FIRING:1] DiskFull", username: "Grafana")))
                .source == .grafana
        )
        // Hint does not match content: the search goes on.
        #expect(
            try #require(AlertParsing.parse(Samples.attachmentPost(title: "[FIRING:1] DiskFull", username: "Zabbix")))
                .source == .alertmanager
        )
        #expect(try #require(AlertParsing.parse(Samples.textPost("hello", username: "Datadog"))).source == .generic)
    }

    @Test func knownSourceIsTriedFirst() throws {
        let message = Samples.attachmentPost(title: "[FIRING:1] DiskFull (warning)")
        #expect(try #require(AlertParsing.parse(message)).source == .alertmanager)
        #expect(try #require(AlertParsing.parse(message, knownSource: .grafana)).source == .grafana)
        #expect(try #require(AlertParsing.parse(message, knownSource: .generic)).source == .alertmanager)
    }

    @Test(arguments: [
        ("AlertManager", AlertSource?.some(.alertmanager)), ("Prometheus", .alertmanager), ("Grafana", .grafana),
        ("Zabbix", .zabbix), ("Datadog", .datadog), ("Sentry", .sentry), ("Uptime Kuma", .uptimeKuma),
        ("uptime-kuma", .uptimeKuma), ("notify_slack_test", .cloudwatch), ("AWS Chatbot", .cloudwatch),
        ("PagerDuty", .pagerduty), ("CircleCI integration", nil), ("", nil),
    ])
    func sourceHints(_ name: String, _ source: AlertSource?) {
        #expect(AlertParsing.sourceHint(for: SlackMessage(username: name)) == source)
        #expect(AlertParsing.sourceHint(for: SlackMessage(botProfile: .init(name: name))) == source)
    }

    @Test func editsAreParsedThroughTheirNewVersion() throws {
        let event = SlackMessage(
            subtype: "message_changed",
            hidden: true,
            channel: Samples.alertChannel,
            ts: "9.0",
            message: Samples.textPost("[Checkout API] [✅ Up] 200 - OK"),
            previousMessage: Samples.textPost("[Checkout API] [🔴 Down] timeout")
        )
        let alert = try #require(AlertParsing.parse(event))
        #expect(alert.source == .uptimeKuma)
        #expect(alert.status == .resolved)
    }

    // MARK: - Thread replies

    static func reply(_ text: String, username: String? = nil) -> SlackMessage {
        SlackMessage(
            channel: Samples.alertChannel,
            botID: "B1",
            username: username,
            text: text,
            ts: "2.0",
            threadTS: "1.0"
        )
    }

    @Test func statusFromReplies() throws {
        let zabbixBody = try Samples.member(Samples.json("alerts/zabbix_media_update_thread.posted.json"), "body")
        let zabbixUpdate = try Samples.botTokenEvent(zabbixBody, botName: "Zabbix", ts: "2.0", threadTS: "1.0")
        #expect(AlertParsing.statusFromReply(zabbixUpdate) == .other)
        #expect(
            AlertParsing.statusFromReply(Self.reply("Resolved by <@U0000HUMAN1>", username: "PagerDuty")) == .resolved
        )
        #expect(AlertParsing.statusFromReply(Self.reply("Acknowledged by <@U0000HUMAN1>")) == .other)
        #expect(AlertParsing.statusFromReply(Self.reply("[Checkout API] [✅ Up] 200 - OK")) == .resolved)
        #expect(AlertParsing.statusFromReply(Self.reply("[Checkout API] [🔴 Down] timeout")) == .firing)
        #expect(AlertParsing.statusFromReply(Self.reply("[Re-Triggered on {host:a}] CPU")) == .firing)
        #expect(AlertParsing.statusFromReply(Self.reply("Incident re-opened by the on-call")) == .firing)
        // Firing words alone, comments and images say nothing about the state.
        #expect(AlertParsing.statusFromReply(Self.reply("Problem still there, alert keeps going")) == nil)
        #expect(AlertParsing.statusFromReply(Self.reply("Looking into it")) == nil)
        #expect(AlertParsing.statusFromReply(Self.reply("the service is up")) == nil)
        let image = SlackMessage(
            channel: Samples.alertChannel,
            botID: "B1",
            ts: "2.0",
            threadTS: "1.0",
            blocks: [.object(["type": .string("image"), "image_url": .string("https://g.example/panel.png")])]
        )
        #expect(AlertParsing.statusFromReply(image) == nil)
    }

    // MARK: - Robustness

    @Test func alwaysAnAlertForABotPostWithText() throws {
        for text in ["x", "🔥", "12345", "<@U1>", "&amp;", "   a   ", "`code`"] {
            let alert = try #require(AlertParsing.parse(Samples.textPost(text)), "\(text)")
            #expect(!alert.identity.isEmpty)
            #expect(!alert.name.isEmpty)
        }
    }

    @Test func emptyPostsGiveNil() {
        #expect(AlertParsing.parse(Samples.textPost("")) == nil)
        #expect(AlertParsing.parse(SlackMessage(subtype: "bot_message", botID: "B1", ts: "1.0")) == nil)
        #expect(AlertParsing.parse(SlackMessage(subtype: "message_changed", message: SlackMessage(text: ""))) == nil)
    }

    @Test func nonASCIITitles() throws {
        let firing = try #require(
            AlertParsing.parse(Samples.attachmentPost(title: "[FIRING:1] ДискПочтиПолон (сервер-01 critical)"))
        )
        let resolved = try #require(
            AlertParsing.parse(Samples.attachmentPost(title: "[RESOLVED] ДискПочтиПолон (сервер-01 critical)"))
        )
        #expect(firing.name == "ДискПочтиПолон")
        #expect(firing.identity == "alertmanager:дискпочтиполон|сервер-01|critical")
        #expect(resolved.identity == firing.identity)
        let emoji = try #require(AlertParsing.parse(Samples.textPost("⚠️ Speicherplatz auf Server München fast voll 💾")))
        #expect(emoji.source == .generic)
        #expect(emoji.name == "Speicherplatz auf Server München fast voll 💾")
    }

    @Test func hugeAttachmentTextIsBounded() throws {
        let huge = String(
            repeating: "alertname: X\nsummary: something happened somewhere in the cluster\n",
            count: 20_000
        )
        let alert = try #require(
            AlertParsing.parse(Samples.attachmentPost(title: "[FIRING:1] BigOne (critical)", text: huge))
        )
        #expect(alert.source == .alertmanager)
        #expect(alert.name == "X")
        #expect(alert.summary.count <= 500)
    }

    @Test func oddFieldsDoNotBreakParsers() throws {
        let message = try Samples.message(
            json: """
                {"type":"message","subtype":"bot_message","bot_id":"B1","ts":1760000000,"channel":"C0000ALERTS",
                 "attachments":[7, "x", {"title":["not","a","string"],"text":"[FIRING:2] Weird (a b)","fields":[{"title":null,"value":3}],
                                       "color":{"r":1},"blocks":[1,{"type":"section"},{"type":"section","text":"bare string"}]}],
                 "blocks":[null,{"type":"header","text":{"text":5}},{"type":"context","elements":"nope"}]}
                """
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .alertmanager)
        #expect(alert.name == "Weird")
        #expect(alert.identity == "alertmanager:weird|a|b")
    }
}
