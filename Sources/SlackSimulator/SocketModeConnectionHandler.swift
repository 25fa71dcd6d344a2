import Logging
import NIOCore
import NIOWebSocket

/// Runs one Socket Mode WebSocket connection: writes `hello`, reassembles client messages, hands them to the core
/// (acks and violations), answers pings and close frames, and reports the close.
final class SocketModeConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let core: SimulatorCore
    private let ticket: String
    private var id = 0
    private var fragments: ByteBuffer?
    private var fragmentOpcode: WebSocketOpcode = .text
    private var pingTask: RepeatedTask?
    private var sentClose = false

    /// A handler for one upgraded connection that used `ticket`.
    init(core: SimulatorCore, ticket: String) {
        self.core = core
        self.ticket = ticket
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let (id, hello) = self.core.registerConnection(channel: context.channel, ticket: self.ticket)
        self.id = id
        context.write(
            Self.wrapOutboundOut(SimulatorCore.makeFrame(.text(hello), allocator: context.channel.allocator)),
            promise: nil
        )
        let flushedAt = ContinuousClock.now
        context.flush()
        self.core.helloFlushed(connection: id, at: flushedAt)
        if let interval = self.core.configuration.pingInterval {
            let channel = context.channel
            let core = self.core
            let amount = SimulatorCore.timeAmount(interval)
            self.pingTask = channel.eventLoop.scheduleRepeatedTask(initialDelay: amount, delay: amount) { task in
                guard channel.isActive else {
                    task.cancel()
                    return
                }
                guard !core.isSilent(connection: id) else { return }
                channel.writeAndFlush(
                    SimulatorCore.makeFrame(
                        .ping("Ping from \(SimulatorCore.applinkHost)"),
                        allocator: channel.allocator
                    ),
                    promise: nil
                )
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let readAt = ContinuousClock.now
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            if frame.fin {
                self.deliver(opcode: frame.opcode, data: frame.unmaskedData, fragmented: false, readAt: readAt)
            } else {
                self.fragmentOpcode = frame.opcode
                self.fragments = frame.unmaskedData
            }
        case .continuation:
            guard var buffer = self.fragments else { return }
            var chunk = frame.unmaskedData
            if buffer.readableBytes + chunk.readableBytes > self.core.configuration.maxWebSocketFrameSize {
                self.fragments = nil
                context.close(promise: nil)
                return
            }
            buffer.writeBuffer(&chunk)
            if frame.fin {
                self.fragments = nil
                self.deliver(opcode: self.fragmentOpcode, data: buffer, fragmented: true, readAt: readAt)
            } else {
                self.fragments = buffer
            }
        case .ping:
            if self.core.clientPing(connection: self.id) {
                context.writeAndFlush(
                    Self.wrapOutboundOut(
                        SimulatorCore.makeFrame(.pong(frame.unmaskedData), allocator: context.channel.allocator)
                    ),
                    promise: nil
                )
            }
        case .pong:
            self.core.clientPong(connection: self.id)
        case .connectionClose:
            var data = frame.unmaskedData
            let code: Int? = data.readInteger(as: UInt16.self).map(Int.init)
            let echo = self.core.clientClose(connection: self.id, code: code)
            let keepOpen = self.core.configuration.keepTCPOpenAfterClientClose
            if echo, !self.sentClose {
                self.sentClose = true
                let reply = SimulatorCore.makeFrame(
                    .close(code: UInt16(code ?? 1000), reason: ""),
                    allocator: context.channel.allocator
                )
                let written = context.writeAndFlush(Self.wrapOutboundOut(reply))
                if !keepOpen {
                    written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                }
            } else if !keepOpen {
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func deliver(opcode: WebSocketOpcode, data: ByteBuffer, fragmented: Bool, readAt: ContinuousClock.Instant) {
        if opcode == .text {
            self.core.clientText(connection: self.id, bytes: data, readAt: readAt, fragmented: fragmented)
        } else {
            self.core.clientBinary(connection: self.id, byteCount: data.readableBytes, at: readAt)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.pingTask?.cancel()
        self.pingTask = nil
        self.core.connectionClosed(connection: self.id, at: .now)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.pingTask?.cancel()
        self.pingTask = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.core.logger?.debug(
            "socket mode connection error",
            metadata: ["slack.connection": "\(self.id)", "slack.error": "\(error)"]
        )
        context.close(promise: nil)
    }
}
