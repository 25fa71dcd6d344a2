/// What a free-text question in an alert thread is about, by keywords. Pure; several can apply at once.
///
/// | intent | words |
/// |---|---|
/// | ``history`` | before, happened, history, last time, again, often, previous, usually |
/// | ``related`` | else, related, other, others, similar, correlated |
/// | ``runbook`` | fix, runbook, check, checks, probe, probes, how, steps, solve, debug |
/// | ``ownership`` | who, ack, acked, acknowledged, owner, owns, assigned, on it, looking |
/// | ``cause`` | why, cause, caused, root, reason |
///
/// Words are matched whole (so "other" does not match "another"); "ack…" and "check…" also match as prefixes.
enum QuestionIntent: String, Sendable, Hashable, CaseIterable {
    /// Earlier occurrences.
    case history
    /// Other alerts around it.
    case related
    /// How to fix it: runbook links and checks.
    case runbook
    /// Who is on it.
    case ownership
    /// Why it happens (which Vigil does not know).
    case cause

    /// The intents of `text`, in the order above; empty when none applies.
    static func intents(of text: String) -> [QuestionIntent] {
        let words = ApprovalIntentDetector.words(text.lowercased())
        let joined = " " + words.joined(separator: " ") + " "
        func has(_ word: String) -> Bool { joined.contains(" \(word) ") }
        func hasPrefix(_ prefix: String) -> Bool { words.contains { $0.hasPrefix(prefix) } }
        var intents: [QuestionIntent] = []
        if ["before", "happened", "history", "again", "often", "previous", "previously", "usually", "last time"]
            .contains(where: has)
        {
            intents.append(.history)
        }
        if ["else", "related", "other", "others", "similar", "correlated"].contains(where: has) {
            intents.append(.related)
        }
        if ["fix", "runbook", "runbooks", "how", "steps", "solve", "debug", "probe", "probes"].contains(where: has)
            || hasPrefix("check")
        {
            intents.append(.runbook)
        }
        if ["who", "owner", "owns", "assigned", "on it", "looking"].contains(where: has) || hasPrefix("ack") {
            intents.append(.ownership)
        }
        if ["why", "cause", "caused", "causing", "root", "reason"].contains(where: has) {
            intents.append(.cause)
        }
        return intents
    }
}
