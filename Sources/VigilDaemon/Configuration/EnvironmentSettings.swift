import Foundation
import Logging
import VigilBase

/// The settings of the outside contract (environment variables and systemd credentials), validated.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SLACK_APP_TOKEN` | app-level token `xapp-…` | required (or credential `slack-app-token`) |
/// | `SLACK_BOT_TOKEN` | bot token `xoxb-…` | required (or credential `slack-bot-token`) |
/// | `SLACK_API_URL` | Web API base URL | `https://slack.com/api/` |
/// | `VIGIL_ALERT_CHANNELS` | comma-separated channel IDs | none |
/// | `VIGIL_STATE_DIR` | folder for the embedded database | `$STATE_DIRECTORY`, else `./.vigil` |
/// | `VIGIL_CONNECTIONS` | Socket Mode connections, 1–10 | 2 |
/// | `VIGIL_CA_FILE` | extra PEM CA bundle for HTTPS and WSS | none |
/// | `VIGIL_LOG_LEVEL` | trace, debug, info, notice, warning, error, critical | info |
///
/// Environment variables win over credentials: `$CREDENTIALS_DIRECTORY/slack-app-token` and `slack-bot-token` are
/// read only when the variable is unset.
public struct EnvironmentSettings: Sendable {
    public var appToken: String?
    public var botToken: String?
    public var apiURL: String
    public var alertChannels: [String]
    public var stateDirectory: String
    public var connections: Int
    public var caFile: String?
    public var logLevel: Logger.Level

    /// Reads and validates the settings.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - requireTokens: `false` for commands that need no Slack access (`demo`).
    ///   - readFile: reads a credential file; injectable for tests.
    /// - Throws: ``ConfigurationError`` naming the variable at fault.
    public init(
        environment: [String: String],
        requireTokens: Bool = true,
        readFile: (String) -> String? = EnvironmentSettings.readTextFile
    ) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmed(), !raw.isEmpty else {
                return nil
            }
            return raw
        }
        func credential(_ name: String) -> String? {
            guard let directory = value("CREDENTIALS_DIRECTORY") else { return nil }
            return readFile(directory + "/" + name)?.trimmed()
        }

        appToken = value("SLACK_APP_TOKEN") ?? credential("slack-app-token")
        botToken = value("SLACK_BOT_TOKEN") ?? credential("slack-bot-token")
        if requireTokens {
            guard let appToken else {
                throw ConfigurationError(key: "SLACK_APP_TOKEN", problem: "not set; give the app-level token (xapp-…) in the environment or as the systemd credential slack-app-token")
            }
            guard appToken.hasPrefix("xapp-") else {
                throw ConfigurationError(key: "SLACK_APP_TOKEN", problem: "is not an app-level token (it must start with xapp-; create one under Basic Information → App-Level Tokens with connections:write)")
            }
            guard let botToken else {
                throw ConfigurationError(key: "SLACK_BOT_TOKEN", problem: "not set; give the bot token (xoxb-…) in the environment or as the systemd credential slack-bot-token")
            }
            guard botToken.hasPrefix("xoxb-") else {
                throw ConfigurationError(key: "SLACK_BOT_TOKEN", problem: "is not a bot token (it must start with xoxb-; see OAuth & Permissions → Bot User OAuth Token)")
            }
        }

        var apiURL = value("SLACK_API_URL") ?? "https://slack.com/api/"
        guard apiURL.hasPrefix("https://") || apiURL.hasPrefix("http://") else {
            throw ConfigurationError(key: "SLACK_API_URL", problem: "must be an http(s) URL such as https://slack.com/api/")
        }
        if !apiURL.hasSuffix("/") { apiURL += "/" }
        self.apiURL = apiURL

        alertChannels = (value("VIGIL_ALERT_CHANNELS") ?? "")
            .split(separator: ",")
            .map { $0.trimmed() }
            .filter { !$0.isEmpty }
        for channel in alertChannels where !Self.isChannelID(channel) {
            throw ConfigurationError(key: "VIGIL_ALERT_CHANNELS", problem: "\"\(channel)\" is not a channel ID (IDs look like C0123ABCD; names are not accepted because they can change)")
        }

        stateDirectory = value("VIGIL_STATE_DIR") ?? value("STATE_DIRECTORY").map { String($0.split(separator: ":").first ?? "") } ?? "./.vigil"

        if let raw = value("VIGIL_CONNECTIONS") {
            guard let count = Int(raw), (1...10).contains(count) else {
                throw ConfigurationError(key: "VIGIL_CONNECTIONS", problem: "must be a whole number from 1 to 10 (Slack allows 10 connections per app), got \"\(raw)\"")
            }
            connections = count
        } else {
            connections = 2
        }

        caFile = value("VIGIL_CA_FILE")
        if let caFile, readFile(caFile) == nil {
            throw ConfigurationError(key: "VIGIL_CA_FILE", problem: "cannot read \(caFile); give a readable PEM bundle or unset the variable")
        }

        if let raw = value("VIGIL_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                throw ConfigurationError(key: "VIGIL_LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical; got \"\(raw)\"")
            }
            logLevel = level
        } else {
            logLevel = .info
        }
    }

    /// Whether `text` looks like a Slack conversation ID (public `C…`, private `G…`, or DM `D…`).
    public static func isChannelID(_ text: String) -> Bool {
        guard let first = text.first, "CGD".contains(first), text.count >= 9, text.count <= 20 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    /// Reads a small text file, or returns `nil` when it cannot be read.
    public static func readTextFile(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
