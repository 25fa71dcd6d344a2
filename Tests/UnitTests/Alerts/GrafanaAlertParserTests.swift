import Testing
import AlertReading
import VigilBase
import VigilStorage

struct GrafanaAlertParserTests {
    let parser = GrafanaAlertParser()

    static func mixedSample() throws -> JSONValue {
        try Samples.json("alerts/grafana_alerting_mixed.title_examples.json")
    }

    static func titles(_ sample: JSONValue) throws -> [String] {
        let titles = try Samples.member(sample, "titles").arrayValue?.compactMap(\.stringValue) ?? []
        try #require(titles.count == 3)
        return titles
    }

    /// A Grafana post with one of the sample titles, the sample body and Grafana's footer and colour.
    static func post(title: String, text: String, color: String) -> SlackMessage {
        Samples.attachmentPost(
            title: title,
            text: text,
            color: color,
            footer: "Grafana v11.2.0",
            titleLink: "https://grafana.example/alerting/list",
            username: "Grafana"
        )
    }

    @Test func verbatimFiringSample() throws {
        let body = try Samples.member(Samples.json("alerts/grafana_alerting_firing.posted.json"), "body")
        let message = try Samples.webhookEvent(body)
        #expect(message.username == "Integration Test")  // no name hint: recognised by content
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .grafana)
        #expect(alert.status == .firing)
        #expect(alert.severity == .unknown)
        #expect(alert.name == "SlackAlert2")
        #expect(alert.labels == ["alertname": "SlackAlert2", "grafana_folder": "default"])
        #expect(alert.host == nil)
        #expect(alert.summary == "Value: A=1")
        #expect(alert.identity == "grafana:slackalert2|default")
        #expect(
            alert.links.map(\.url) == [
                "http://localhost:3000/alerting/list",
                "http://localhost:3000/alerting/grafana/UID_SlackAlert2/view",
                "http://localhost:3000/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DSlackAlert2&matcher=grafana_folder%3Ddefault",
            ]
        )
        #expect(alert.links.dropFirst().map(\.label) == ["Source", "Silence"])
    }

    @Test func mixedFiringAndResolvedTitle() throws {
        let sample = try Self.mixedSample()
        let textValue = try Samples.member(sample, "text_firing_and_resolved")
        let text = try #require(textValue.stringValue)
        let titles = try Self.titles(sample)
        let message = Self.post(title: titles[1], text: text, color: "#D63232")
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .grafana)
        #expect(alert.status == .firing)
        #expect(alert.severity == .critical)
        #expect(alert.name == "HighCPU")
        #expect(alert.host == "prod-db-1")  // the first firing alert
        #expect(alert.labels == ["alertname": "HighCPU", "instance": "prod-db-1", "severity": "critical"])
        #expect(alert.summary == "CPU above 95%")
        #expect(alert.identity == "grafana:highcpu|critical")
    }

    @Test func firingAndResolvedTitlesShareIdentity() throws {
        let sample = try Self.mixedSample()
        let titles = try Self.titles(sample)
        let resolvedText = """
            **Resolved**

            Value: A=41
            Labels:
             - alertname = HighCPU
             - instance = prod-db-1
             - severity = critical
            Annotations:
             - summary = CPU above 95%
            Source: https://grafana.example/alerting/grafana/abc/view
            """
        let firingText = resolvedText.replacing("**Resolved**", with: "**Firing**")
        let firing = try #require(parser.parse(Self.post(title: titles[0], text: firingText, color: "#D63232")))
        let resolved = try #require(parser.parse(Self.post(title: titles[2], text: resolvedText, color: "#36a64f")))
        #expect(firing.status == .firing)
        #expect(resolved.status == .resolved)
        #expect(firing.identity == "grafana:highcpu|prod-db-1|critical")
        #expect(resolved.identity == firing.identity)
        #expect(resolved.host == "prod-db-1")
    }

    @Test func titleOnlyWithFooterSignature() throws {
        let alert = try #require(
            AlertParsing.parse(
                Samples.attachmentPost(title: "[FIRING:1] DiskFull (warning)", footer: "Grafana v10.4.1")
            )
        )
        #expect(alert.source == .grafana)
        #expect(alert.severity == .warning)
    }

    @Test func withoutSignatureItIsAlertmanager() throws {
        let alert = try #require(AlertParsing.parse(Samples.attachmentPost(title: "[FIRING:1] DiskFull (warning)")))
        #expect(alert.source == .alertmanager)
        #expect(parser.parse(Samples.attachmentPost(title: "[FIRING:1] DiskFull (warning)")) == nil)
    }

    @Test func bothCountsAreAGrafanaSignatureOnTheirOwn() throws {
        let alert = try #require(
            AlertParsing.parse(Samples.attachmentPost(title: "[FIRING:2, RESOLVED:1] HighCPU (critical)"))
        )
        #expect(alert.source == .grafana)
    }

    @Test(arguments: [
        ("[Alerting] Disk usage", AlertStatus.firing), ("[OK] Disk usage", .resolved), ("[No Data] Disk usage", .other),
    ])
    func legacyTitles(_ title: String, _ status: AlertStatus) throws {
        let alert = try #require(AlertParsing.parse(Samples.attachmentPost(title: title, username: "Grafana")))
        #expect(alert.source == .grafana)
        #expect(alert.status == status)
        #expect(alert.name == "Disk usage")
        #expect(alert.identity == "grafana:disk usage")
    }

    @Test func noValueAndDashboardLinks() throws {
        let text = """
            **Firing**

            Value: [no value]
            Labels:
             - alertname = Heartbeat
             - host = edge-01
            Annotations:
            Source: <https://g.example/alerting/grafana/x/view>
            Dashboard: https://g.example/d/abc
            Panel: https://g.example/d/abc?viewPanel=2
            """
        let alert = try #require(
            parser.parse(Self.post(title: "[FIRING:1] Heartbeat (edge-01)", text: text, color: "#D63232"))
        )
        #expect(alert.host == "edge-01")
        #expect(alert.summary == "Value: [no value]")
        #expect(alert.links.map(\.label).suffix(3) == ["Source", "Dashboard", "Panel"])
    }
}
