/// A snapshot of one Socket Mode connection as the simulator sees it.
public struct SocketModeConnectionInfo: Sendable, CustomStringConvertible {
    /// Where a connection is in its life.
    public enum State: String, Sendable, Hashable {
        /// Upgraded, `hello` not yet written.
        case opening
        /// `hello` was written; the connection receives envelopes and answers pings.
        case live
        /// Made silent by ``SlackSimulator/setSilent(_:_:)``: the TCP connection is open and envelopes are still
        /// routed to it, but nothing is written (a "ghost" connection). Reads are still processed.
        case silent
        /// The TCP connection is closed.
        case closed
    }

    /// The connection's identifier.
    public let id: SocketModeConnectionID
    /// The current state.
    public let state: State
    /// The single-use ticket the client connected with.
    public let ticket: String
    /// When the upgrade completed.
    public let acceptedAt: ContinuousClock.Instant
    /// When `hello` was handed to the channel flush (the moment the connection became live).
    public let openedAt: ContinuousClock.Instant?
    /// When the TCP connection closed.
    public let closedAt: ContinuousClock.Instant?
    /// The close code of the client's WebSocket close frame, if it sent one.
    public let clientCloseCode: Int?
    /// The reason of the last `disconnect` frame the simulator sent on this connection, if any.
    public let disconnectReasonSent: SocketModeDisconnectReason?
    /// Whether the simulator (not the client) closed the TCP connection (``SlackSimulator/cutTCP(_:)``, the end of a
    /// disconnect grace period, or shutdown).
    public let closedByServer: Bool
    /// The `num_connections` value written in this connection's `hello`.
    public let helloNumConnections: Int?
    /// Envelopes routed to this connection (including ones swallowed while silent).
    public let envelopesRouted: Int
    /// Ack frames read from this connection.
    public let acksReceived: Int
    /// WebSocket pings received from the client.
    public let pingsReceived: Int
    /// WebSocket pongs received from the client.
    public let pongsReceived: Int

    /// Whether the connection is open (live or silent).
    public var isOpen: Bool { self.state == .live || self.state == .silent || self.state == .opening }

    public var description: String {
        "\(self.id)(\(self.state.rawValue), routed: \(self.envelopesRouted), acks: \(self.acksReceived))"
    }
}
