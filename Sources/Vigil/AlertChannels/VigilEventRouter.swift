import Foundation
import Logging
import AlertReading
import SlackSocketMode
import VigilBase
import VigilStorage

/// Routes one workspace's envelopes: `message` events to the alert monitor (and people's messages on to the
/// conversation layer), `app_mention`s, slash commands and interactions to the conversation layer.
///
/// Before routing an Events API envelope it passes the store's `event_id` gate, so an event redelivered after a
/// restart (when the in-memory dedupe has been lost) is still handled once.
///
/// When it is done with an event it logs "event handled" (debug) and, when given a ``WorkerActivityLog``, records
/// the event's ``EventOutcome`` there; redeliveries dropped by the Socket Mode layer and by the store's gate are
/// recorded too.
public struct VigilEventRouter: SocketModeEnvelopeHandler {
    private struct EventsAPIBody: Decodable {
        struct Payload: Decodable {
            var event: SlackMessage
        }
        var payload: Payload
    }

    private let workspace: String
    private let store: any VigilStore
    private let alerts: AlertChannelMonitor
    private let conversations: (any ConversationHandling)?
    private let logger: Logger
    private let activity: WorkerActivityLog?
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - workspace: the team id.
    ///   - store: for the persistent `event_id` gate.
    ///   - alerts: the workspace's alert monitor.
    ///   - conversations: mentions, DMs, `/vigil` and buttons; `nil` ignores them (logged).
    ///   - logger: routing decisions at debug level.
    ///   - activity: where each event's ``EventOutcome`` is recorded; `nil` records nothing (production).
    ///   - now: the wall clock (injectable for tests).
    public init(
        workspace: String,
        store: any VigilStore,
        alerts: AlertChannelMonitor,
        conversations: (any ConversationHandling)?,
        logger: Logger,
        activity: WorkerActivityLog? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.workspace = workspace
        self.store = store
        self.alerts = alerts
        self.conversations = conversations
        self.logger = logger
        self.activity = activity
        self.now = now
    }

    public func handle(_ envelope: InboundEnvelope) async throws -> JSONValue? {
        switch envelope.kind {
        case .eventsAPI:
            try await handleEvent(envelope)
            return nil
        case .slashCommands:
            return await conversations?.handleSlashCommand(frame: envelope.frame)
        case .interactive:
            return await conversations?.handleInteraction(frame: envelope.frame)
        case .unknown:
            return nil
        }
    }

    /// Skips, without decoding or touching the store, the events Vigil has nothing to do with: event types other
    /// than `message` and `app_mention`, and messages in channels it does not watch (most traffic). DMs (`D…`) and
    /// mentions (their own `app_mention` event) are still handled. Called on the libwebsockets service thread by the
    /// Socket Mode client, which hands ``handle(_:)`` only what it answered `true` for; it logs only what it skips.
    public func needsHandling(_ envelope: InboundEnvelope) -> Bool {
        guard envelope.kind == .eventsAPI else { return true }
        guard envelope.eventType == "message" || envelope.eventType == "app_mention" else {
            logger.debug("event type not handled", metadata: ["slack.event_type": "\(envelope.eventType ?? "-")"])
            return false
        }
        if envelope.eventType == "message", let channel = envelope.eventChannel, !channel.hasPrefix("D"),
           !alerts.isWatched(channel)
        {
            finished(envelope, channel: channel, ts: nil, .message(.notWatched))
            return false
        }
        return true
    }

    /// Records, when there is a ``WorkerActivityLog``, that the Socket Mode layer dropped `envelope` as a
    /// redelivery of an event it already dispatched (it logs that itself). Called on the libwebsockets service
    /// thread.
    public func droppedRedelivery(_ envelope: InboundEnvelope) {
        activity?.record(.event(EventOutcome(
            eventID: envelope.eventID, channel: envelope.eventChannel, ts: nil, disposition: .redelivery)))
    }

    /// An event ``needsHandling(_:)`` let through.
    private func handleEvent(_ envelope: InboundEnvelope) async throws {
        if let eventID = envelope.eventID {
            do {
                guard try await store.markEventProcessed(workspace: workspace, eventID: eventID, at: now()) else {
                    logger.info("event already handled before a restart; dropped", metadata: [
                        "slack.event_id": "\(eventID)", "slack.retry_attempt": "\(envelope.retryAttempt)",
                    ])
                    activity?.record(.event(EventOutcome(
                        eventID: eventID, channel: envelope.eventChannel, ts: nil, disposition: .handledBeforeRestart)))
                    return
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A failing store (disk full) must not drop the event: the message-level gates behind keep a
                // redelivery from being handled twice, and the alert handling retries and owes what it cannot write.
                logger.warning("could not record the event as processed; handling it anyway", metadata: [
                    "slack.event_id": "\(eventID)", "vigil.reason": "\(error)",
                ])
            }
        }
        let body: EventsAPIBody
        do {
            body = try JSONDecoder().decode(EventsAPIBody.self, from: Data(envelope.frame))
        } catch {
            logger.warning("events_api envelope without a readable event; acked and dropped",
                           metadata: ["slack.envelope_id": "\(envelope.envelopeID)"])
            activity?.record(.event(EventOutcome(
                eventID: envelope.eventID, channel: envelope.eventChannel, ts: nil, disposition: .unreadable)))
            return
        }
        let message = body.payload.event
        if envelope.eventType == "app_mention" {
            await conversations?.handleMessage(message, isMention: true)
            finished(envelope, channel: message.channel, ts: message.ts, .mention)
            return
        }
        let classification = await alerts.handle(message)
        if case .humanMessage = classification, message.channelType == "im" || message.channel?.hasPrefix("D") == true {
            await conversations?.handleMessage(message, isMention: false)
        }
        finished(envelope, channel: message.channel, ts: message.message?.ts ?? message.ts, .message(classification))
    }

    /// The end of one event's handling: what it was taken for, logged at debug level ("event handled": operators
    /// read it when asking "why did Vigil not answer this post?") and recorded in the ``WorkerActivityLog``, if any
    /// (the integration tests and `vigil-demo` wait for it there).
    /// - Parameters:
    ///   - channel: the event's channel.
    ///   - ts: the post the event is about (for an edit, the edited post).
    ///   - disposition: what the event was taken for. It is described only when debug logs are on (the skip runs
    ///     on the service thread for every chatter envelope).
    private func finished(
        _ envelope: InboundEnvelope, channel: String?, ts: String?, _ disposition: EventOutcome.Disposition
    ) {
        logger.debug("event handled", metadata: [
            "slack.event_id": "\(envelope.eventID ?? "-")", "slack.channel": "\(channel ?? "-")",
            "slack.ts": "\(ts ?? "-")", "vigil.outcome": "\(disposition)",
        ])
        activity?.record(.event(EventOutcome(
            eventID: envelope.eventID, channel: channel, ts: ts, disposition: disposition)))
    }
}
