import SlackSocketMode
import SlackWebClient

/// The Web API opens Socket Mode URLs (`apps.connections.open`) for the workspace's slots. The transport layer knows
/// only the ``SocketModeURLProvider`` protocol; the daemon, which wires the two layers, supplies the conformance.
extension SlackWebAPI: SocketModeURLProvider {
    public nonisolated func openSocketModeURL() async throws -> String {
        try await openConnection()
    }
}

/// Slack's answer to `apps.connections.open` tells the slot whether to retry (``SlackAPIError/isFatal``,
/// ``SlackAPIError/retryAfter``).
extension SlackAPIError: ConnectionOpenFailure {}
