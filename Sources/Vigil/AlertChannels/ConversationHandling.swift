import AlertReading
import VigilBase

/// What the router hands to the conversation layer: people talking to Vigil.
public protocol ConversationHandling: Sendable {
    /// An `app_mention`, or a person's message in a DM with Vigil.
    func handleMessage(_ message: SlackMessage, isMention: Bool) async
    /// A slash command; the returned payload (if any) goes into the ack when it is ready in time.
    func handleSlashCommand(frame: [UInt8]) async -> JSONValue?
    /// A Block Kit interaction (buttons); the returned payload (if any) goes into the ack.
    func handleInteraction(frame: [UInt8]) async -> JSONValue?
}
