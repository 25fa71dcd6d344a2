import Logging
import Metrics
import Synchronization
import VigilBase

/// Hands acked envelopes to the handler with bounded concurrency, and completes the deferred acks of envelopes
/// that accept a response payload.
///
/// Envelopes that accept a response payload (slash commands, some interactive envelopes) are acked here, not on
/// arrival: with the handler's payload if it returns within the deadline, else bare at the deadline (the handler
/// keeps running and answers through `response_url`). They skip the concurrency limit, because a person is waiting
/// and Slack gives up after 3 s.
struct EnvelopeDispatcher: Sendable {
    let handler: any SocketModeEnvelopeHandler
    let transport: WebSocketTransport
    let maximumConcurrentHandlers: Int
    let responsePayloadDeadline: Duration
    let logger: Logger
    let handlerErrors: Counter
    /// Called once per envelope when its handling has ended (for the in-progress count of `/vigil status`).
    let handlerFinished: @Sendable (InboundEnvelope) -> Void

    /// Dispatches until `envelopes` finishes, then waits for the handlers still running.
    func run(_ envelopes: AsyncStream<InboundEnvelope>) async {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for await envelope in envelopes {
                if !envelope.acceptsResponsePayload {
                    while inFlight >= maximumConcurrentHandlers {
                        await group.next()
                        inFlight -= 1
                    }
                }
                inFlight += 1
                group.addTask {
                    defer { handlerFinished(envelope) }
                    if envelope.acceptsResponsePayload {
                        await handleAwaitingResponse(envelope)
                    } else {
                        _ = await invokeHandler(envelope)
                    }
                }
            }
        }
    }

    private func invokeHandler(_ envelope: InboundEnvelope) async -> JSONValue? {
        do {
            return try await handler.handle(envelope)
        } catch is CancellationError {
            logger.notice("handler interrupted by shutdown", metadata: ["slack.envelope_id": "\(envelope.envelopeID)"])
            return nil
        } catch {
            handlerErrors.increment()
            logger.error(
                "handler failed: \(error)",
                metadata: ["slack.envelope_id": "\(envelope.envelopeID)", "slack.event_id": "\(envelope.eventID ?? "-")"]
            )
            return nil
        }
    }

    private enum Race: Sendable {
        case handled(JSONValue?)
        case deadline
    }

    private func handleAwaitingResponse(_ envelope: InboundEnvelope) async {
        let acked = Atomic<Bool>(false)
        func ack(_ payload: JSONValue?) {
            guard acked.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
            else { return }
            let frame = AckFrame.make(envelopeID: envelope.envelopeID, payload: payload)
            if !transport.send(text: frame, on: envelope.connectionID) {
                logger.warning(
                    "could not ack: the connection it came on has closed; Slack shows the user an error",
                    metadata: ["slack.envelope_id": "\(envelope.envelopeID)"]
                )
            }
        }
        let remaining = responsePayloadDeadline - (ContinuousClock.now - envelope.receivedAt)
        await withTaskGroup(of: Race.self) { group in
            group.addTask { .handled(await invokeHandler(envelope)) }
            group.addTask {
                try? await Task.sleep(for: max(remaining, .zero))
                return .deadline
            }
            switch await group.next() {
            case .handled(let payload):
                group.cancelAll()
                ack(payload)
            case .deadline, nil:
                ack(nil)
                logger.notice(
                    "handler missed the ack deadline; acked without a response payload",
                    metadata: ["slack.envelope_id": "\(envelope.envelopeID)"]
                )
                _ = await group.next()
            }
        }
    }
}
