/// Monitoring-bot posts for the integration tests, shaped like the real senders' messages
/// (Tests/Fixtures/samples/alerts): the `fieldsJSON` of `SlackSimulator.postAsBot(channel:fieldsJSON:)`.
enum TestAlerts {
    /// Prometheus Alertmanager through an incoming webhook, with a text template listing the labels.
    /// - Parameters:
    ///   - name: `alertname`.
    ///   - status: `FIRING:1` or `RESOLVED`.
    ///   - instance: the `instance` label (the host).
    ///   - severity: the `severity` label.
    static func alertmanager(
        _ name: String,
        status: String = "FIRING:1",
        instance: String = "db-01:9100",
        severity: String = "critical"
    ) -> String {
        #"{"subtype":"bot_message","bot_id":"B0TESTAMHOOK","username":"AlertManager","text":"","attachments":["#
            + alertmanagerAttachment(name, status: status, instance: instance, severity: severity) + "]}"
    }

    /// The attachment of an Alertmanager post (for edits: `{"attachments":[…]}`).
    static func alertmanagerAttachment(
        _ name: String,
        status: String = "FIRING:1",
        instance: String = "db-01:9100",
        severity: String = "critical"
    ) -> String {
        let title = "[\(status)] \(name) (\(instance) node-exporter \(severity))"
        let color = status.hasPrefix("FIRING") ? "danger" : "good"
        return #"{"id":1,"color":"\#(color)","title":"\#(title)","title_link":"http://alertmanager:9093/#/alerts?receiver=slack","#
            + #""fallback":"\#(title)","text":"*Summary:* \#(name) on \#(instance)\n• *alertname:* `\#(name)`\n"#
            + #"• *instance:* `\#(instance)`\n• *job:* `node-exporter`\n• *severity:* `\#(severity)`","mrkdwn_in":["text"]}"#
    }

    /// An Alertmanager `update_message: true` edit of a post to its resolved form.
    static func alertmanagerResolvedEdit(_ name: String, instance: String = "db-01:9100", severity: String = "critical") -> String {
        #"{"attachments":["# + alertmanagerAttachment(name, status: "RESOLVED", instance: instance, severity: severity) + "]}"
    }

    /// Grafana-managed alerting (Slack contact point, default templates).
    static func grafana(_ name: String, instance: String = "db-01:9100", severity: String = "warning") -> String {
        ##"{"subtype":"bot_message","bot_id":"B0TESTGRAFANA","username":"Grafana","text":"","attachments":[{"color":"#D63232","##
            + #""title":"[FIRING:1] \#(name) (\#(instance))","title_link":"http://grafana:3000/alerting/list","#
            + #""fallback":"[FIRING:1] \#(name) (\#(instance))","#
            + #""text":"**Firing**\n\nValue: B=3.7\nLabels:\n - alertname = \#(name)\n - instance = \#(instance)\n"#
            + #" - severity = \#(severity)\nAnnotations:\n - summary = \#(name) on \#(instance)\n","#
            + #""footer":"Grafana v11.2.0","mrkdwn_in":["pretext"]}]}"#
    }
}
