/// Identifies one connection of a ``WebSocketTransport``.
///
/// The transport assigns ids in increasing order and never reuses one within a transport. An id outlives its
/// connection: after the connection's final event (``WebSocketEvent/closed(code:reason:)`` or
/// ``WebSocketEvent/failed(_:)``) operations on it simply report failure.
public struct WebSocketConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// The shim's connection id.
    public let rawValue: UInt64

    /// Wraps a shim connection id.
    /// - Parameter rawValue: The id returned by the C shim.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// `ws#<id>`, for logs.
    public var description: String { "ws#\(rawValue)" }
}
