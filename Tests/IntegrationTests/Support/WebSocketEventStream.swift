import Foundation
import Logging
import Testing
import SlackSocketMode

/// The events of one ``WebSocketTransport`` connection as an async sequence, finished after the final event.
struct WebSocketEventStream {
    /// An `Equatable` view of ``WebSocketEvent`` for assertions (errors compare by kind).
    enum Seen: Equatable, CustomStringConvertible {
        case opened
        case text(String)
        case binary([UInt8])
        case pong
        case oversized(Int)
        case closed(Int, String)
        case failed(WebSocketError)
        /// The stream finished (after the final event).
        case end

        init(_ event: WebSocketEvent?) {
            switch event {
            case .opened: self = .opened
            case .text(let bytes): self = .text(String(decoding: bytes, as: UTF8.self))
            case .binary(let bytes): self = .binary(bytes)
            case .pong: self = .pong
            case .oversized(let n): self = .oversized(n)
            case .closed(let code, let reason): self = .closed(code, reason)
            case .failed(let error): self = .failed(error)
            case nil: self = .end
            }
        }

        var description: String {
            switch self {
            case .text(let s): s.count > 80 ? "text(\(s.count) chars)" : "text(\(s))"
            case .binary(let b): "binary(\(b.count) bytes)"
            case .opened: "opened"
            case .pong: "pong"
            case .oversized(let n): "oversized(\(n))"
            case .closed(let c, let r): "closed(\(c), \(r))"
            case .failed(let e): "failed(\(e))"
            case .end: "end"
            }
        }
    }

    /// The connection.
    let id: WebSocketConnectionID
    private var iterator: AsyncStream<WebSocketEvent>.Iterator

    init(id: WebSocketConnectionID, stream: AsyncStream<WebSocketEvent>) {
        self.id = id
        self.iterator = stream.makeAsyncIterator()
    }

    /// The next event, as an `Equatable` value (`.end` after the final event).
    mutating func next() async -> Seen { Seen(await iterator.next()) }

    /// The next event as delivered.
    mutating func nextRaw() async -> WebSocketEvent? { await iterator.next() }

    /// Awaits the next event and records an issue (showing the actual event) if it differs.
    mutating func expect(_ expected: Seen, sourceLocation: SourceLocation = #_sourceLocation) async {
        let actual = await next()
        #expect(actual == expected, "got \(actual)", sourceLocation: sourceLocation)
    }

    /// Everything left until the stream ends (returns at once if the final event was already delivered).
    mutating func remaining() async -> [Seen] {
        var events: [Seen] = []
        while true {
            let event = await next()
            if event == .end { return events }
            events.append(event)
        }
    }
}

extension WebSocketTransport {
    /// Connects and collects the connection's events into a ``WebSocketEventStream``.
    /// - Parameter onEvent: Also called on the service thread for each event, before it is queued.
    func open(
        _ url: String,
        onEvent: (@Sendable (WebSocketTransport, WebSocketConnectionID, WebSocketEvent) -> Void)? = nil
    ) throws -> WebSocketEventStream {
        let (stream, continuation) = AsyncStream.makeStream(of: WebSocketEvent.self)
        let id = try connect(url: url) { [self] id, event in
            onEvent?(self, id, event)
            continuation.yield(event)
            switch event {
            case .closed, .failed: continuation.finish()
            default: break
            }
        }
        return WebSocketEventStream(id: id, stream: stream)
    }
}

/// A stderr logger at `.warning`, or `.debug` with `CSS_LOG=debug`; never bootstraps the logging system.
func webSocketTestLogger() -> Logger {
    var logger = Logger(label: "vigil.test.websocket") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = ProcessInfo.processInfo.environment["CSS_LOG"] == "debug" ? .debug : .warning
    return logger
}
