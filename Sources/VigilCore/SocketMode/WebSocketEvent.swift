// TEMPORARY STUB — replaced by the shim delivery.
public struct WebSocketConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "ws#\(rawValue)" }
}
public enum WebSocketEvent: Sendable {
    case opened
    case text([UInt8])
    case binary([UInt8])
    case pong
    case oversized(byteCount: Int)
    case closed(code: Int, reason: String)
    case failed(WebSocketError)
}
