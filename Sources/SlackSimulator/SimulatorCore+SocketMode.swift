import Foundation
import Logging
import NIOCore
import Synchronization

/// Socket Mode: connections, envelopes, acks, redelivery.
extension SimulatorCore {
    /// The `debug_info.host` the simulator reports.
    static let applinkHost = "applink-sim-1"
    /// Slack silently drops acks of this size or larger.
    static let maxAckBytes = 20 * 1024

    // MARK: Connection lifecycle (called on the connection's event loop)

    /// Registers a freshly upgraded connection and returns its id and the `hello` frame to write.
    func registerConnection(channel: any Channel, ticket: String) -> (id: Int, hello: String) {
        self.mutate { state, _ in
            state.connectionCount += 1
            let id = state.connectionCount
            var record = ConnectionRecord(id: id, channel: channel, ticket: ticket, acceptedAt: .now)
            let reported = state.helloNumConnections ?? (state.openConnectionCount + 1)
            record.helloNumConnections = reported
            state.connections[id] = record
            state.appendTimelineSample(at: .now)
            let hello =
                "{\"type\":\"hello\",\"num_connections\":\(reported),\"debug_info\":{\"host\":\"\(Self.applinkHost)\","
                + "\"build_number\":1,\"approximate_connection_time\":18060},\"connection_info\":{\"app_id\":"
                + SimJSON.quoted(self.configuration.appID) + "}}"
            return (id, hello)
        }
    }

    /// Marks the connection live once its `hello` was flushed, and delivers queued events to it.
    func helloFlushed(connection id: Int, at instant: ContinuousClock.Instant) {
        self.mutate { state, effects in
            guard var record = state.connections[id], record.state == .opening else { return }
            record.state = .live
            record.openedAt = instant
            state.connections[id] = record
            state.routing.append(id)
            state.appendTimelineSample(at: instant)
            self.drainQueue(&state, &effects)
        }
        self.logger?.debug("socket mode connection live", metadata: ["slack.connection": "\(id)"])
    }

    /// Records that the TCP connection closed.
    func connectionClosed(connection id: Int, at instant: ContinuousClock.Instant) {
        self.mutate { state, _ in
            guard var record = state.connections[id], record.state != .closed else { return }
            record.state = .closed
            record.closedAt = instant
            state.connections[id] = record
            state.routing.removeAll { $0 == id }
            state.appendTimelineSample(at: instant)
        }
        self.logger?.debug("socket mode connection closed", metadata: ["slack.connection": "\(id)"])
    }

    /// Whether the connection is silent (writes nothing).
    func isSilent(connection id: Int) -> Bool {
        self.state.withLock { $0.connections[id]?.state == .silent }
    }

    /// Records a client ping; returns whether to answer it.
    func clientPing(connection id: Int) -> Bool {
        self.mutate { state, _ in
            guard state.connections[id] != nil else { return false }
            state.connections[id]!.pingsReceived += 1
            return state.connections[id]!.state != .silent
        }
    }

    /// Records a client pong.
    func clientPong(connection id: Int) {
        self.mutate { state, _ in
            state.connections[id]?.pongsReceived += 1
        }
    }

    /// Records a client close frame; returns whether to echo it.
    func clientClose(connection id: Int, code: Int?) -> Bool {
        self.mutate { state, _ in
            guard state.connections[id] != nil else { return false }
            state.connections[id]!.clientCloseCode = code
            return state.connections[id]!.state != .silent
        }
    }

    /// Records a binary frame from the client (Socket Mode clients only send text).
    func clientBinary(connection id: Int, byteCount: Int, at instant: ContinuousClock.Instant) {
        self.mutate { state, _ in
            state.violations.append(
                ProtocolViolation(
                    connection: SocketModeConnectionID(rawValue: id),
                    reason: "binary frame of \(byteCount) bytes",
                    text: nil,
                    at: instant
                )
            )
        }
    }

    /// Handles a text frame from the client: an ack, or a protocol violation.
    func clientText(connection id: Int, bytes: ByteBuffer, readAt: ContinuousClock.Instant, fragmented: Bool) {
        let parsed: SimJSON? = bytes.withUnsafeReadableBytes { raw in
            try? SimJSON.parse(bytes: raw.bindMemory(to: UInt8.self))
        }
        let text = String(buffer: bytes)
        self.mutate { state, _ in
            let connectionID = SocketModeConnectionID(rawValue: id)
            func violation(_ reason: String) {
                state.violations.append(
                    ProtocolViolation(connection: connectionID, reason: reason, text: text, at: readAt)
                )
            }
            guard let parsed else { return violation("text frame is not JSON") }
            guard let object = parsed.objectValue else { return violation("text frame is not a JSON object") }
            guard let envelopeID = object.string("envelope_id") else {
                return violation("JSON frame without a string envelope_id")
            }
            if fragmented {
                return violation("ack for \(envelopeID) was fragmented; Slack drops fragmented acks")
            }
            if bytes.readableBytes >= Self.maxAckBytes {
                return violation(
                    "ack for \(envelopeID) is \(bytes.readableBytes) bytes; Slack drops acks of 20 KiB or more"
                )
            }
            var record = state.envelopes[envelopeID]
            let isUnknown = record == nil
            let isDuplicate = record?.ackedAt != nil
            if record != nil, !isDuplicate {
                record!.ackedAt = readAt
                state.envelopes[envelopeID] = record
                state.acknowledgedEnvelopeCount += 1
            }
            state.connections[id]?.acksReceived += 1
            state.acks.append(
                RecordedAck(
                    envelopeID: envelopeID,
                    connection: connectionID,
                    envelopeConnection: record?.connection.map { SocketModeConnectionID(rawValue: $0) },
                    payloadJSON: object["payload"].map { $0.text },
                    rawText: text,
                    envelopeType: record?.type,
                    eventID: record?.event?.eventID,
                    envelopeWrittenAt: record?.writtenAt,
                    readAt: readAt,
                    isDuplicate: isDuplicate,
                    isUnknown: isUnknown
                )
            )
        }
    }

    // MARK: Flush bookkeeping and redelivery

    /// Records the flush time of envelopes and starts their ack deadlines.
    func recordFlush(connection: Int, envelopeIDs: [String], at instant: ContinuousClock.Instant) {
        self.mutate { state, effects in
            for envelopeID in envelopeIDs {
                self.markWritten(&state, &effects, envelopeID: envelopeID, at: instant)
            }
        }
    }

    private func markWritten(
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects,
        envelopeID: String,
        at instant: ContinuousClock.Instant
    ) {
        guard var record = state.envelopes[envelopeID] else { return }
        record.writtenAt = instant
        state.envelopes[envelopeID] = record
        guard record.type == "events_api", record.event != nil, record.ackedAt == nil else { return }
        let deadline = instant + self.configuration.ackTimeout
        state.deadlines.append(Deadline(envelopeID: envelopeID, at: deadline))
        if state.timerArmedFor == nil, !state.isShutDown {
            state.timerArmedFor = deadline
            effects.armTimerAt = deadline
        }
    }

    /// Re-sends every event whose ack deadline passed.
    func ackTimerFired() {
        self.mutate { state, effects in
            state.timerArmedFor = nil
            guard !state.isShutDown else { return }
            let now = ContinuousClock.now
            while let head = state.deadlines.first, head.at <= now {
                _ = state.deadlines.popFirst()
                guard var record = state.envelopes[head.envelopeID], record.ackedAt == nil, !record.redelivered,
                    let event = record.event
                else { continue }
                record.redelivered = true
                state.envelopes[head.envelopeID] = record
                guard record.retryAttempt < self.configuration.maxRetries else {
                    state.abandonedEventIDs.append(event.eventID)
                    continue
                }
                self.dispatchEvent(
                    &state,
                    &effects,
                    envelopeID: self.ids.envelopeID(),
                    event: event,
                    retryAttempt: record.retryAttempt + 1,
                    retryReason: "timeout",
                    previousEnvelopeID: record.envelopeID,
                    fromConnection: record.connection,
                    to: nil,
                    isRedelivery: true
                )
            }
            if let head = state.deadlines.first {
                state.timerArmedFor = head.at
                effects.armTimerAt = head.at
            }
        }
    }

    /// Delivers queued events to live connections.
    func drainQueue(_ state: inout SimulatorState, _ effects: inout SimulatorEffects) {
        while !state.routing.isEmpty, let queued = state.queue.popFirst() {
            self.dispatchEvent(
                &state,
                &effects,
                envelopeID: queued.envelopeID,
                event: queued.event,
                retryAttempt: queued.retryAttempt,
                retryReason: queued.retryReason,
                previousEnvelopeID: queued.previousEnvelopeID,
                fromConnection: queued.fromConnection,
                to: nil,
                isRedelivery: true
            )
        }
    }

    // MARK: Routing

    /// Picks the next routable connection round-robin, avoiding `avoid` when another one exists.
    func pickConnection(_ state: inout SimulatorState, avoiding avoid: Int?) -> Int? {
        let count = state.routing.count
        guard count > 0 else { return nil }
        for _ in 0..<count {
            let candidate = state.routing[state.roundRobinCursor % count]
            state.roundRobinCursor &+= 1
            if candidate != avoid || count == 1 { return candidate }
        }
        return state.routing[0]
    }

    /// Validates an explicit target connection.
    func checkTarget(_ state: SimulatorState, _ target: SocketModeConnectionID) throws(SlackSimulatorError) -> Int {
        guard let record = state.connections[target.rawValue] else { throw .unknownConnection(target) }
        guard record.state == .live || record.state == .silent else {
            throw .connectionNotOpen(target, state: record.state)
        }
        return target.rawValue
    }

    /// Writes (or swallows, for a silent connection) one envelope to `connection`, registering it.
    func route(
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects,
        record: EnvelopeRecord,
        to connection: Int
    ) {
        var record = record
        record.connection = connection
        record.isQueued = false
        state.connections[connection]!.envelopesRouted += 1
        if state.envelopes[record.envelopeID] == nil { state.envelopeOrder.append(record.envelopeID) }
        if state.connections[connection]!.state == .silent {
            record.swallowed = true
            state.envelopes[record.envelopeID] = record
            self.markWritten(&state, &effects, envelopeID: record.envelopeID, at: .now)
            return
        }
        state.envelopes[record.envelopeID] = record
        let channel = state.connections[connection]!.channel
        if let index = effects.writes.firstIndex(where: { $0.connection == connection }) {
            effects.writes[index].frames.append(.text(record.text))
            effects.writes[index].envelopeIDs.append(record.envelopeID)
        } else {
            effects.writes.append(
                PendingWrite(
                    connection: connection,
                    channel: channel,
                    frames: [.text(record.text)],
                    envelopeIDs: [record.envelopeID]
                )
            )
        }
    }

    /// Sends a new event (fresh envelope and event ids, first attempt) to whichever live connection is next, or
    /// queues it while none is live; returns the envelope id.
    @discardableResult
    func dispatchFreshEvent(_ state: inout SimulatorState, _ effects: inout SimulatorEffects, eventJSON: String) -> String {
        let envelopeID = self.ids.envelopeID()
        self.dispatchEvent(
            &state,
            &effects,
            envelopeID: envelopeID,
            event: EventPayload(eventID: self.ids.eventID(), eventTime: Int(Date().timeIntervalSince1970), eventJSON: eventJSON)
        )
        return envelopeID
    }

    /// Sends an event (first delivery, redelivery, or delivery from the queue), queueing it if nothing is live.
    func dispatchEvent(
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects,
        envelopeID: String,
        event: EventPayload,
        retryAttempt: Int = 0,
        retryReason: String = "",
        previousEnvelopeID: String? = nil,
        fromConnection: Int? = nil,
        to target: Int? = nil,
        isRedelivery: Bool = false
    ) {
        let connection = target ?? self.pickConnection(&state, avoiding: fromConnection)
        let text = self.eventsEnvelopeText(
            envelopeID: envelopeID,
            event: event,
            retryAttempt: retryAttempt,
            retryReason: retryReason
        )
        var record = EnvelopeRecord(
            envelopeID: envelopeID,
            type: "events_api",
            event: event,
            retryAttempt: retryAttempt,
            connection: nil,
            text: text
        )
        guard let connection else {
            // Nothing live: Slack keeps the event and delivers it later as a retry.
            let nextAttempt = isRedelivery ? retryAttempt : retryAttempt + 1
            if nextAttempt > self.configuration.maxRetries {
                state.abandonedEventIDs.append(event.eventID)
                return
            }
            let queued = QueuedEvent(
                envelopeID: envelopeID,
                event: event,
                retryAttempt: nextAttempt,
                retryReason: "timeout",
                previousEnvelopeID: previousEnvelopeID,
                fromConnection: fromConnection
            )
            record.retryAttempt = nextAttempt
            record.isQueued = true
            record.text = ""
            if state.envelopes[envelopeID] == nil { state.envelopeOrder.append(envelopeID) }
            state.envelopes[envelopeID] = record
            state.queue.append(queued)
            return
        }
        if isRedelivery {
            state.redeliveries.append(
                RecordedRedelivery(
                    eventID: event.eventID,
                    previousEnvelopeID: previousEnvelopeID,
                    newEnvelopeID: envelopeID,
                    retryAttempt: retryAttempt,
                    retryReason: retryReason,
                    fromConnection: fromConnection.map { SocketModeConnectionID(rawValue: $0) },
                    toConnection: SocketModeConnectionID(rawValue: connection),
                    at: .now
                )
            )
        }
        self.route(&state, &effects, record: record, to: connection)
    }

    // MARK: Envelope texts

    /// The `payload` of an `events_api` envelope around the inner event.
    func eventsEnvelopeText(envelopeID: String, event: EventPayload, retryAttempt: Int, retryReason: String) -> String {
        let team = SimJSON.quoted(self.configuration.teamID)
        var text =
            "{\"envelope_id\":\"" + envelopeID + "\",\"payload\":{\"token\":\"sim-verification-token\",\"team_id\":"
        text += team + ",\"api_app_id\":" + SimJSON.quoted(self.configuration.appID) + ",\"event\":"
        text += event.eventJSON
        text +=
            ",\"type\":\"event_callback\",\"event_id\":\"" + event.eventID + "\",\"event_time\":"
            + String(event.eventTime)
        text += ",\"authorizations\":[{\"enterprise_id\":null,\"team_id\":" + team + ",\"user_id\":"
        text += SimJSON.quoted(self.configuration.botUserID)
        text +=
            ",\"is_bot\":true,\"is_enterprise_install\":false}],\"is_ext_shared_channel\":false,\"event_context\":\"4-sim-"
        text += event.eventID + "\"},\"type\":\"events_api\",\"accepts_response_payload\":false,\"retry_attempt\":"
        text += String(retryAttempt) + ",\"retry_reason\":" + SimJSON.quoted(retryReason) + "}"
        return text
    }

    /// A non-events envelope (`slash_commands`, `interactive`).
    func plainEnvelopeText(
        envelopeID: String,
        type: String,
        payloadJSON: String,
        acceptsResponsePayload: Bool
    ) -> String {
        "{\"envelope_id\":\"" + envelopeID + "\",\"payload\":" + payloadJSON + ",\"type\":" + SimJSON.quoted(type)
            + ",\"accepts_response_payload\":" + (acceptsResponsePayload ? "true" : "false") + "}"
    }

    // MARK: Sending

    /// Sends one `events_api` envelope.
    func sendEvent(
        eventJSON: String,
        eventID: String?,
        retryAttempt: Int,
        to target: SocketModeConnectionID?
    ) throws(SlackSimulatorError) -> String {
        let event = EventPayload(
            eventID: eventID ?? self.ids.eventID(),
            eventTime: Int(Date().timeIntervalSince1970),
            eventJSON: eventJSON
        )
        let envelopeID = self.ids.envelopeID()
        try self.mutate { (state, effects) throws(SlackSimulatorError) in
            let connection = try target.map { (target) throws(SlackSimulatorError) in
                try self.checkTarget(state, target)
            }
            self.dispatchEvent(
                &state,
                &effects,
                envelopeID: envelopeID,
                event: event,
                retryAttempt: retryAttempt,
                retryReason: retryAttempt == 0 ? "" : "timeout",
                previousEnvelopeID: nil,
                fromConnection: nil,
                to: connection,
                isRedelivery: false
            )
        }
        return envelopeID
    }

    /// Sends a non-events envelope; it is never retried or queued.
    func sendPlainEnvelope(
        envelopeID: String,
        type: String,
        text: String,
        to target: SocketModeConnectionID?
    ) throws(SlackSimulatorError) {
        try self.mutate { (state, effects) throws(SlackSimulatorError) in
            let connection =
                try target.map { (target) throws(SlackSimulatorError) in try self.checkTarget(state, target) }
                ?? self.pickConnection(&state, avoiding: nil)
            let record = EnvelopeRecord(
                envelopeID: envelopeID,
                type: type,
                event: nil,
                retryAttempt: 0,
                connection: nil,
                text: text
            )
            guard let connection else {
                var failed = record
                failed.dispatchFailed = true
                if state.envelopes[envelopeID] == nil { state.envelopeOrder.append(envelopeID) }
                state.envelopes[envelopeID] = failed
                return
            }
            self.route(&state, &effects, record: record, to: connection)
        }
    }

    /// Writes a frame that is not an envelope (garbage text, binary, disconnect) to one connection.
    func sendControl(_ frame: OutboundFrame, to target: SocketModeConnectionID?) throws(SlackSimulatorError) {
        try self.mutate { (state, effects) throws(SlackSimulatorError) in
            let connection =
                try target.map { (target) throws(SlackSimulatorError) in try self.checkTarget(state, target) }
                ?? self.pickConnection(&state, avoiding: nil)
            guard let connection, let record = state.connections[connection], record.state == .live else { return }
            effects.writes.append(
                PendingWrite(connection: connection, channel: record.channel, frames: [frame], envelopeIDs: [])
            )
        }
    }

    /// Registers and routes a batch of pre-built events envelopes; returns the writes to perform.
    func registerBatch(
        _ batch: [(envelopeID: String, event: EventPayload, text: String)],
        to target: SocketModeConnectionID?
    ) throws(SlackSimulatorError) -> [PendingWrite] {
        let (writes, effects) = try self.state.withLock {
            (state) throws(SlackSimulatorError) -> ([PendingWrite], SimulatorEffects) in
            var effects = SimulatorEffects()
            let fixed = try target.map { (target) throws(SlackSimulatorError) in try self.checkTarget(state, target) }
            for item in batch {
                guard let connection = fixed ?? self.pickConnection(&state, avoiding: nil) else {
                    self.dispatchEvent(
                        &state,
                        &effects,
                        envelopeID: item.envelopeID,
                        event: item.event
                    )
                    continue
                }
                let record = EnvelopeRecord(
                    envelopeID: item.envelopeID,
                    type: "events_api",
                    event: item.event,
                    retryAttempt: 0,
                    connection: nil,
                    text: item.text
                )
                self.route(&state, &effects, record: record, to: connection)
            }
            let writes = effects.writes
            effects.writes = []
            effects.resumptions += state.collectReadyWaiters()
            return (writes, effects)
        }
        self.perform(effects)
        return writes
    }

    // MARK: Connection faults

    /// Sends a `disconnect` frame and closes the socket after the grace period unless the client closes first.
    func disconnect(_ target: SocketModeConnectionID, reason: SocketModeDisconnectReason) throws(SlackSimulatorError) {
        let grace = self.configuration.disconnectGracePeriod
        try self.mutate { (state, effects) throws(SlackSimulatorError) in
            let id = try self.checkTarget(state, target)
            let record = state.connections[id]!
            state.connections[id]!.disconnectReasonSent = reason
            if record.state != .silent {
                let text =
                    "{\"type\":\"disconnect\",\"reason\":" + SimJSON.quoted(reason.rawValue)
                    + ",\"debug_info\":{\"host\":\"\(Self.applinkHost)\"}}"
                effects.writes.append(
                    PendingWrite(connection: id, channel: record.channel, frames: [.text(text)], envelopeIDs: [])
                )
            }
            let channel = record.channel
            effects.actions.append {
                channel.eventLoop.scheduleTask(in: Self.timeAmount(grace)) {
                    self.serverClose(id, sendCloseFrame: true)
                }
            }
        }
    }

    /// Closes a connection from the server side.
    func serverClose(_ id: Int, sendCloseFrame: Bool) {
        let target: (any Channel, Bool)? = self.mutate { state, _ in
            guard let record = state.connections[id], record.state != .closed else { return nil }
            state.connections[id]!.closedByServer = true
            return (record.channel, sendCloseFrame && record.state != .silent)
        }
        guard let (channel, sendFrame) = target else { return }
        if sendFrame {
            channel.writeAndFlush(
                Self.makeFrame(.close(code: 1001, reason: "going away"), allocator: channel.allocator)
            )
            .whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    /// Sets or clears silence.
    func setSilent(_ target: SocketModeConnectionID, _ silent: Bool) throws(SlackSimulatorError) {
        try self.mutate { (state, _) throws(SlackSimulatorError) in
            let id = try self.checkTarget(state, target)
            state.connections[id]!.state = silent ? .silent : .live
            state.appendTimelineSample(at: .now)
        }
    }

    /// Converts a `Duration` to NIO's `TimeAmount` (negative values become zero).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(
            max(0, duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        )
    }
}
