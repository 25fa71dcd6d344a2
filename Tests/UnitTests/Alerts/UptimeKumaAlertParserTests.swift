import Testing
import AlertReading

struct UptimeKumaAlertParserTests {
    let parser = UptimeKumaAlertParser()

    static func down() throws -> SlackMessage {
        try Samples.webhookEvent(Samples.member(Samples.json("alerts/uptime_kuma_down_rich.posted.json"), "body"))
    }

    static func up() throws -> SlackMessage {
        try Samples.webhookEvent(
            Samples.member(Samples.json("alerts/uptime_kuma_up_plain.posted.json"), "body"),
            ts: "1760000600.000200"
        )
    }

    @Test func richDownSample() throws {
        let alert = try #require(AlertParsing.parse(Self.down()))
        #expect(alert.source == .uptimeKuma)
        #expect(alert.status == .firing)
        #expect(alert.severity == .unknown)
        #expect(alert.name == "Checkout API")
        #expect(alert.summary == "connect ECONNREFUSED 10.0.0.5:443")
        #expect(alert.labels == ["group": "Prod / Web", "time": "2026-08-20 10:30:00"])
        #expect(alert.identity == "uptime_kuma:checkout api")
        #expect(
            alert.links == [
                AlertLink(label: "Visit Uptime Kuma", url: "https://kuma.example/dashboard/42"),
                AlertLink(label: "Visit site", url: "https://checkout.example/health"),
            ]
        )
    }

    @Test func plainUpSampleResolvesTheSameMonitor() throws {
        let alert = try #require(AlertParsing.parse(Self.up()))
        #expect(alert.source == .uptimeKuma)
        #expect(alert.status == .resolved)
        #expect(alert.name == "Checkout API")
        #expect(alert.summary == "200 - OK")
        #expect(alert.labels["group"] == "Prod / Web")
        #expect(try alert.identity == #require(parser.parse(Self.down())).identity)
    }

    @Test(arguments: [
        "[Checkout API] [:red_circle: Down] timeout of 48000ms exceeded",
        "[Checkout API] [🔴 Down] timeout of 48000ms exceeded <!here>",
        "*[Checkout API] [🔴 Down] timeout of 48000ms exceeded*",
    ])
    func shortcodeAndDecoratedVariants(_ text: String) throws {
        let alert = try #require(AlertParsing.parse(Samples.textPost(text)))
        #expect(alert.source == .uptimeKuma)
        #expect(alert.status == .firing)
        #expect(alert.summary == "timeout of 48000ms exceeded")
    }

    @Test func nonASCIIMonitorName() throws {
        let down = try #require(
            parser.parse(Samples.textPost("[Zahlungsdienst Köln – 東京] [🔴 Down] Verbindung abgelehnt"))
        )
        let up = try #require(parser.parse(Samples.textPost("[Zahlungsdienst Köln – 東京] [✅ Up] 200 - OK")))
        #expect(down.name == "Zahlungsdienst Köln – 東京")
        #expect(down.identity == "uptime_kuma:zahlungsdienst köln – 東京")
        #expect(up.identity == down.identity)
    }

    @Test(arguments: [
        "[Checkout API] [Degraded] slow", "Checkout API is down", "[a] [this is not a status badge at all Down] x",
    ])
    func rejectsOtherLines(_ text: String) {
        #expect(parser.parse(Samples.textPost(text)) == nil)
    }
}
