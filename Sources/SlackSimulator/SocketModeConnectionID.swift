/// Identifies one Socket Mode WebSocket connection accepted by a ``SlackSimulator``.
///
/// Identifiers are assigned in accept order starting at 1 and are never reused within one simulator.
public struct SocketModeConnectionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The sequence number of the connection (1 for the first one accepted).
    public let rawValue: Int

    /// Wraps a raw sequence number.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "ws#\(self.rawValue)" }
}
