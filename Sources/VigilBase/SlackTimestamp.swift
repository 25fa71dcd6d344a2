/// Slack message timestamps (`ts`, `"1700000000.000100"`): seconds and microseconds as text, unique per channel.
/// Compared numerically, never as strings; used by the store's cursors and by catch-up.
public enum SlackTimestamp {
    /// The Slack `ts` one microsecond before `ts` (`1700000000.000100` → `1700000000.000099`), or `nil` when `ts` is
    /// not a Slack timestamp.
    public static func justBefore(_ ts: String) -> String? {
        let pieces = ts.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let seconds = Int64(pieces[0]), seconds >= 0 else { return nil }
        var fraction = pieces.count > 1 ? String(pieces[1].prefix(6)) : ""
        while fraction.count < 6 { fraction += "0" }
        guard let micros = Int64(fraction) else { return nil }
        let total = seconds * 1_000_000 + micros - 1
        guard total >= 0 else { return nil }
        let digits = String(total % 1_000_000)
        return "\(total / 1_000_000)." + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Whether `lhs` is earlier than `rhs`, compared numerically (`"9.5" < "10.1"`, trailing zeros ignored).
    public static func isBefore(_ lhs: String, _ rhs: String) -> Bool {
        func parts(_ ts: String) -> (seconds: String, fraction: String) {
            let pieces = ts.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let seconds = String(pieces[0].drop(while: { $0 == "0" }))
            var fraction = pieces.count > 1 ? String(pieces[1]) : ""
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return (seconds, fraction)
        }
        let (lhsSeconds, lhsFraction) = parts(lhs)
        let (rhsSeconds, rhsFraction) = parts(rhs)
        if lhsSeconds.count != rhsSeconds.count { return lhsSeconds.count < rhsSeconds.count }
        if lhsSeconds != rhsSeconds { return lhsSeconds < rhsSeconds }
        return lhsFraction < rhsFraction
    }
}
