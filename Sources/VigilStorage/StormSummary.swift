import Foundation
/// The summary message Vigil keeps updating while a channel is in an alert storm, instead of replying per alert.
public struct StormSummary: Sendable, Hashable {
    /// The Slack team id.
    public var workspace: String
    /// The stormy channel.
    public var channel: String
    /// The `ts` of Vigil's summary message (updated with `chat.update`).
    public var messageTS: String
    /// Start of the storm window.
    public var windowStart: Date
    /// End of the storm window: alerts after it start a new summary.
    public var windowEnd: Date
    /// Alerts counted into the summary so far.
    public var alertCount: Int

    /// Creates a storm summary value.
    public init(
        workspace: String,
        channel: String,
        messageTS: String,
        windowStart: Date,
        windowEnd: Date,
        alertCount: Int
    ) {
        self.workspace = workspace
        self.channel = channel
        self.messageTS = messageTS
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.alertCount = alertCount
    }
}
