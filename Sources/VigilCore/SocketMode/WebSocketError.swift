// TEMPORARY STUB — replaced by the shim delivery.
public struct WebSocketError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
