/// Sizes, rates and timeouts of the scenarios (the figures are the defaults).
struct BenchParameters: Sendable {
    /// Envelopes sent before measuring, after connect (not recorded).
    var warmUpCount = 200
    /// Ack latency: envelopes and rate.
    var latencyCount = 1_000
    var latencyRate = 500.0
    /// Burst size (sent as fast as the simulator can write).
    var burstCount = 5_000
    /// Envelopes between the two RSS readings; CPU is measured over them too.
    var soakCount = 20_000
    var soakRate = 1_000.0
    /// Alert load (run with instant posts, then with slow posts): alerts, their rate, the chat.postMessage delay
    /// of the slow run, and the ack-only traffic sent alongside (both last 4 s).
    var slowAlertCount = 100
    var slowAlertRate = 25.0
    var slowPostDelay: Duration = .seconds(2)
    var slowFillerCount = 2_000
    var slowFillerRate = 500.0
    /// End to end: alerts and their rate (spread over the alert channels, 0.2 posts/s per channel at 8/s).
    var endToEndCount = 40
    var endToEndRate = 8.0
    /// Slack's ack deadline, for counting late acks.
    var slackAckDeadline: Duration = .seconds(3)
    /// How long a worker may take to open its connections.
    var connectTimeout: Duration = .seconds(30)
    /// Pause after connect before reading idle RSS.
    var settle: Duration = .milliseconds(1_500)
    /// Log level given to the workers.
    var workerLogLevel = "warning"
}
