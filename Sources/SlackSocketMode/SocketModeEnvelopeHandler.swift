import VigilBase

/// Receives Socket Mode envelopes after they were acked.
///
/// Handlers run concurrently (bounded by ``SocketModeConfiguration/maximumConcurrentHandlers``); a slow handler
/// never delays the ack of another envelope. Redelivered Events API envelopes whose `event_id` was already
/// dispatched are not handed over again.
public protocol SocketModeEnvelopeHandler: Sendable {
    /// Tells, on the libwebsockets service thread, whether `envelope` needs ``handle(_:)`` at all.
    ///
    /// Called after the envelope was acked and passed the `event_id` gate, before it is queued for dispatch. An
    /// envelope answered `false` is dropped there: no task, no thread hop. Use it for the cheap early skips that
    /// decide most traffic (chatter in channels nobody watches). It must be quick and must not block (no I/O, no
    /// waiting on an actor); it may read state behind a `Mutex` and log. Envelopes that accept a response payload
    /// are always dispatched, because their ack waits for the handler. The default answers `true`.
    /// - Parameter envelope: the envelope, with its raw frame.
    /// - Returns: `false` to drop the envelope without calling ``handle(_:)``.
    func needsHandling(_ envelope: InboundEnvelope) -> Bool

    /// Tells, on the libwebsockets service thread, that `envelope` was acked and dropped because an event with its
    /// `event_id` was already dispatched (Slack redelivered it). For reporting only: the same constraints as
    /// ``needsHandling(_:)`` apply. The default does nothing.
    /// - Parameter envelope: the dropped envelope, with its raw frame.
    func droppedRedelivery(_ envelope: InboundEnvelope)

    /// Handles one envelope.
    ///
    /// - Parameter envelope: the envelope, with its raw frame.
    /// - Returns: for envelopes that accept a response payload (slash commands, some interactive envelopes), the
    ///   JSON object to send in the ack when it is ready before the ack deadline; `nil` for a bare ack. Ignored for
    ///   other envelopes, which were acked on arrival.
    /// - Throws: any error is logged with the envelope id; the envelope was acked regardless.
    func handle(_ envelope: InboundEnvelope) async throws -> JSONValue?
}

extension SocketModeEnvelopeHandler {
    /// Every envelope is handled.
    public func needsHandling(_ envelope: InboundEnvelope) -> Bool { true }

    /// Nothing is reported.
    public func droppedRedelivery(_ envelope: InboundEnvelope) {}
}
