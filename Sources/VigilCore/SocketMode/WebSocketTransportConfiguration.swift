// TEMPORARY STUB — replaced by the shim delivery.
public struct WebSocketTransportConfiguration: Sendable { public init() {} }
