extension AlertStatus {
    /// Guesses a status from words, with this precedence (the first class present wins):
    /// 1. resolved words: resolved, recovered, recovery, cleared, fixed, closed;
    /// 2. neither-nor words: acknowledged/ack/acked, "no data", insufficient, silenced, muted, snoozed, updated;
    /// 3. firing words: firing, triggered, retriggered, alarm, alert, alerting, problem, down, critical, failed,
    ///    failure, failing, outage, unhealthy, breached, unreachable;
    /// 4. weak resolved words: ok, up, healthy, normal — weak because they also appear in firing text
    ///    ("200 OK expected", "CPU going up").
    ///
    /// - Returns: `nil` when no word matches.
    static func guess(fromText text: String) -> AlertStatus? {
        let words = text.lowercasedWords
        guard !words.isEmpty else { return nil }
        var hasOther = false
        var hasFiring = false
        var hasWeakResolved = false
        var previous = ""
        for word in words {
            switch word {
            case "resolved", "recovered", "recovery", "cleared", "fixed", "closed":
                return .resolved
            case "acknowledged", "ack", "acked", "insufficient", "silenced", "muted", "snoozed", "updated":
                hasOther = true
            case "data" where previous == "no":
                hasOther = true
            case "firing", "triggered", "retriggered", "alarm", "alert", "alerting", "problem", "down", "critical",
                "failed", "failure", "failing", "outage", "unhealthy", "breached", "unreachable":
                hasFiring = true
            case "ok", "up", "healthy", "normal":
                hasWeakResolved = true
            default:
                break
            }
            previous = word
        }
        if hasOther { return .other }
        if hasFiring { return .firing }
        if hasWeakResolved { return .resolved }
        return nil
    }
}
