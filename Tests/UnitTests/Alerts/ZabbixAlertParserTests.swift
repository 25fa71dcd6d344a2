import Testing
import AlertReading
import VigilBase

struct ZabbixAlertParserTests {
    let parser = ZabbixAlertParser()

    static func problem() throws -> SlackMessage {
        let body = try Samples.member(Samples.json("alerts/zabbix_media_problem.posted.json"), "body")
        return try Samples.botTokenEvent(body, botName: "Zabbix")
    }

    /// The recovery `message_changed`: the sample's event with its placeholder attachments replaced by the
    /// chat.update body's (new version) and the problem post's (previous version).
    static func recovery() throws -> SlackMessage {
        let sample = try Samples.json("alerts/zabbix_media_resolved.chat_update.json")
        let updated = try Samples.member(sample, "chat_update_body.attachments")
        let original = try Samples.member(Samples.json("alerts/zabbix_media_problem.posted.json"), "body.attachments")
        guard case .object(var event) = try Samples.member(sample, "resulting_event"),
            case .object(var message) = event["message"], case .object(var previous) = event["previous_message"]
        else { throw Samples.Malformed(description: "resulting_event shape") }
        message["attachments"] = updated
        previous["attachments"] = original
        event["message"] = .object(message)
        event["previous_message"] = .object(previous)
        return try Samples.message(.object(event))
    }

    @Test func problemSample() throws {
        let alert = try #require(AlertParsing.parse(Self.problem()))
        #expect(alert.source == .zabbix)
        #expect(alert.status == .firing)
        #expect(alert.severity == .high)
        #expect(alert.name == "High CPU utilization (over 90% for 5m)")
        #expect(alert.host == "db-server-01")
        #expect(alert.identity == "zabbix:event:987654")
        #expect(
            alert.labels == [
                "host_conn": "10.0.3.17", "class": "os", "component": "cpu", "scope": "performance",
                "zabbix_eventid": "987654", "zabbix_triggerid": "23456", "zabbix_severity": "High",
            ]
        )
        #expect(alert.service == "cpu")
        #expect(alert.summary == "CPU utilization is too high. The system might be slow to respond.")
        #expect(alert.links.first?.url == "https://zabbix.example/tr_events.php?triggerid=23456&eventid=987654")
    }

    @Test func updateThreadReply() throws {
        let body = try Samples.member(Samples.json("alerts/zabbix_media_update_thread.posted.json"), "body")
        let message = try Samples.botTokenEvent(
            body,
            botName: "Zabbix",
            ts: "1760000730.000300",
            threadTS: "1760000000.000100"
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .zabbix)
        #expect(alert.status == .other)
        #expect(alert.severity == .high)
        #expect(alert.identity == "zabbix:event:987654")
        #expect(alert.summary.hasPrefix("Jane Doe acknowledged problem at 2026.08.20 10:42:10."))
    }

    @Test func recoveryEditHasTheProblemsIdentity() throws {
        let event = try Self.recovery()
        #expect(event.subtype == "message_changed")
        let resolved = try #require(AlertParsing.parse(event))
        let problem = try #require(parser.parse(Self.problem()))
        #expect(resolved.source == .zabbix)
        #expect(resolved.status == .resolved)
        #expect(resolved.name == "High CPU utilization (over 90% for 5m)")
        #expect(resolved.severity == .high)
        #expect(resolved.identity == problem.identity)
        let classifier = MessageClassifier(
            watchedChannels: [Samples.alertChannel],
            own: .init(botID: "B0000VIGIL", userID: "U0000VIGIL")
        )
        #expect(classifier.classify(event) == .alertStateChange(rootTS: "1760000000.000100", kind: .edit))
    }

    @Test func identitySampleBotTokenPost() throws {
        let message = try Samples.message(
            Samples.member(
                Samples.json("alerts/identity_incoming_webhook_vs_bot_token.json"),
                "bot_token_post_chat_postMessage"
            )
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .zabbix)
        #expect(alert.status == .firing)
        #expect(alert.severity == .high)  // from the #E97659 palette colour
        #expect(alert.name == "...")
        #expect(alert.identity == "zabbix:...")
    }

    @Test(arguments: [
        ("Disaster", AlertSeverity.critical), ("High", .high), ("Average", .warning), ("Warning", .warning),
        ("Information", .info), ("Not classified", .unknown),
    ])
    func severityNames(_ name: String, _ severity: AlertSeverity) {
        let message = Samples.attachmentPost(
            title: "Problem: Disk full",
            fields: [("Host", "web-1"), ("Severity", name)]
        )
        #expect(parser.parse(message)?.severity == severity)
    }

    @Test(arguments: [
        ("Problem: X", AlertStatus.firing), ("Resolved: X", .resolved), ("Resolved in 1h 2m: X", .resolved),
        ("Updated problem: X", .other), ("Updated problem in 5m: X", .other),
    ])
    func subjects(_ title: String, _ status: AlertStatus) throws {
        let alert = try #require(parser.parse(Samples.attachmentPost(title: title, fields: [("Host", "web-1")])))
        #expect(alert.status == status)
        #expect(alert.name == "X")
        #expect(alert.identity == "zabbix:x|web-1")  // no event link: name + host
    }

    @Test func eventModeRecoveryWithoutEventLinkMatchesByNameAndHost() throws {
        let problem = try #require(
            parser.parse(Samples.attachmentPost(title: "Problem: Disk full", fields: [("Host", "web-1 [10.0.0.1]")]))
        )
        let resolved = try #require(
            parser.parse(
                Samples.attachmentPost(title: "Resolved in 3m: Disk full", fields: [("Host", "web-1 [10.0.0.1]")])
            )
        )
        #expect(problem.identity == resolved.identity)
        #expect(problem.host == "web-1")
    }

    @Test func customSubjectWithEventLinkUsesColour() throws {
        let message = Samples.attachmentPost(
            title: "DB is on fire",
            color: "#009900",
            titleLink: "https://z.example/tr_events.php?triggerid=1&amp;eventid=42"
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .zabbix)
        #expect(alert.status == .resolved)
        #expect(alert.identity == "zabbix:event:42")
    }

    @Test func hiddenTagsAreSkipped() throws {
        let message = Samples.attachmentPost(
            title: "Problem: X",
            fields: [("Host", "h"), ("Event tags", "__message_ts_#ops: 1.0\nservice: api\nnovalue")]
        )
        let alert = try #require(parser.parse(message))
        #expect(alert.labels["service"] == "api")
        #expect(alert.labels["novalue"] == "")
        #expect(alert.labels.keys.allSatisfy { !$0.hasPrefix("__") })
    }

    @Test func problemPrefixWithoutZabbixSignatureIsNotZabbix() {
        #expect(parser.parse(Samples.textPost("Problem: the coffee machine is empty")) == nil)
    }
}
