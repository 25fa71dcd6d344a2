import Foundation
/// A channel whose alert posts Vigil parses and investigates.
public struct WatchedChannel: Sendable, Hashable {
    /// How a channel came to be watched.
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// From an environment variable at startup.
        case environment = "env"
        /// From the configuration file.
        case configuration = "config"
        /// From a Slack command run by a person.
        case command
    }

    /// The Slack team id.
    public var workspace: String
    /// The channel id.
    public var channel: String
    /// Slack user id of whoever added it; `nil` for environment and configuration entries.
    public var addedBy: String?
    /// How it was added.
    public var source: Source
    /// When it was added.
    public var addedAt: Date

    /// Creates a watched channel value.
    public init(workspace: String, channel: String, addedBy: String?, source: Source, addedAt: Date) {
        self.workspace = workspace
        self.channel = channel
        self.addedBy = addedBy
        self.source = source
        self.addedAt = addedAt
    }
}
