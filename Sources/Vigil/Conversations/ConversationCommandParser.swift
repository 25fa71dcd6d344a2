import VigilBase

/// Turns the text of a mention, a DM or a slash command into a ``ConversationCommand``. Pure.
///
/// The first word is the command (case-insensitive, with a few aliases: `acknowledge`, `re-run`, `mute`…). In an
/// alert thread a command is only taken as one when the rest of the text fits it (`ack`, `ack please`,
/// `silence 2h`); anything else is a question, so "ack is broken?" is answered rather than acted on.
struct ConversationCommandParser: Sendable {
    /// Where the text came from.
    var context: ConversationCommand.Context

    /// Words that may follow a command without changing it ("ack please").
    private static let filler: Set<String> = ["please", "pls", "plz", "thanks", "thx", "now", "this", "it", "incident"]

    /// Parses one message (without the leading mention of Vigil).
    func parse(_ text: String) -> ConversationCommand {
        let trimmed = text.trimmed()
        let tokens = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = tokens.first else { return context == .slash ? .help : .question("") }
        let verb = Self.verb(first)
        let arguments = Array(tokens.dropFirst())
        if let command = parse(verb: verb, arguments: arguments, text: trimmed) { return command }
        return context == .slash ? .unknown(first) : .question(trimmed)
    }

    private func parse(verb: String, arguments: [String], text: String) -> ConversationCommand? {
        switch verb {
        case "help", "?", "commands", "usage":
            return .help
        case "status", "info":
            if context == .slash { return arguments.isEmpty ? .status(incidentID: nil) : nil }
            return incidentCommand(arguments) { .status(incidentID: $0) }
        case "alerts", "incidents", "open":
            if arguments.isEmpty { return .alerts(channel: nil) }
            if arguments.count == 1, let channel = ChannelReference(parsing: arguments[0]) {
                return .alerts(channel: channel)
            }
            if arguments.count == 1, arguments[0].hasPrefix("#") { return .usage(Self.unescapedChannelHelp) }
            return context == .slash ? .usage("Use `alerts` or `alerts #channel`.") : nil
        case "history":
            if context == .slash {
                let name = arguments.joined(separator: " ")
                return name.isEmpty
                    ? .usage("Use `history <alert name>`, e.g. `history HighCPU`.") : .historyByName(name)
            }
            if let command = incidentCommand(arguments, { .history(incidentID: $0) }) { return command }
            if context == .direct, !arguments.isEmpty { return .historyByName(arguments.joined(separator: " ")) }
            return nil
        case "related":
            guard context != .slash else { return nil }
            return incidentCommand(arguments) { .related(incidentID: $0) }
        case "rerun", "re-run", "recheck", "re-check", "retry":
            guard context != .slash else { return nil }
            return incidentCommand(arguments) { .rerun(incidentID: $0) }
        case "ack", "acknowledge", "acknowledged", "mine", "take":
            guard context != .slash else { return nil }
            return incidentCommand(arguments) { .acknowledge(incidentID: $0) }
        case "resolve", "resolved", "close", "fixed":
            guard context != .slash else { return nil }
            return incidentCommand(arguments) { .resolve(incidentID: $0) }
        case "silence", "mute", "snooze":
            return context == .slash ? silencePattern(arguments) : silenceIncident(arguments)
        case "unsilence", "unmute", "unsnooze":
            if context == .slash {
                guard arguments.count == 1, let id = Self.number(arguments[0]) else {
                    return .usage("Use `unsilence <id>`; `silences` lists the ids.")
                }
                return .removeSilence(id: id)
            }
            return incidentCommand(arguments) { .unsilenceIncident(incidentID: $0) }
        case "silences", "silenced":
            guard arguments.allSatisfy({ Self.filler.contains($0.lowercased()) }) else { return nil }
            return .listSilences
        case "audit":
            guard context != .alertThread else { return nil }
            if arguments.isEmpty { return .audit(limit: nil) }
            if arguments.count == 1, let count = Self.number(arguments[0]) { return .audit(limit: Int(clamping: count)) }
            return context == .slash ? .usage("Use `audit` or `audit <count>`, e.g. `audit 50`.") : nil
        case "channels", "watched":
            guard arguments.isEmpty || context == .slash else { return nil }
            return .listChannels
        case "watch", "unwatch":
            guard context == .slash else { return nil }
            guard arguments.count == 1, let channel = ChannelReference(parsing: arguments[0]) else {
                if arguments.count == 1, arguments[0].hasPrefix("#") { return .usage(Self.unescapedChannelHelp) }
                return .usage("Use `\(verb) #channel`: type `#` and pick the channel from the list.")
            }
            return verb == "watch" ? .watch(channel) : .unwatch(channel)
        case "approve", "deny":
            guard context != .slash else { return nil }
            let intent: ApprovalIntent = verb == "approve" ? .approve : .deny
            let meaningful = arguments.filter { !Self.filler.contains($0.lowercased()) }
            if meaningful.isEmpty { return .decide(intent, requestID: nil) }
            if meaningful.count == 1, let id = Self.number(meaningful[0]) {
                return .decide(intent, requestID: String(id))
            }
            return nil
        default:
            return nil
        }
    }

    /// A command that takes an optional incident id and nothing else (filler words aside).
    private func incidentCommand(
        _ arguments: [String],
        _ make: (Int64?) -> ConversationCommand
    ) -> ConversationCommand? {
        var id: Int64?
        for argument in arguments {
            if let number = Self.number(argument), id == nil {
                id = number
            } else if !Self.filler.contains(argument.lowercased()) {
                return nil
            }
        }
        return make(id)
    }

    /// `silence [id] <duration>` (thread and DM).
    private func silenceIncident(_ arguments: [String]) -> ConversationCommand? {
        var id: Int64?
        var duration: Duration?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if duration == nil, let parsed = Self.duration(argument, next: arguments[safe: index + 1]) {
                duration = parsed.duration
                index += parsed.tokens
                continue
            }
            if id == nil, let number = Self.number(argument) {
                id = number
            } else if !Self.filler.contains(argument.lowercased()), argument.lowercased() != "for" {
                return context == .alertThread
                    ? nil : .usage("Use `silence <incident id> <duration>`, e.g. `silence 42 2h` (units m, h, d).")
            }
            index += 1
        }
        guard let duration else {
            return .usage(
                context == .alertThread
                    ? "Say how long, e.g. `silence 30m`, `silence 2h` or `silence 1d`."
                    : "Use `silence <incident id> <duration>`, e.g. `silence 42 2h` (units m, h, d)."
            )
        }
        return .silenceIncident(incidentID: id, duration: duration)
    }

    /// `/vigil silence <pattern…> <duration> [reason…]`.
    private func silencePattern(_ arguments: [String]) -> ConversationCommand {
        let usage = ConversationCommand.usage(
            "Use `silence <alert name or pattern> <duration> [reason]`, e.g. `silence HighCPU* 2h deploying`."
        )
        var index = 1
        while index < arguments.count {
            if let parsed = Self.duration(arguments[index], next: arguments[safe: index + 1]) {
                let pattern = arguments[..<index].joined(separator: " ")
                var reasonWords = Array(arguments[(index + parsed.tokens)...])
                if reasonWords.first?.lowercased() == "because" || reasonWords.first == "-" {
                    reasonWords.removeFirst()
                }
                return .silencePattern(
                    pattern: pattern,
                    duration: parsed.duration,
                    reason: reasonWords.joined(separator: " ")
                )
            }
            index += 1
        }
        return usage
    }

    // MARK: - Tokens

    /// Said when a channel arrives as plain `#name`, which cannot be resolved to an id.
    static let unescapedChannelHelp =
        "I need the channel as a link: type `#` and pick it from the list, so Slack sends me its id."

    /// The command word, lower-cased, without trailing punctuation.
    static func verb(_ token: String) -> String {
        var word = token.lowercased()
        while let last = word.last, [",", ".", "!", ":", ";"].contains(last) { word.removeLast() }
        return word
    }

    /// A positive id: `42`, `#42`.
    static func number(_ token: String) -> Int64? {
        var text = Substring(token)
        if text.hasPrefix("#") { text = text.dropFirst() }
        while let last = text.last, [",", ".", "!"].contains(last) { text = text.dropLast() }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(text), value > 0 else {
            return nil
        }
        return value
    }

    /// A duration written as one token (`30m`, `2h`, `1d`, `1h30m`, `90min`, `2hours`, `1w`) or two (`2 hours`).
    static func duration(_ token: String, next: String?) -> (duration: Duration, tokens: Int)? {
        if let duration = duration(token) { return (duration, 1) }
        if let next, token.allSatisfy({ $0.isASCII && $0.isNumber }), let unit = unitSuffix(next.lowercased()),
            let duration = duration(token + unit)
        {
            return (duration, 2)
        }
        return nil
    }

    /// A duration written as one token, or `nil`.
    static func duration(_ token: String) -> Duration? {
        var text = token.lowercased()
        while let last = text.last, [",", ".", "!"].contains(last) { text.removeLast() }
        // Split into number+unit runs and normalise each unit.
        var normalised = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(letters.count)
            guard let unit = unitSuffix(String(letters)) else { return nil }
            if unit == "w" {
                guard let weeks = Int64(digits), weeks <= 52 else { return nil }
                normalised += "\(weeks * 7)d"
            } else {
                normalised += digits + unit
            }
        }
        guard let duration = Duration(configurationText: normalised), duration > .zero else { return nil }
        return duration
    }

    private static func unitSuffix(_ word: String) -> String? {
        switch word {
        case "s", "sec", "secs", "second", "seconds": "s"
        case "m", "min", "mins", "minute", "minutes": "m"
        case "h", "hr", "hrs", "hour", "hours": "h"
        case "d", "day", "days": "d"
        case "w", "wk", "wks", "week", "weeks": "w"
        default: nil
        }
    }
}

extension Array {
    /// The element at `index`, or `nil` when out of range.
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
