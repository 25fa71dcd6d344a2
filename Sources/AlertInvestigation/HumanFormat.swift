import Foundation
import VigilBase

/// Short, locale-free renderings of durations, counts and dates for messages ("14 min", "3rd", "2 h ago").
package enum HumanFormat {
    /// A compact duration: `850 ms`, `4.2 s`, `45 s`, `2 min 5 s`, `14 min`, `2 h 5 min`, `3 d 4 h`.
    package static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let totalMilliseconds = max(0, seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
        if totalMilliseconds < 1_000 { return "\(totalMilliseconds) ms" }
        if totalMilliseconds < 10_000 {
            let tenths = (totalMilliseconds + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
        let total = (totalMilliseconds + 500) / 1_000
        if total < 60 { return "\(total) s" }
        if total < 600 {
            let minutes = total / 60
            let rest = total % 60
            return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s"
        }
        if total < 3_600 { return "\((total + 30) / 60) min" }
        if total < 86_400 {
            let minutes = (total + 30) / 60
            let hours = minutes / 60
            let rest = minutes % 60
            return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min"
        }
        let hoursTotal = (total + 1_800) / 3_600
        let days = hoursTotal / 24
        let rest = hoursTotal % 24
        return rest == 0 ? "\(days) d" : "\(days) d \(rest) h"
    }

    /// The time between two dates as a duration (zero when `end` precedes `start`).
    package static func between(_ start: Date, _ end: Date) -> Duration {
        let interval = end.timeIntervalSince(start)
        return interval > 0 ? .milliseconds(Int64((interval * 1_000).rounded())) : .zero
    }

    /// `2 h ago`, or `just now` under a second.
    package static func ago(_ date: Date, now: Date) -> String {
        let elapsed = between(date, now)
        return elapsed < .seconds(1) ? "just now" : "\(duration(elapsed)) ago"
    }

    /// An English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…
    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 100, number % 10) {
        case (11...13, _): suffix = "th"
        case (_, 1): suffix = "st"
        case (_, 2): suffix = "nd"
        case (_, 3): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }

    /// `2025-01-02 13:04 UTC`.
    package static func utc(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3_600)):\(two(secondOfDay % 3_600 / 60)) UTC"
    }

    /// `1 alert` / `3 alerts`.
    package static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : (plural ?? singular + "s"))"
    }
}
