extension Duration {
    /// The duration in whole milliseconds, rounded up, at least 1 for any positive duration and clamped to `Int`.
    var wholeMillisecondsRoundingUp: Int {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let fromSeconds = seconds.multipliedReportingOverflow(by: 1000)
        if fromSeconds.overflow { return Int.max }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let (total, overflow) = Int(fromSeconds.partialValue).addingReportingOverflow(Int(fraction))
        return overflow ? Int.max : total
    }

    /// The duration in seconds as a `Double`.
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
