/// The monitoring-bot posts of the demo day, shaped like the real senders' messages (the samples in
/// Tests/Fixtures/samples/alerts): the `fieldsJSON` given to `SlackSimulator.postAsBot(channel:fieldsJSON:)` and
/// `editMessage(channel:ts:fieldsJSON:)`, i.e. a message object without `ts` and `channel`.
enum DemoAlerts {
    /// Prometheus Alertmanager through an incoming webhook, with a customised text template listing the labels
    /// (most deployments customise it; the default template carries only the title).
    static let alertmanagerFiring = #"""
        {"subtype":"bot_message","bot_id":"B0DEMOAMHOOK","username":"AlertManager","text":"",
         "attachments":[{"id":1,"color":"danger",
           "title":"[FIRING:1] HighMemoryUsage (db-01:9100 node-exporter critical)",
           "title_link":"http://alertmanager:9093/#/alerts?receiver=slack",
           "fallback":"[FIRING:1] HighMemoryUsage (db-01:9100 node-exporter critical) | http://alertmanager:9093/#/alerts?receiver=slack",
           "text":"*Summary:* Memory usage on db-01 is above 90% for 10 minutes\n*Labels:*\n• *alertname:* `HighMemoryUsage`\n• *instance:* `db-01:9100`\n• *job:* `node-exporter`\n• *severity:* `critical`",
           "mrkdwn_in":["fallback","pretext","text"]}]}
        """#

    /// Grafana-managed alerting (Slack contact point, default templates) on the same instance as the
    /// Alertmanager alert, so Vigil links the two as related.
    static let grafanaFiring = #"""
        {"subtype":"bot_message","bot_id":"B0DEMOGRAFANA","username":"Grafana","text":"",
         "attachments":[{"color":"#D63232","title":"[FIRING:1] DiskWillFillIn4Hours (db-01:9100)",
           "title_link":"http://grafana:3000/alerting/list",
           "fallback":"[FIRING:1] DiskWillFillIn4Hours (db-01:9100)",
           "text":"**Firing**\n\nValue: B=3.7\nLabels:\n - alertname = DiskWillFillIn4Hours\n - instance = db-01:9100\n - mountpoint = /var/lib/postgresql\n - severity = warning\nAnnotations:\n - summary = /var/lib/postgresql on db-01 will be full in about 4 hours\nSource: http://grafana:3000/alerting/grafana/disk-fill/view\nSilence: http://grafana:3000/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DDiskWillFillIn4Hours\n",
           "footer":"Grafana v11.2.0","footer_icon":"https://grafana.com/static/assets/img/fav32.png",
           "ts":1760000000,"mrkdwn_in":["pretext"]}]}
        """#

    /// Zabbix's official Slack media type in alarm mode (posted with a bot token, `as_user`).
    static let zabbixProblem = #"""
        {"user":"U0DEMOZABBIX","bot_id":"B0DEMOZABBIX","app_id":"A0DEMOZABBIX","text":"",
         "bot_profile":{"id":"B0DEMOZABBIX","app_id":"A0DEMOZABBIX","name":"Zabbix","deleted":false},
         "attachments":[{"fallback":"Problem: High CPU utilization (over 90% for 5m)",
           "title":"Problem: High CPU utilization (over 90% for 5m)","color":"#E97659",
           "title_link":"https://zabbix.example/tr_events.php?triggerid=23456&eventid=987654","pretext":"",
           "fields":[{"title":"Host","value":"web-03 [10.0.2.13]","short":true},
                     {"title":"Event time","value":"2026.08.20 10:30:00","short":true},
                     {"title":"Severity","value":"High","short":true},
                     {"title":"Opdata","value":"Current utilization: 97.2 %","short":true},
                     {"title":"Event tags","value":"class: os\ncomponent: cpu\nscope: performance","short":true},
                     {"title":"Trigger description","value":"CPU utilization is too high. The system might be slow to respond.","short":true}],
           "actions":[{"type":"button","text":"Open in Zabbix","url":"https://zabbix.example/tr_events.php?triggerid=23456&eventid=987654"}]}]}
        """#

    /// Zabbix's recovery in alarm mode: `chat.update` of the problem post (Vigil sees `message_changed`).
    static let zabbixResolvedEdit = #"""
        {"attachments":[{"fallback":"Resolved in 3m 12s: High CPU utilization (over 90% for 5m)",
           "title":"Resolved in 3m 12s: High CPU utilization (over 90% for 5m)","color":"#009900",
           "title_link":"https://zabbix.example/tr_events.php?triggerid=23456&eventid=987654","pretext":"",
           "fields":[{"title":"Host","value":"web-03 [10.0.2.13]","short":true},
                     {"title":"Event time","value":"2026.08.20 10:33:12","short":true},
                     {"title":"Severity","value":"High","short":true},
                     {"title":"Opdata","value":"Current utilization: 41.0 %","short":true},
                     {"title":"Event tags","value":"class: os\ncomponent: cpu\nscope: performance","short":true},
                     {"title":"Trigger description","value":"CPU utilization is too high. The system might be slow to respond.","short":true}],
           "actions":[{"type":"button","text":"Open in Zabbix","url":"https://zabbix.example/tr_events.php?triggerid=23456&eventid=987654"}]}]}
        """#

    /// A CloudWatch alarm through the terraform-aws-modules notify-slack Lambda (incoming webhook).
    static let cloudWatchAlarm = #"""
        {"subtype":"bot_message","bot_id":"B0DEMOAWS","username":"notify_slack","text":"",
         "attachments":[{"color":"danger","fallback":"Alarm api-5xx-rate triggered",
           "text":"AWS CloudWatch notification - api-5xx-rate",
           "fields":[{"short":true,"title":"Alarm Name","value":"`api-5xx-rate`"},
                     {"short":false,"title":"Alarm Description","value":"`HTTP 5xx responses of the public API above 2%`"},
                     {"short":false,"title":"Alarm reason","value":"`Threshold Crossed: 1 datapoint [3.4] was greater than the threshold (2.0).`"},
                     {"short":true,"title":"Old State","value":"`OK`"},
                     {"short":true,"title":"Current State","value":"`ALARM`"},
                     {"short":false,"title":"Link to Alarm","value":"https://console.aws.amazon.com/cloudwatch/home?region=eu-central-1#alarm:alarmFilter=ANY;name=api-5xx-rate"}]}]}
        """#

    /// Uptime Kuma, "rich message" on: the monitor went down.
    static let uptimeKumaDown = #"""
        {"subtype":"bot_message","bot_id":"B0DEMOKUMA","username":"Uptime Kuma",
         "text":"[Checkout API] [🔴 Down] connect ECONNREFUSED 10.0.0.5:443",
         "attachments":[{"color":"#e01e5a","blocks":[
           {"type":"header","text":{"type":"plain_text","text":"Checkout API"}},
           {"type":"context","elements":[{"type":"mrkdwn","text":"_Prod / Web_"}]},
           {"type":"section","fields":[{"type":"mrkdwn","text":"*Message*\n[Checkout API] [🔴 Down] connect ECONNREFUSED 10.0.0.5:443"},
                                       {"type":"mrkdwn","text":"*Time (Europe/Berlin)*\n2026-08-20 10:30:00"}]},
           {"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Visit Uptime Kuma"},"value":"Uptime-Kuma","url":"https://kuma.example/dashboard/42"}]}]}]}
        """#

    /// Uptime Kuma, "rich message" off: the monitor is up again (a new post, which resolves the open incident).
    static let uptimeKumaUp = #"""
        {"subtype":"bot_message","bot_id":"B0DEMOKUMA","username":"Uptime Kuma",
         "text":"_Prod / Web_\nCheckout API\n[Checkout API] [✅ Up] 200 - OK","attachments":[]}
        """#
}
