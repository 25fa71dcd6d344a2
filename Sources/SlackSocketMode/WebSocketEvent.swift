/// Something that happened on one WebSocket connection.
///
/// Events for a connection are delivered in order, on the transport's service thread. Each connection produces
/// at most one ``opened`` and then exactly one final event, ``closed(code:reason:)`` or ``failed(_:)``; nothing
/// follows the final event.
public enum WebSocketEvent: Sendable {
    /// The handshake completed; frames can be sent.
    case opened
    /// A complete text message (fragments reassembled). The bytes are the raw UTF-8 payload.
    case text([UInt8])
    /// A complete binary message.
    case binary([UInt8])
    /// The peer answered a ping. Pings the *peer* sends are answered automatically and not reported.
    case pong
    /// A message larger than ``WebSocketTransportConfiguration/maxMessageBytes`` arrived and was discarded.
    /// The connection stays open.
    /// - Parameter byteCount: The size of the discarded message.
    case oversized(byteCount: Int)
    /// The connection closed after it had opened. Final event.
    ///
    /// `code` is the peer's close code if the peer closed (1005 when its close frame had no code), the code
    /// passed to ``WebSocketTransport/close(_:code:reason:)`` if we closed, 1001 if the transport shut down,
    /// and 1006 if the TCP connection dropped or was aborted.
    case closed(code: Int, reason: String)
    /// The connection never opened (DNS, TCP, proxy, TLS, HTTP upgrade, timeout or cancellation). Final event.
    case failed(WebSocketError)
}
