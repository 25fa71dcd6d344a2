/// The one set of `Duration` conversions every layer uses (timeouts for C libraries, log and metric values,
/// human text). Arithmetic stays in `Duration`; these are only for handing a value to something that wants a number.
extension Duration {
    /// The duration in seconds as a `Double` (metrics, log lines, jitter arithmetic).
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in milliseconds as a `Double`.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e3 + Double(attoseconds) / 1e15
    }

    /// Whole nanoseconds (truncated), for C APIs that take them.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration in whole milliseconds, rounded up, at least 1 for any positive duration and clamped to `Int`
    /// (libcurl and libwebsockets timeouts: a positive timeout never becomes "no timeout").
    public var wholeMillisecondsRoundingUp: Int {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let fromSeconds = seconds.multipliedReportingOverflow(by: 1000)
        if fromSeconds.overflow { return Int.max }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let (total, overflow) = Int(fromSeconds.partialValue).addingReportingOverflow(Int(fraction))
        return overflow ? Int.max : total
    }

    /// A short human rendering to a tenth of a second, e.g. `2.5s` (log lines).
    public var shortText: String {
        let value = (seconds * 10).rounded() / 10
        return "\(value)s"
    }
}
