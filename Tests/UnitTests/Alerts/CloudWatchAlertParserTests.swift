import Testing
import AlertReading
import VigilBase

struct CloudWatchAlertParserTests {
    let parser = CloudWatchAlertParser()

    static func payload(_ name: String) throws -> SlackMessage {
        try Samples.webhookEvent(
            Samples.member(Samples.json("alerts/cloudwatch_alarm_notify_slack_lambda.posted.json"), name)
        )
    }

    @Test func alarmSample() throws {
        let alert = try #require(AlertParsing.parse(Self.payload("alarm_payload")))
        #expect(alert.source == .cloudwatch)
        #expect(alert.status == .firing)
        #expect(alert.severity == .unknown)
        #expect(alert.name == "Example")
        #expect(alert.summary == "Threshold Crossed")
        #expect(
            alert.labels == [
                "alarm_name": "Example", "current_state": "ALARM", "old_state": "OK",
                "alarm_description": "Example alarm description.", "region": "us-east-1",
            ]
        )
        #expect(alert.identity == "cloudwatch:example")
        #expect(
            alert.links == [
                AlertLink(
                    label: "Link to Alarm",
                    url:
                        "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarm:alarmFilter=ANY;name=Example"
                )
            ]
        )
    }

    @Test func okSample() throws {
        let alert = try #require(AlertParsing.parse(Self.payload("ok_payload")))
        #expect(alert.source == .cloudwatch)
        #expect(alert.status == .resolved)
        #expect(alert.name == "DBMigrationRequired")
        #expect(
            alert.summary
                == "Threshold Crossed: 1 datapoint [1.0 (12/02/19 15:44:00)] was not less than the threshold (1.0)."
        )
        #expect(alert.labels["old_state"] == "ALARM")
        #expect(alert.identity == "cloudwatch:dbmigrationrequired")
    }

    @Test func okVersionOfTheAlarmSharesIdentity() throws {
        var ok = try Self.payload("alarm_payload")
        ok.attachments[0].color = "good"
        ok.attachments[0].fields = ok.attachments[0].fields.map { field in
            var field = field
            if field.title == "Current State" { field.value = "`OK`" }
            if field.title == "Old State" { field.value = "`ALARM`" }
            return field
        }
        let firing = try #require(parser.parse(Self.payload("alarm_payload")))
        let resolved = try #require(parser.parse(ok))
        #expect(resolved.status == .resolved)
        #expect(resolved.identity == firing.identity)
    }

    @Test func insufficientDataIsOther() throws {
        let message = Samples.attachmentPost(
            color: "warning",
            fields: [("Alarm Name", "`disk-io-critical`"), ("Current State", "`INSUFFICIENT_DATA`")]
        )
        let alert = try #require(AlertParsing.parse(message))
        #expect(alert.source == .cloudwatch)
        #expect(alert.status == .other)
        #expect(alert.severity == .critical)  // a severity word in the alarm name
    }

    @Test func textOnlyVariantUsesColour() throws {
        let message = Samples.attachmentPost(text: "AWS CloudWatch notification - api-5xx", color: "danger")
        let alert = try #require(parser.parse(message))
        #expect(alert.name == "api-5xx")
        #expect(alert.status == .firing)
    }

    @Test func otherPostsAreNotCloudWatch() {
        #expect(
            parser.parse(Samples.attachmentPost(title: "Deploy finished", fields: [("Environment", "prod")])) == nil
        )
    }
}
