import VigilBase
/// Exponential backoff with jitter, capped, for reconnect attempts.
///
/// Attempt 0 is immediate: a connection that ended cleanly (a refresh, a cut) is replaced at once. From attempt 1 on
/// the delay is drawn uniformly from the upper half of `min(maximum, initial × multiplier^(attempt-1))`, so a fleet
/// of workers does not reconnect in lockstep and no delay ever exceeds `maximum`.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), multiplier: Double = 2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
    }

    /// The ceiling of the delay before `attempt` (without jitter).
    public func ceiling(forAttempt attempt: Int) -> Duration {
        guard attempt > 0 else { return .zero }
        let exponent = Double(min(attempt - 1, 60))
        let seconds = initial.seconds * pow2(exponent)
        return min(maximum, .seconds(min(seconds, maximum.seconds)))
    }

    /// The delay before `attempt`, with jitter drawn from `generator`.
    public func delay(forAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(forAttempt: attempt)
        guard ceiling > .zero else { return .zero }
        let half = ceiling.seconds / 2
        return .seconds(half + Double.random(in: 0...half, using: &generator))
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = exponent
        while remaining >= 1 {
            result *= multiplier
            remaining -= 1
        }
        return result
    }
}
