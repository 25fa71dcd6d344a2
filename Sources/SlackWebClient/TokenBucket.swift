import VigilBase
/// A token bucket on a caller-supplied clock: `capacity` tokens, refilled at `refillInterval` per token.
///
/// Pure value type: the caller passes the current instant to every call, so tests drive it with any instants they
/// like and nothing sleeps.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let capacity: Double
    public let refillInterval: Duration
    public private(set) var tokens: Double
    private var updatedAt: Instant
    /// No token is handed out before this instant (Slack's `Retry-After`).
    public private(set) var blockedUntil: Instant?

    public init(capacity: Int, refillInterval: Duration, now: Instant) {
        self.capacity = Double(capacity)
        self.refillInterval = refillInterval
        self.tokens = Double(capacity)
        self.updatedAt = now
    }

    private mutating func refill(at now: Instant) {
        guard now > updatedAt else { return }
        let elapsed = updatedAt.duration(to: now)
        tokens = min(capacity, tokens + elapsed.seconds / refillInterval.seconds)
        updatedAt = now
    }

    /// How long until a token is available at `now` (zero if one is).
    public mutating func waitTime(at now: Instant) -> Duration {
        refill(at: now)
        var wait = Duration.zero
        if let blockedUntil, blockedUntil > now { wait = now.duration(to: blockedUntil) }
        if tokens < 1 {
            wait = max(wait, refillInterval * (1 - tokens))
        }
        return wait
    }

    /// Whole tokens available at `now` (zero while blocked).
    public mutating func availableTokens(at now: Instant) -> Int {
        refill(at: now)
        if let blockedUntil, blockedUntil > now { return 0 }
        return max(0, Int(tokens.rounded(.down)))
    }

    /// Takes a token if one is available at `now`.
    /// - Returns: `true` when the token was taken.
    public mutating func tryTake(at now: Instant) -> Bool {
        guard waitTime(at: now) == .zero else { return false }
        tokens -= 1
        return true
    }

    /// Blocks the bucket until `now + duration` (Slack said `Retry-After`) and empties it.
    public mutating func block(for duration: Duration, at now: Instant) {
        refill(at: now)
        let until = now.advanced(by: duration)
        if blockedUntil.map({ until > $0 }) ?? true { blockedUntil = until }
        tokens = min(tokens, 0)
    }
}
