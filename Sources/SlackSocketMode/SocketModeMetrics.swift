import Metrics

/// The Socket Mode client's metrics, created once per workspace so the frame path only increments.
///
/// | metric | kind |
/// |---|---|
/// | `vigil_envelopes_received_total{workspace}` | counter |
/// | `vigil_envelopes_acked_total{workspace}` | counter |
/// | `vigil_envelopes_duplicate_total{workspace}` | counter: redelivered `event_id`s acked and dropped |
/// | `vigil_malformed_frames_total{workspace}` | counter |
/// | `vigil_ack_latency_seconds{workspace}` | timer: frame read → ack queued |
/// | `vigil_socket_connections_live{workspace}` | gauge |
/// | `vigil_socket_reconnects_total{workspace,reason}` | counter |
/// | `vigil_handler_errors_total{workspace}` | counter |
public struct SocketModeMetrics: Sendable {
    let received: Counter
    let acked: Counter
    let duplicates: Counter
    let malformed: Counter
    let ackLatency: Metrics.Timer
    let liveConnections: Gauge
    let handlerErrors: Counter
    private let workspace: String

    /// - Parameter workspace: the label value naming the workspace (its configured name, never a token).
    public init(workspace: String) {
        self.workspace = workspace
        let dimensions = [("workspace", workspace)]
        received = Counter(label: "vigil_envelopes_received_total", dimensions: dimensions)
        acked = Counter(label: "vigil_envelopes_acked_total", dimensions: dimensions)
        duplicates = Counter(label: "vigil_envelopes_duplicate_total", dimensions: dimensions)
        malformed = Counter(label: "vigil_malformed_frames_total", dimensions: dimensions)
        ackLatency = Metrics.Timer(label: "vigil_ack_latency_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        liveConnections = Gauge(label: "vigil_socket_connections_live", dimensions: dimensions)
        handlerErrors = Counter(label: "vigil_handler_errors_total", dimensions: dimensions)
    }

    func reconnected(reason: String) {
        Counter(label: "vigil_socket_reconnects_total", dimensions: [("workspace", workspace), ("reason", reason)]).increment()
    }
}
