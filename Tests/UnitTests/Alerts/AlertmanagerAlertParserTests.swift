import Testing
import AlertReading

struct AlertmanagerAlertParserTests {
    let parser = AlertmanagerAlertParser()

    static func sample(_ file: String, at path: String = "event") throws -> SlackMessage {
        try Samples.message(Samples.member(Samples.json("alerts/\(file)"), path))
    }

    @Test func defaultFiring() throws {
        let message = try Self.sample("alertmanager_default_firing.event.json")
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .alertmanager)
        #expect(alert.status == .firing)
        #expect(alert.severity == .critical)
        #expect(alert.name == "HighMemoryUsage")
        #expect(alert.identity == "alertmanager:highmemoryusage|node-exporter|critical")
        #expect(alert.host == nil)
        #expect(alert.labels.isEmpty)  // the default template carries no labels
        #expect(alert.summary == "HighMemoryUsage (node-exporter critical)")
        #expect(
            alert.links == [
                AlertLink(
                    label: "[FIRING:2] HighMemoryUsage (node-exporter critical)",
                    url: "http://alertmanager:9093/#/alerts?receiver=slack"
                )
            ]
        )
        #expect(parser.parse(message) == alert)
    }

    @Test func defaultResolvedHasTheSameIdentity() throws {
        let firing = try #require(parser.parse(Self.sample("alertmanager_default_firing.event.json")))
        let resolved = try #require(AlertParsing.parse(Self.sample("alertmanager_default_resolved.event.json")))
        #expect(resolved.source == .alertmanager)
        #expect(resolved.status == .resolved)
        #expect(resolved.severity == .critical)
        #expect(resolved.name == "HighMemoryUsage")
        #expect(resolved.identity == firing.identity)
    }

    @Test func updateMessageEditReadsTheNewVersion() throws {
        let event = try Self.sample("alertmanager_update_message.message_changed.json")
        let alert = try #require(AlertParsing.parse(event))
        #expect(alert.source == .alertmanager)
        #expect(alert.status == .resolved)
        #expect(alert.identity == "alertmanager:highmemoryusage|node-exporter|critical")
        // The previous version, parsed on its own, is the firing state of the same alert.
        let previousMessage = try #require(event.previousMessage)
        let previous = try #require(parser.parse(previousMessage))
        #expect(previous.status == .firing)
        #expect(previous.identity == alert.identity)
    }

    @Test func socketModeEnvelopeSample() throws {
        let message = try Self.sample("socket_mode_envelope_events_api.json", at: "envelope.payload.event")
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .alertmanager)
        #expect(alert.status == .firing)
        #expect(alert.severity == .warning)
        #expect(alert.name == "DiskSpaceLow")
        #expect(alert.identity == "alertmanager:diskspacelow|storage-01:9100|warning")
    }

    @Test func incomingWebhookIdentitySample() throws {
        let message = try Samples.message(
            Samples.member(Samples.json("alerts/identity_incoming_webhook_vs_bot_token.json"), "incoming_webhook_post")
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .alertmanager)
        #expect(alert.status == .firing)
        #expect(alert.name == "...")
        #expect(alert.identity == "alertmanager:...")
    }

    @Test func titleWithTrailingSpaceAndNoCommonLabels() {
        let alert = parser.parse(Samples.attachmentPost(title: "[FIRING:1] SlackAlert2 ", color: "danger"))
        #expect(alert?.name == "SlackAlert2")
        #expect(alert?.identity == "alertmanager:slackalert2")
        #expect(alert?.severity == .unknown)
    }

    @Test func richTextTemplateProvidesLabels() throws {
        let text = """
            *Alert:* Instance db-1:9100 down - `critical`
            *Description:* db-1:9100 of job node has been down for more than 5 minutes.
            *Details:*
              • *alertname:* `InstanceDown`
              • *instance:* `db-1:9100`
              • *job:* `node`
              • *severity:* `critical`
            """
        let message = Samples.attachmentPost(
            title: "[FIRING:1] InstanceDown (db-1:9100 node critical)",
            text: text,
            color: "danger"
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .alertmanager)
        #expect(alert.name == "InstanceDown")
        #expect(alert.severity == .critical)
        #expect(alert.host == "db-1:9100")
        #expect(alert.service == "node")
        #expect(
            alert.labels == [
                "alertname": "InstanceDown", "instance": "db-1:9100", "job": "node", "severity": "critical",
            ]
        )
        #expect(alert.summary == "db-1:9100 of job node has been down for more than 5 minutes.")
        #expect(alert.identity == "alertmanager:instancedown|db-1:9100|node|critical")
    }

    @Test func plainKeyValueTemplateAndLabelSeverityWins() throws {
        let text = "alertname: HighLatency\nseverity: warning\ninstance: api-7:8080\nsummary: p99 above 2s"
        let message = Samples.attachmentPost(title: "[FIRING:3] HighLatency (critical)", text: text)
        let alert = try #require(parser.parse(message))
        #expect(alert.severity == .warning)  // the alert's own label beats the group title
        #expect(alert.host == "api-7:8080")
        #expect(alert.summary == "p99 above 2s")
    }

    @Test func footerGroupKeyIsTheIdentity() throws {
        let firing = Samples.attachmentPost(
            title: "[FIRING:2] HighCPU (prod)",
            footer: "{}/{severity=\"critical\"}:{alertname=\"HighCPU\"}"
        )
        let resolved = Samples.attachmentPost(
            title: "[RESOLVED] HighCPU (prod web-1)",
            footer: "{}/{severity=\"critical\"}:{alertname=\"HighCPU\"}"
        )
        let firingAlert = try #require(parser.parse(firing))
        let resolvedAlert = try #require(parser.parse(resolved))
        #expect(firingAlert.identity == "alertmanager:{}/{severity=\"critical\"}:{alertname=\"highcpu\"}")
        #expect(resolvedAlert.identity == firingAlert.identity)
        #expect(resolvedAlert.status == .resolved)
    }

    @Test func titleInMessageTextOrFallbackOnly() throws {
        let inText = try #require(parser.parse(Samples.textPost("[FIRING:1] Watchdog ")))
        #expect(inText.name == "Watchdog")
        var fallbackOnly = Samples.attachmentPost()
        fallbackOnly.attachments[0].fallback = "[RESOLVED] Watchdog | http://am/#/alerts"
        let alert = try #require(parser.parse(fallbackOnly))
        #expect(alert.status == .resolved)
        #expect(alert.name == "Watchdog")
    }

    @Test func readBackHexColourIsAccepted() throws {
        let alert = try #require(AlertParsing.parse(Samples.attachmentPost(title: "[FIRING:1] X (y)", color: "a30200")))
        #expect(alert.source == .alertmanager)
        #expect(alert.status == .firing)
    }

    @Test(arguments: ["[FIRING] X", "[Firing:2] X", "[firing:2] X"])
    func caseAndCountVariants(_ title: String) {
        #expect(parser.parse(Samples.attachmentPost(title: title))?.status == .firing)
    }

    @Test(arguments: ["FIRING:1 X", "[FIRING:x] X", "[ALERT] X", "Problem: X", "", "[FIRING:1"])
    func rejectsOtherTitles(_ title: String) {
        #expect(parser.parse(Samples.attachmentPost(title: title)) == nil)
    }

    @Test func hugeTitleIsClamped() throws {
        let name = String(repeating: "VeryLongAlertName", count: 500)
        let alert = try #require(parser.parse(Samples.attachmentPost(title: "[FIRING:1] \(name) (\(name))")))
        #expect(alert.name.count <= 200)
        #expect(alert.identity.count <= AlertIdentity.maximumLength)
        #expect(alert.identity.hasPrefix("alertmanager:verylongalertname"))
    }
}
