import VigilBase

/// Reads an approver's free-text reply to an approval request as yes, no or unclear. Pure and deterministic.
///
/// The rules, in order:
/// 1. Emoji and shortcodes become words: 👍 `:+1:` `:thumbsup:` ✅ `:white_check_mark:` `:ok_hand:` are a yes;
///    👎 `:-1:` `:thumbsdown:` ❌ `:x:` are a no; skin tones and other shortcodes are dropped.
/// 2. A question mark, or more than ``maximumWords`` words, is unclear: a long or questioning reply is not a decision.
/// 3. The words are matched against phrase lists, longest phrase first (so "no problem" is a yes, "not sure" is a
///    hedge and "absolutely not" a no).
/// 4. A negation ("don't", "do not", "not", "never", "won't", "can't", "isn't") up to two words before a yes turns it
///    into a no ("don't approve", "do not go ahead", "not approved"). A negated no ("don't stop", "don't cancel") is a
///    double negative and unclear. A lone "don't"/"do not"/"never" is a no; a lone "not"/"won't"/"isn't" is unclear
///    ("isn't it risky" is a question without its question mark).
/// 5. Any hedge ("maybe", "wait", "but", "should", "wouldn't", "why", "not sure", "hold on"…) makes it unclear.
/// 6. Only yeses → approve; only noes → deny; both or neither → unclear.
public struct ApprovalIntentDetector: Sendable {
    /// Replies longer than this many words are unclear.
    public var maximumWords: Int

    /// Creates a detector.
    ///
    /// - Parameter maximumWords: Replies longer than this are unclear (default 12).
    public init(maximumWords: Int = 12) {
        self.maximumWords = maximumWords
    }

    /// Reads one reply.
    ///
    /// - Parameter text: The reply as typed (Slack mrkdwn; a leading mention of Vigil should already be removed).
    /// - Returns: The intent.
    public func detect(_ text: String) -> ApprovalIntent {
        let normalised = Self.normalise(text)
        if normalised.contains("?") { return .unclear }
        let words = Self.words(normalised)
        guard !words.isEmpty, words.count <= maximumWords else { return .unclear }

        var signals: [(kind: Kind, start: Int, end: Int)] = []
        var index = 0
        while index < words.count {
            if let match = Self.longestPhrase(in: words, at: index) {
                signals.append((match.kind, index, index + match.length))
                index += match.length
            } else {
                index += 1
            }
        }

        var approvals = 0
        var denials = 0
        var unclear = false
        // A negation waits for the yes or no it applies to; unbound, it stands on its own.
        var pendingNegation: (end: Int, weak: Bool)? = nil
        func settleUnboundNegation() {
            guard let negation = pendingNegation else { return }
            if negation.weak { unclear = true } else { denials += 1 }
            pendingNegation = nil
        }
        for signal in signals {
            switch signal.kind {
            case .hedge:
                unclear = true
            case .negation, .weakNegation:
                settleUnboundNegation()
                pendingNegation = (signal.end, signal.kind == .weakNegation)
            case .approve, .deny:
                if let negation = pendingNegation, signal.start - negation.end <= 2 {
                    pendingNegation = nil
                    // "don't approve" is a no; "don't stop" is a double negative, which is never guessed.
                    if signal.kind == .approve { denials += 1 } else { unclear = true }
                } else {
                    settleUnboundNegation()
                    if signal.kind == .approve { approvals += 1 } else { denials += 1 }
                }
            }
        }
        settleUnboundNegation()
        if unclear { return .unclear }
        if approvals > 0, denials == 0 { return .approve }
        if denials > 0, approvals == 0 { return .deny }
        return .unclear
    }

    // MARK: - Phrases

    private enum Kind {
        case approve, deny, hedge
        /// Binds to a following yes/no; alone it is a no ("don't", "never").
        case negation
        /// Binds to a following yes/no; alone it is unclear ("not").
        case weakNegation
    }

    private static let phrases: [(words: [String], kind: Kind)] = {
        var table: [(String, Kind)] = []
        for phrase in [
            "approve", "approved", "approving", "i approve", "approve it", "yes", "yep", "yeah", "yup", "ya", "aye",
            "go ahead", "go for it", "good to go", "lgtm", "looks good", "look good", "sounds good", "ship it", "do it",
            "just do it", "please do", "run it", "+1", "ok", "okay", "k", "kk", "sure", "of course", "absolutely",
            "definitely", "confirm", "confirmed", "proceed", "granted", "allow", "allowed", "accept", "accepted",
            "green light", "no problem", "no problems", "no worries", "no objection", "no objections", "y",
        ] {
            table.append((phrase, .approve))
        }
        for phrase in [
            "deny", "denied", "denying", "i deny", "no", "nope", "nah", "nay", "n", "stop", "stop it", "cancel",
            "cancelled", "canceled", "reject", "rejected", "decline", "declined", "abort", "veto", "disapprove",
            "disapproved", "-1", "no way", "hell no", "not a chance", "no thanks", "no thank you", "absolutely not",
            "definitely not", "of course not",
            "certainly not", "not now", "not yet", "hold off", "don't run it", "do not run it", "dont run it",
        ] {
            table.append((phrase, .deny))
        }
        for phrase in [
            "maybe", "perhaps", "possibly", "probably", "not sure", "unsure", "no idea", "don't know", "dont know",
            "do not know", "dunno", "wait", "hold on", "hang on", "later", "depends", "it depends", "hmm", "hm",
            "um", "uh", "but", "except", "unless", "if", "only if", "should", "shouldn't", "shouldnt", "would",
            "wouldn't", "wouldnt", "could", "couldn't", "couldnt", "might", "why", "what", "how", "who", "which",
            "when", "let me", "let me check", "i think", "not really", "kind of", "sort of", "either", "never mind",
            "nevermind",
        ] {
            table.append((phrase, .hedge))
        }
        for phrase in [
            "don't", "dont", "do not", "please don't", "please dont", "please do not", "never",
        ] {
            table.append((phrase, .negation))
        }
        for phrase in [
            "not", "won't", "wont", "will not", "can't", "cant", "cannot", "can not", "mustn't", "must not",
            "doesn't", "doesnt", "does not", "didn't", "didnt", "did not", "isn't", "isnt", "is not", "aren't",
            "are not",
        ] {
            table.append((phrase, .weakNegation))
        }
        return
            table
            .map { (words: $0.0.split(separator: " ").map(String.init), kind: $0.1) }
            .sorted { $0.words.count > $1.words.count }
    }()

    private static func longestPhrase(in words: [String], at index: Int) -> (kind: Kind, length: Int)? {
        for phrase in phrases where index + phrase.words.count <= words.count {
            if Array(words[index..<(index + phrase.words.count)]) == phrase.words {
                return (phrase.kind, phrase.words.count)
            }
        }
        return nil
    }

    // MARK: - Normalisation

    /// Lower-cased text with emoji and shortcodes turned into `+1`/`-1`, curly apostrophes straightened and
    /// Slack mentions removed.
    static func normalise(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x1F44D, 0x2705, 0x1F44C, 0x2714: result += " +1 "  // 👍 ✅ 👌 ✔
            case 0x1F44E, 0x274C, 0x1F6AB, 0x26D4: result += " -1 "  // 👎 ❌ 🚫 ⛔
            case 0x1F3FB...0x1F3FF, 0xFE0F: continue  // skin tones, emoji presentation selector
            case 0x2019, 0x2018, 0x02BC: result += "'"
            default: result.unicodeScalars.append(scalar)
            }
        }
        result = result.lowercased()
        return replacingShortcodes(in: removingMentions(in: result))
    }

    private static let shortcodes: [String: String] = [
        "+1": "+1", "thumbsup": "+1", "thumbs_up": "+1", "white_check_mark": "+1", "heavy_check_mark": "+1",
        "ok_hand": "+1", "ok": "ok", "-1": "-1", "thumbsdown": "-1", "thumbs_down": "-1", "x": "-1",
        "no_entry": "-1", "no_entry_sign": "-1", "octagonal_sign": "-1",
    ]

    /// Replaces `:name:` shortcodes: known ones by their word, others (and skin tones) by a space.
    private static func replacingShortcodes(in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let colon = rest.firstIndex(of: ":") {
            result += rest[..<colon]
            let afterColon = rest.index(after: colon)
            let candidate = rest[afterColon...].prefix {
                $0.isLetter || $0.isNumber || $0 == "_" || $0 == "+" || $0 == "-"
            }
            let end = rest.index(afterColon, offsetBy: candidate.count)
            if !candidate.isEmpty, end < rest.endIndex, rest[end] == ":" {
                result += " " + (shortcodes[String(candidate)] ?? "") + " "
                rest = rest[rest.index(after: end)...]
            } else {
                result += ":"
                rest = rest[afterColon...]
            }
        }
        result += rest
        return result
    }

    /// Removes `<@U…>` and `<@U…|name>` mentions.
    private static func removingMentions(in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            result += rest[..<open]
            let after = rest.index(after: open)
            guard after < rest.endIndex, rest[after] == "@", let close = rest[after...].firstIndex(of: ">") else {
                result.append("<")
                rest = rest[after...]
                continue
            }
            result += " "
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// Splits normalised text into words: letters, digits, apostrophes, and the `+1`/`-1` tokens.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        func flush() {
            var word = current
            while word.hasPrefix("'") { word.removeFirst() }
            while word.hasSuffix("'") { word.removeLast() }
            if !word.isEmpty { words.append(word) }
            current = ""
        }
        for character in text {
            if character.isLetter || character.isNumber || character == "'" {
                current.append(character)
            } else if character == "+" || character == "-", current.isEmpty {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        // Only "+1" and "-1" keep a sign; elsewhere "+" and "-" are punctuation.
        return words.compactMap { word in
            guard word.hasPrefix("+") || word.hasPrefix("-"), word != "+1", word != "-1" else { return word }
            let unsigned = String(word.drop { $0 == "+" || $0 == "-" })
            return unsigned.isEmpty ? nil : unsigned
        }
    }
}
