import VigilBase
import AlertReading
import Testing

struct DatadogAlertParserTests {
    let parser = DatadogAlertParser()

    struct Expectation: Sendable, CustomStringConvertible {
        var title: String
        var status: AlertStatus
        var severity: AlertSeverity
        var name: String
        var host: String?
        var identity: String
        var description: String { title }
    }

    /// One expectation per title in datadog_monitor_title_examples.json, same order.
    static let expectations: [Expectation] = [
        Expectation(
            title: "[Triggered] API Latency Alert",
            status: .firing,
            severity: .unknown,
            name: "API Latency Alert",
            identity: "datadog:api latency alert"
        ),
        Expectation(
            title: "[Triggered on {host:web-01}] High CPU usage on web-01",
            status: .firing,
            severity: .unknown,
            name: "High CPU usage on web-01",
            host: "web-01",
            identity: "datadog:high cpu usage on web-01|host:web-01"
        ),
        Expectation(
            title: "[P1] [Triggered on {host:abcdefgh}] STOP",
            status: .firing,
            severity: .critical,
            name: "STOP",
            host: "abcdefgh",
            identity: "datadog:stop|host:abcdefgh"
        ),
        Expectation(
            title: "[Recovered on {host:web-01}] High CPU usage on web-01",
            status: .resolved,
            severity: .unknown,
            name: "High CPU usage on web-01",
            host: "web-01",
            identity: "datadog:high cpu usage on web-01|host:web-01"
        ),
        Expectation(
            title: "[Warn on {service:api-gateway,env:prod}] API Latency Alert",
            status: .firing,
            severity: .warning,
            name: "API Latency Alert",
            identity: "datadog:api latency alert|env:prod,service:api-gateway"
        ),
        Expectation(
            title: "[No Data on {host:web-02}] Agent heartbeat",
            status: .other,
            severity: .unknown,
            name: "Agent heartbeat",
            host: "web-02",
            identity: "datadog:agent heartbeat|host:web-02"
        ),
        Expectation(
            title: "[Re-Triggered on {host:web-01}] High CPU usage on web-01",
            status: .firing,
            severity: .unknown,
            name: "High CPU usage on web-01",
            host: "web-01",
            identity: "datadog:high cpu usage on web-01|host:web-01"
        ),
    ]

    @Test func expectationsCoverTheSample() throws {
        let titles = try Samples.member(Samples.json("alerts/datadog_monitor_title_examples.json"), "titles")
            .arrayValue?
            .compactMap(\.stringValue)
        #expect(titles == Self.expectations.map(\.title))
    }

    /// The Slack layout is unverified, so each title is tried as an attachment title, as bold message text and as
    /// a linked title.
    @Test(arguments: expectations)
    func sampleTitles(_ expected: Expectation) throws {
        let layouts = [
            Samples.attachmentPost(
                title: expected.title,
                text: "%%%\nCPU is at 97%\nThe monitor was last triggered at Thu Aug 20 2026 10:30:00 UTC.\n%%%"
            ),
            Samples.textPost("*\(expected.title)*\nCPU is at 97%"),
            Samples.textPost("<https://app.datadoghq.com/monitors/123|\(expected.title)>"),
        ]
        for message in layouts {
            let alert = try #require(AlertParsing.parse(message))
            #expect(alert.source == .datadog)
            #expect(alert.status == expected.status)
            #expect(alert.severity == expected.severity)
            #expect(alert.name == expected.name)
            #expect(alert.host == expected.host)
            #expect(alert.identity == expected.identity)
        }
    }

    @Test func bodyGivesSummaryAndMarkdownLinks() throws {
        let text = """
            %%%
            CPU usage is 97% on web-01
            The monitor was last triggered at Thu Aug 20 2026 10:30:00 UTC.
            - - -
            [[Monitor Status](https://app.datadoghq.com/monitors/123?from_ts=1)] · [[Edit Monitor](https://app.datadoghq.com/monitors#123/edit)]
            %%%
            """
        let alert = try #require(
            parser.parse(Samples.attachmentPost(title: "[Triggered on {host:web-01,env:prod}] High CPU", text: text))
        )
        #expect(alert.summary == "CPU usage is 97% on web-01")
        #expect(alert.labels["env"] == "prod")
        #expect(alert.labels["transition"] == "Triggered")
        #expect(alert.links.map(\.label) == ["Monitor Status", "Edit Monitor"])
        #expect(alert.identity == "datadog:high cpu|env:prod,host:web-01")
    }

    @Test(arguments: ["[Warn Recovered on {host:a}] X", "[Alert Recovered] X", "[No Data Recovered] X"])
    func recoveredVariants(_ title: String) {
        #expect(parser.parse(Samples.attachmentPost(title: title))?.status == .resolved)
    }

    @Test(arguments: ["[Checkout API] [🔴 Down] boom", "[FIRING:1] X", "[Triggered]", "Triggered: X", "[P1] X"])
    func rejectsOtherTitles(_ title: String) {
        #expect(parser.parse(Samples.attachmentPost(title: title)) == nil)
    }
}
