// TEMPORARY STUB — replaced by the shim delivery.
import Logging
public final class WebSocketTransport: Sendable {
    public init(configuration: WebSocketTransportConfiguration, logger: Logger) throws(WebSocketError) {}
    public func connect(url: String, handler: @escaping @Sendable (WebSocketConnectionID, WebSocketEvent) -> Void) throws(WebSocketError) -> WebSocketConnectionID { fatalError() }
    public func send(text: [UInt8], on id: WebSocketConnectionID) -> Bool { false }
    public func ping(on id: WebSocketConnectionID) {}
    public func close(_ id: WebSocketConnectionID, code: Int, reason: String) {}
    public func abort(_ id: WebSocketConnectionID) {}
    public func shutdown() async {}
}
