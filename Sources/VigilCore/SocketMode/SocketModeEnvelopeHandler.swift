/// Receives Socket Mode envelopes after they were acked.
///
/// Handlers run concurrently (bounded by ``SocketModeConfiguration/maximumConcurrentHandlers``); a slow handler
/// never delays the ack of another envelope. Redelivered Events API envelopes whose `event_id` was already
/// dispatched are not handed over again.
public protocol SocketModeEnvelopeHandler: Sendable {
    /// Handles one envelope.
    ///
    /// - Parameter envelope: the envelope, with its raw frame.
    /// - Returns: for envelopes that accept a response payload (slash commands, some interactive envelopes), the
    ///   JSON object to send in the ack when it is ready before the ack deadline; `nil` for a bare ack. Ignored for
    ///   other envelopes, which were acked on arrival.
    /// - Throws: any error is logged with the envelope id; the envelope was acked regardless.
    func handle(_ envelope: InboundEnvelope) async throws -> JSONValue?
}
