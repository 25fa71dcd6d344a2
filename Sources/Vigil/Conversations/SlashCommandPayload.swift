/// The fields of a `slash_commands` envelope's `payload` that Vigil reads. Decoding is lenient: missing strings
/// become empty, unknown keys are ignored.
struct SlashCommandPayload: Sendable, Hashable, Decodable {
    /// The envelope around it.
    struct Envelope: Decodable {
        /// The slash command.
        var payload: SlashCommandPayload
    }

    /// The command as typed (`/vigil`).
    var command: String
    /// Everything after the command; channel and user references are escaped (`<#C123|name>`) when the app
    /// enables "Escape channels, users, and links".
    var text: String
    /// Who ran it.
    var userID: String
    /// Where it was run.
    var channelID: String
    /// Where slower replies go (valid for 30 minutes, 5 uses).
    var responseURL: String
    /// For opening a modal (unused for now).
    var triggerID: String
    /// The workspace.
    var teamID: String

    private enum CodingKeys: String, CodingKey {
        case command, text
        case userID = "user_id"
        case channelID = "channel_id"
        case responseURL = "response_url"
        case triggerID = "trigger_id"
        case teamID = "team_id"
    }

    /// Decodes leniently.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func string(_ key: CodingKeys) -> String {
            ((try? container.decodeIfPresent(String.self, forKey: key)) ?? nil) ?? ""
        }
        command = string(.command)
        text = string(.text)
        userID = string(.userID)
        channelID = string(.channelID)
        responseURL = string(.responseURL)
        triggerID = string(.triggerID)
        teamID = string(.teamID)
    }
}
