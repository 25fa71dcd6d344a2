import AlertInvestigation

/// A channel named in a command: Slack's escaped form `<#C123|name>` (slash commands with "Escape channels" on, and
/// mentions), `<#C123>`, or a bare channel id.
struct ChannelReference: Sendable, Hashable {
    /// The channel id (`C…` or `G…`).
    var id: String
    /// The channel name when Slack included it.
    var name: String?

    /// Parses one token; `nil` for anything else (including an unescaped `#name`, which cannot be resolved to an id
    /// without listing every channel).
    init?(parsing token: some StringProtocol) {
        var text = Substring(token)
        if text.hasPrefix("<#"), text.hasSuffix(">") {
            text = text.dropFirst(2).dropLast()
            let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            guard let id = parts.first, Self.isChannelID(id) else { return nil }
            self.id = String(id)
            self.name = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
            return
        }
        guard Self.isChannelID(text) else { return nil }
        self.id = String(text)
        self.name = nil
    }

    /// Creates a reference.
    init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }

    /// `<#C123>`, which Slack renders as the channel's current name.
    var mention: String { "<#\(id)>" }

    /// Whether `text` looks like a public or private channel id (`C…`/`G…`, upper-case letters and digits).
    static func isChannelID(_ text: some StringProtocol) -> Bool {
        SlackText.isSlackID(String(text), prefixes: ["C", "G"])
    }
}
