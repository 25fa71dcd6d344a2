/// The per-channel `chat.postMessage` rule: a token bucket holding `burst` posts that refills one post per
/// `interval`. A post that finds the bucket empty is answered HTTP 429, `Retry-After: <seconds until a token>`
/// (at least 1), body `{"ok":false,"error":"ratelimited"}`.
public struct ChannelPostRateLimit: Sendable, Hashable {
    /// Time for one token to refill.
    public var interval: Duration
    /// Bucket size (posts allowed back to back).
    public var burst: Int

    /// Creates a rule.
    /// - Parameters:
    ///   - interval: Time for one token to refill. Default 1 s.
    ///   - burst: Bucket size. Default 1.
    public init(interval: Duration = .seconds(1), burst: Int = 1) {
        self.interval = interval
        self.burst = max(1, burst)
    }

    /// Slack's documented rule: about one message per second per channel.
    public static let slackDefault = ChannelPostRateLimit()
}
