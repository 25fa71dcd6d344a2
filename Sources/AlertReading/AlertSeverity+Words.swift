import VigilBase

extension AlertSeverity {
    /// Normalises a severity, level or priority value as tools write it.
    ///
    /// critical/crit/disaster/fatal/emergency/P0/P1/SEV0/SEV1 → `critical`; high/error/major/P2/SEV2 → `high`;
    /// warning/warn/average/minor/medium/P3/SEV3 → `warning`; info/information/informational/notice/low/debug/P4/P5 →
    /// `info`. Case and surrounding punctuation are ignored (`[P1]`, `` `critical` ``, `High`).
    ///
    /// - Returns: `nil` for anything else, including Zabbix "Not classified".
    public init?(normalising value: String) {
        let key = value.lowercasedWords.joined()
        switch key {
        case "critical", "crit", "disaster", "fatal", "emergency", "emerg", "p0", "p1", "sev0", "sev1", "severity0",
            "severity1", "page":
            self = .critical
        case "high", "error", "err", "major", "p2", "sev2", "severity2":
            self = .high
        case "warning", "warn", "average", "minor", "medium", "moderate", "p3", "sev3", "severity3":
            self = .warning
        case "info", "information", "informational", "notice", "low", "debug", "p4", "p5", "sev4", "sev5",
            "severity4", "severity5":
            self = .info
        default:
            return nil
        }
    }

    /// Guesses a severity from free text: first an explicit `severity|level|priority|urgency` key (`severity:
    /// critical`, `level=error`, `priority P2`), then unambiguous words (critical, disaster, fatal, emergency,
    /// warning, warn, informational, P1–P5, SEV1–SEV5), the highest one winning.
    ///
    /// Words such as "high", "error" or "low" count only after a severity key: in free text they usually describe the
    /// metric ("High CPU", "Error rate"), not the alert.
    static func guess(fromText text: String) -> AlertSeverity? {
        let words = text.lowercasedWords
        for (index, word) in words.enumerated()
        where ["severity", "level", "priority", "urgency"].contains(word) && index + 1 < words.count {
            if let severity = AlertSeverity(normalising: words[index + 1]) { return severity }
        }
        var best: AlertSeverity?
        for word in words {
            let found: AlertSeverity?
            switch word {
            case "critical", "disaster", "fatal", "emergency", "p1", "sev1": found = .critical
            case "p2", "sev2": found = .high
            case "warning", "warn", "p3", "sev3": found = .warning
            case "informational", "p4", "p5", "sev4", "sev5": found = .info
            default: found = nil
            }
            if let found, found > (best ?? .unknown) { best = found }
        }
        return best
    }
}
