import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import Synchronization

/// The shared engine behind ``SlackSimulator``: state under one `Mutex`, the event loops, and the plumbing for
/// effects, timers and async waits. The Web API and Socket Mode logic live in extensions.
final class SimulatorCore: Sendable {
    /// The configuration the simulator was started with.
    let configuration: SlackSimulator.Configuration
    /// Where debug logs go; `nil` for none.
    let logger: Logger?
    /// The server's event loops (owned; shut down by ``shutdown(server:)``).
    let group: MultiThreadedEventLoopGroup
    /// The loop that runs the ack-deadline timer and wait timeouts.
    let timerLoop: any EventLoop
    /// Generates envelope ids, event ids, tickets and the like.
    let ids = SimulatorIDGenerator()
    /// All mutable state.
    let state: Mutex<SimulatorState>

    /// Creates the engine and its event loops (not yet listening).
    init(configuration: SlackSimulator.Configuration, logger: Logger?) {
        self.configuration = configuration
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        self.timerLoop = self.group.next()
        self.state = Mutex(SimulatorState(configuration: configuration))
    }

    // MARK: State access

    /// Reads the state under the lock.
    func read<R: Sendable>(_ body: (borrowing SimulatorState) -> R) -> R {
        self.state.withLock { state in body(state) }
    }

    /// Mutates the state under the lock, then resumes ready waiters and performs the collected effects.
    @discardableResult
    func mutate<R: Sendable, E: Error>(
        _ body: (inout SimulatorState, inout SimulatorEffects) throws(E) -> R
    ) throws(E) -> R {
        let (result, effects) = try self.state.withLock { (state) throws(E) -> (R, SimulatorEffects) in
            var effects = SimulatorEffects()
            let result = try body(&state, &effects)
            effects.resumptions += state.collectReadyWaiters()
            return (result, effects)
        }
        self.perform(effects)
        return result
    }

    /// Performs effects collected under the lock.
    func perform(_ effects: SimulatorEffects) {
        for write in effects.writes {
            _ = self.write(write)
        }
        if let deadline = effects.armTimerAt {
            self.armAckTimer(at: deadline)
        }
        for resume in effects.resumptions { resume() }
        for action in effects.actions { action() }
    }

    /// Writes frames on the connection's event loop and records the flush time of the envelopes among them.
    /// - Returns: A future completed when the last frame was written to the socket (or failed).
    @discardableResult
    func write(_ pending: PendingWrite) -> EventLoopFuture<Void> {
        let channel = pending.channel
        return channel.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            var last: EventLoopFuture<Void>?
            for frame in pending.frames {
                last = channel.write(Self.makeFrame(frame, allocator: channel.allocator))
            }
            let flushedAt = ContinuousClock.now
            channel.flush()
            if !pending.envelopeIDs.isEmpty {
                self.recordFlush(connection: pending.connection, envelopeIDs: pending.envelopeIDs, at: flushedAt)
            }
            return last ?? channel.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// Builds a WebSocket frame (server frames are not masked).
    static func makeFrame(_ frame: OutboundFrame, allocator: ByteBufferAllocator) -> WebSocketFrame {
        switch frame {
        case .text(let text):
            return WebSocketFrame(fin: true, opcode: .text, data: allocator.buffer(string: text))
        case .binary(let bytes):
            return WebSocketFrame(fin: true, opcode: .binary, data: allocator.buffer(bytes: bytes))
        case .ping(let text):
            return WebSocketFrame(fin: true, opcode: .ping, data: allocator.buffer(string: text))
        case .pong(let data):
            return WebSocketFrame(fin: true, opcode: .pong, data: data)
        case .close(let code, let reason):
            var buffer = allocator.buffer(capacity: 2 + reason.utf8.count)
            buffer.writeInteger(code)
            buffer.writeString(reason)
            return WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)
        }
    }

    // MARK: Ack timer

    /// Arms the single ack-deadline timer.
    func armAckTimer(at deadline: ContinuousClock.Instant) {
        let delay = deadline - ContinuousClock.now
        let nanoseconds = max(
            0,
            delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
        )
        self.timerLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
            self.ackTimerFired()
        }
    }

    // MARK: Waiting

    /// Suspends until `evaluate` returns a value, the timeout passes, the task is cancelled, or the simulator shuts
    /// down. Resumed by state changes (no polling).
    /// - Parameters:
    ///   - what: What is awaited, for the error message.
    ///   - timeout: How long to wait.
    ///   - evaluate: Returns the result once the condition holds. Runs under the state lock; keep it cheap.
    ///   - describe: What was seen, for the error message.
    /// - Throws: ``SlackSimulatorError`` (`timedOut`, `shutDown`) or `CancellationError`.
    func wait<T: Sendable>(
        for what: String,
        timeout: Duration,
        evaluate: @escaping @Sendable (SimulatorState) -> T?,
        describe: @escaping @Sendable (SimulatorState) -> String
    ) async throws -> T {
        let id: UInt64 = self.state.withLock { state in
            state.waiterCount += 1
            return state.waiterCount
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let immediate: Result<T, any Error>? = self.state.withLock { state in
                    if let value = evaluate(state) { return .success(value) }
                    if state.isShutDown {
                        return .failure(SlackSimulatorError.shutDown(while: "waiting for \(what)"))
                    }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = Waiter(
                        poll: { state in
                            guard let value = evaluate(state) else { return nil }
                            return { continuation.resume(returning: value) }
                        },
                        fail: { error in continuation.resume(throwing: error) },
                        what: what,
                        describe: describe
                    )
                    return nil
                }
                if let immediate {
                    continuation.resume(with: immediate)
                    return
                }
                let nanoseconds =
                    timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
                self.timerLoop.scheduleTask(in: .nanoseconds(max(0, nanoseconds))) {
                    self.expireWaiter(id, timeout: timeout)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in state.waiters.removeValue(forKey: id) }
            waiter?.fail(CancellationError())
        }
    }

    private func expireWaiter(_ id: UInt64, timeout: Duration) {
        let expired: (Waiter, String)? = self.state.withLock { state in
            guard let waiter = state.waiters.removeValue(forKey: id) else { return nil }
            return (waiter, waiter.describe(state))
        }
        if let (waiter, seen) = expired {
            waiter.fail(SlackSimulatorError.timedOut(after: timeout, awaiting: waiter.what, seen: seen))
        }
    }

    /// Fails every waiter (at shutdown).
    func failAllWaiters() {
        let waiters = self.state.withLock { state in
            let all = Array(state.waiters.values)
            state.waiters.removeAll()
            return all
        }
        for waiter in waiters {
            waiter.fail(SlackSimulatorError.shutDown(while: "waiting for \(waiter.what)"))
        }
    }
}
