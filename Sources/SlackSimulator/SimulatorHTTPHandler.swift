import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Reads HTTP/1.1 requests (keep-alive, pipelined requests are serialised by NIO's pipelining handler) and writes
/// the simulator's answers, honouring delays, dropped connections and hangs.
final class SimulatorHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The largest request body accepted.
    static let maxBodyBytes = 16 * 1024 * 1024

    private let core: SimulatorCore
    private let connectionNumber: Int
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false

    /// A handler for one TCP connection, numbered from 1 in accept order.
    init(core: SimulatorCore, connectionNumber: Int) {
        self.core = core
        self.connectionNumber = connectionNumber
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = nil
            self.tooLarge = false
        case .body(var chunk):
            if (self.body?.readableBytes ?? 0) + chunk.readableBytes > Self.maxBodyBytes {
                self.tooLarge = true
            } else if self.body == nil {
                self.body = chunk
            } else {
                self.body!.writeBuffer(&chunk)
            }
        case .end:
            let receivedAt = ContinuousClock.now
            guard let head = self.head else { return }
            self.head = nil
            let bodyText = self.body.map { String(buffer: $0) } ?? ""
            self.body = nil
            if self.tooLarge {
                self.respond(.text("request body too large\n", status: .payloadTooLarge), head: head, context: context)
                return
            }
            let request = SimulatedHTTPExchange.Request(
                head: head,
                body: bodyText,
                httpConnection: self.connectionNumber,
                receivedAt: receivedAt
            )
            let reply = self.core.handle(request)
            switch reply.disposition {
            case .respond:
                if let delay = reply.delay {
                    context.eventLoop.assumeIsolated().scheduleTask(in: SimulatorCore.timeAmount(delay)) {
                        self.respond(reply, head: head, context: context)
                    }
                } else {
                    self.respond(reply, head: head, context: context)
                }
            case .dropConnection:
                context.close(promise: nil)
            case .hang:
                break
            }
        }
    }

    private func respond(_ reply: SimulatedHTTPExchange.Reply, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let keepAlive = head.isKeepAlive
        var headers = HTTPHeaders(reply.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.utf8.count))
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        headers.replaceOrAdd(name: "Server", value: "SlackSimulator")
        let responseHead = HTTPResponseHead(version: head.version, status: reply.status, headers: headers)
        context.write(Self.wrapOutboundOut(.head(responseHead)), promise: nil)
        if !reply.body.isEmpty {
            context.write(
                Self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: reply.body)))),
                promise: nil
            )
        }
        let done = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A declined WebSocket upgrade (unknown or reused ticket) is reported here before the request is passed on
        // as a plain GET, which `handle` answers with 401/409.
        if error is NIOWebSocketUpgradeError { return }
        context.close(promise: nil)
    }
}
