import Foundation

/// The payloads the bench sends: people's messages in a channel nobody watches (the pure ack scenarios) and
/// Alertmanager posts in watched alert channels (end-to-end and slow-post scenarios).
enum BenchEvents {
    /// The channel of the ack-only traffic: `#ops`, where the bot is a member (so Slack would deliver the
    /// events) but which is not an alert channel, so every worker only acks and filters.
    static let unwatchedChannel = "C0SIMOPS"

    /// The watched alert channels. Alerts are spread over 40 channels so that no channel sees more than 10
    /// alerts a minute (Vigil's storm threshold: a session posts 240 alerts, 6 per channel) or more than one post
    /// a second (Slack's per-channel rule: at most 25 alerts/s, 0.625/s per channel).
    static let alertChannels: [String] = (1...40).map { String(format: "C0BENCHAL%02d", $0) }

    private static let people = ["U0SIMALICE", "U0SIMBOB"]
    private static let phrases = [
        "deploy of api-gateway finished, looks good",
        "anyone seeing slow builds on the CI runners?",
        "rotating the staging database credentials now",
        "postmortem draft for yesterday is in the wiki",
        "lunch? :taco:",
        "restarted the payments worker, queue is draining",
    ]

    /// A person's message in ``unwatchedChannel``, shaped like a real `message` event (with rich-text blocks).
    /// `index` makes `ts` and `client_msg_id` unique; event ids are made unique by the simulator.
    static func humanMessage(_ index: Int, base: Int) -> String {
        let text = phrases[index % phrases.count] + " (\(index))"
        let ts = String(format: "%d.%06d", base + index / 1_000_000, index % 1_000_000)
        let user = people[index % people.count]
        let msgID = String(format: "5f0c%04x-9b1e-4c3a-8d2f-%012x", index & 0xffff, index)
        return """
            {"client_msg_id":"\(msgID)","type":"message","text":"\(text)","user":"\(user)","ts":"\(ts)",\
            "team":"T0SIMTEAM","blocks":[{"type":"rich_text","block_id":"b\(index % 997)","elements":\
            [{"type":"rich_text_section","elements":[{"type":"text","text":"\(text)"}]}]}],\
            "channel":"\(unwatchedChannel)","event_ts":"\(ts)","channel_type":"channel"}
            """
    }

    private static let alertNames: [(name: String, job: String, severity: String)] = [
        ("HighMemoryUsage", "node-exporter", "critical"),
        ("DiskWillFillIn4Hours", "node-exporter", "warning"),
        ("KubePodCrashLooping", "kube-state-metrics", "warning"),
        ("PostgresReplicationLag", "postgres-exporter", "critical"),
        ("HTTPErrorRateHigh", "blackbox", "critical"),
    ]

    /// The fields of an Alertmanager post (default templates, incoming-webhook identity) for
    /// ``SlackSimulator/postAsBot(channel:fieldsJSON:)``. `instance` is unique per (`session`, `index`), so every
    /// alert is a new incident.
    static func alertmanagerPost(session: Int, index: Int) -> String {
        let alert = alertNames[index % alertNames.count]
        let instance = String(format: "db-%02d-%04d:9100", session, index)
        let title = "[FIRING:1] \(alert.name) (\(instance) \(alert.job) \(alert.severity))"
        let link = "http://alertmanager:9093/#/alerts?receiver=slack"
        return """
            {"subtype":"bot_message","bot_id":"B0000AMHOOK","username":"AlertManager","text":"",\
            "attachments":[{"id":1,"title":"\(title)","title_link":"\(link)","text":"",\
            "fallback":"\(title) | \(link)","callback_id":"","footer":"","color":"danger",\
            "mrkdwn_in":["fallback","pretext","text"]}]}
            """
    }
}
