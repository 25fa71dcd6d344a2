/// What ``SlackSimulator/sendSlashCommand(command:text:userID:channelID:to:)`` sent.
public struct SentSlashCommand: Sendable, CustomStringConvertible {
    /// The envelope id to expect in the ack.
    public let envelopeID: String
    /// The `response_url` in the payload (points at the simulator's `/response/<id>`).
    public let responseURL: String
    /// The `trigger_id` in the payload (valid for `views.open` for the configured trigger lifetime, once).
    public let triggerID: String

    public var description: String { "slash(\(self.envelopeID))" }
}
