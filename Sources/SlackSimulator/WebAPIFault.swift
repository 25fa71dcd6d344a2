/// A fault the simulator injects into the next matching Web API call(s).
///
/// Faults are queued with ``SlackSimulator/injectFault(_:method:channel:count:)`` and consumed in the order they were
/// injected: each matching request takes the first queued fault for its method (and channel, when the fault names
/// one) and decrements its count.
public enum WebAPIFault: Sendable, Hashable, CustomStringConvertible {
    /// HTTP 429 with `Retry-After: <seconds>` and body `{"ok":false,"error":"ratelimited"}`. Nothing is applied.
    case rateLimited(retryAfterSeconds: Int)
    /// An HTTP error status (for example 500, 502, 503) with a small HTML body. Nothing is applied.
    case serverError(status: Int)
    /// HTTP 200 with `{"ok":false,"error":"<code>"}` plus the extra top-level string members in `extra`
    /// (for example `["needed": "chat:write", "provided": "channels:read"]` for `missing_scope`). Nothing is applied.
    case slackError(String, extra: [String: String] = [:])
    /// The request is applied on arrival, and the normal answer is written after the given delay.
    case delay(Duration)
    /// The request is read and applied (for `chat.postMessage` the message IS stored), then the TCP connection is
    /// closed without any response: the "ambiguous timeout" case.
    case dropConnectionAfterReading
    /// The request is read but neither applied nor answered; the connection stays open until the client gives up
    /// or the simulator shuts down.
    case hang

    public var description: String {
        switch self {
        case .rateLimited(let seconds): return "rateLimited(retryAfter: \(seconds)s)"
        case .serverError(let status): return "serverError(\(status))"
        case .slackError(let code, let extra):
            return extra.isEmpty ? "slackError(\(code))" : "slackError(\(code), \(extra))"
        case .delay(let duration): return "delay(\(duration))"
        case .dropConnectionAfterReading: return "dropConnectionAfterReading"
        case .hang: return "hang"
        }
    }
}
