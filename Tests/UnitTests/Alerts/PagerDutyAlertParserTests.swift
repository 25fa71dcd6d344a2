import Testing
import AlertReading
import VigilStorage

/// PagerDuty's Slack layout is unverified (alert-formats §4.4): these posts are written from its documented words.
struct PagerDutyAlertParserTests {
    let parser = PagerDutyAlertParser()

    static func post(_ text: String, threadTS: String? = nil) -> SlackMessage {
        SlackMessage(
            channel: Samples.alertChannel,
            user: "U0000PD",
            botID: "B0000PD",
            appID: "A0000PD",
            botProfile: .init(id: "B0000PD", name: "PagerDuty", appID: "A0000PD"),
            text: text,
            ts: threadTS == nil ? "1760000000.000100" : "1760000300.000300",
            threadTS: threadTS
        )
    }

    @Test func triggeredAndResolvedShareTheIncidentIdentity() throws {
        let triggered = try #require(
            AlertParsing.parse(
                Self.post(
                    "Triggered: <https://acme.pagerduty.com/incidents/Q1ABC|#1234> Disk full on db-1\nUrgency: High · Service: Storage"
                )
            )
        )
        #expect(triggered.source == .pagerduty)
        #expect(triggered.status == .firing)
        #expect(triggered.severity == .high)
        #expect(triggered.name == "Disk full on db-1")
        #expect(triggered.identity == "pagerduty:incident:1234")
        #expect(triggered.labels["incident_id"] == "Q1ABC")

        let resolved = try #require(AlertParsing.parse(Self.post("Resolved: #1234 Disk full on db-1")))
        #expect(resolved.status == .resolved)
        #expect(resolved.identity == triggered.identity)
    }

    @Test func threadRepliesAreStatusUpdates() throws {
        let acknowledged = try #require(
            AlertParsing.parse(Self.post("Acknowledged by <@U0000HUMAN1>", threadTS: "1760000000.000100"))
        )
        #expect(acknowledged.source == .pagerduty)
        #expect(acknowledged.status == .other)
        let resolved = try #require(
            AlertParsing.parse(Self.post("Resolved by <@U0000HUMAN1>", threadTS: "1760000000.000100"))
        )
        #expect(resolved.status == .resolved)
        let classifier = MessageClassifier(
            watchedChannels: [Samples.alertChannel],
            own: .init(botID: "B0000VIGIL", userID: "U0000VIGIL")
        )
        #expect(
            classifier.classify(Self.post("Resolved by <@U1>", threadTS: "1760000000.000100"))
                == .alertStateChange(rootTS: "1760000000.000100", kind: .threadReply)
        )
    }

    @Test func attachmentLayoutWithIncidentLinkOnly() throws {
        let message = Samples.attachmentPost(
            title: "[#987] High error rate on checkout",
            text: "Priority: P1",
            color: "danger",
            titleLink: "https://acme.pagerduty.com/incidents/PXYZ"
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .pagerduty)
        #expect(alert.severity == .critical)
        #expect(alert.name == "High error rate on checkout")
        #expect(alert.identity == "pagerduty:incident:987")
    }

    @Test func withoutNumberFallsBackToIncidentIDThenName() throws {
        let byID = try #require(
            parser.parse(
                Samples.attachmentPost(
                    title: "Triggered: API down",
                    titleLink: "https://acme.pagerduty.com/incidents/PXYZ"
                )
            )
        )
        #expect(byID.identity == "pagerduty:incident:pxyz")
        let byName = try #require(parser.parse(Self.post("Triggered: API down")))
        #expect(byName.identity == "pagerduty:api")
    }

    @Test func otherBotsAreNotPagerDuty() {
        #expect(parser.parse(Samples.textPost("Triggered: #12 something")) == nil)
    }

    @Test(arguments: [
        ("Incident #1234: x", "pagerduty:incident:1234"),
        ("Triggered: disk full, see #ops-alerts", "pagerduty:disk full see ops alerts"),
        ("Triggered: a#12 b", "pagerduty:a 12 b"),
        ("Triggered: #12a then #34", "pagerduty:incident:34"),
    ])
    func incidentNumbers(_ text: String, _ identity: String) {
        #expect(parser.parse(Self.post(text))?.identity == identity)
    }
}
