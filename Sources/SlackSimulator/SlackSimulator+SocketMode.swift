import Foundation
import NIOCore
import Synchronization

extension SlackSimulator {
    // MARK: Connections

    /// Every Socket Mode connection accepted so far (including closed ones), in accept order.
    public func connections() -> [SocketModeConnectionInfo] {
        self.core.read { state in
            state.connections.keys.sorted().map { state.connectionInfo(state.connections[$0]!) }
        }
    }

    /// One connection, if it exists.
    public func connection(_ id: SocketModeConnectionID) -> SocketModeConnectionInfo? {
        self.core.read { state in state.connections[id.rawValue].map { state.connectionInfo($0) } }
    }

    /// Connections that are live right now (not silent, not closed), in accept order.
    public func liveConnections() -> [SocketModeConnectionInfo] {
        self.connections().filter { $0.state == .live }
    }

    /// Waits until at least `count` connections are live (hello written, not silent, not closed).
    /// - Returns: The live connections at that moment.
    /// - Throws: ``SlackSimulatorError`` (`timedOut`, `shutDown`), or `CancellationError`.
    @discardableResult
    public func waitForLiveConnections(
        count: Int = 1,
        timeout: Duration = .seconds(10)
    ) async throws -> [SocketModeConnectionInfo] {
        try await self.core.wait(
            for: "\(count) live Socket Mode connection(s)",
            timeout: timeout,
            evaluate: { state in
                guard state.liveConnectionCount >= count else { return nil }
                return state.connections.keys.sorted().compactMap { key in
                    state.connections[key]!.state == .live ? state.connectionInfo(state.connections[key]!) : nil
                }
            },
            describe: { state in
                "\(state.liveConnectionCount) live; connections: "
                    + state.connections.keys.sorted().map { state.connectionInfo(state.connections[$0]!).description }
                    .joined(separator: ", ")
            }
        )
    }

    /// Waits until at least `count` connections have been accepted in total (whatever their state now).
    @discardableResult
    public func waitForConnectionCount(
        _ count: Int,
        timeout: Duration = .seconds(10)
    ) async throws -> [SocketModeConnectionInfo] {
        try await self.core.wait(
            for: "\(count) accepted Socket Mode connection(s)",
            timeout: timeout,
            evaluate: { state in
                state.connections.count >= count
                    ? state.connections.keys.sorted().map { state.connectionInfo(state.connections[$0]!) } : nil
            },
            describe: { state in "\(state.connections.count) accepted" }
        )
    }

    /// Waits until the connection's TCP connection is closed.
    /// - Returns: The connection's final snapshot (with ``SocketModeConnectionInfo/clientCloseCode``).
    @discardableResult
    public func waitForClose(
        connection id: SocketModeConnectionID,
        timeout: Duration = .seconds(10)
    ) async throws -> SocketModeConnectionInfo {
        try await self.core.wait(
            for: "\(id) to close",
            timeout: timeout,
            evaluate: { state in
                guard let record = state.connections[id.rawValue], record.state == .closed else { return nil }
                return state.connectionInfo(record)
            },
            describe: { state in
                state.connections[id.rawValue].map { state.connectionInfo($0).description } ?? "no such connection"
            }
        )
    }

    /// The live-connection count after every change, in time order.
    public func liveConnectionTimeline() -> [LiveConnectionSample] {
        self.core.read { $0.timeline }
    }

    /// Periods within `[since, until ?? now]` with no live connection (silent connections do not count as live).
    /// An empty result means there was always at least one live connection in the window.
    public func liveConnectionGaps(
        since: ContinuousClock.Instant,
        until: ContinuousClock.Instant? = nil
    ) -> [LiveConnectionGap] {
        let timeline = self.liveConnectionTimeline()
        let end = until ?? .now
        var gaps: [LiveConnectionGap] = []
        var liveAtStart = 0
        for sample in timeline where sample.at <= since { liveAtStart = sample.liveCount }
        var gapStart: ContinuousClock.Instant? = liveAtStart == 0 ? since : nil
        for sample in timeline where sample.at > since && sample.at <= end {
            if sample.liveCount == 0, gapStart == nil {
                gapStart = sample.at
            } else if sample.liveCount > 0, let start = gapStart {
                gaps.append(LiveConnectionGap(start: start, end: sample.at))
                gapStart = nil
            }
        }
        if let start = gapStart { gaps.append(LiveConnectionGap(start: start, end: nil)) }
        return gaps
    }

    // MARK: Sending envelopes

    /// Sends an `events_api` envelope around `event` (the inner event object's JSON text, inserted verbatim).
    ///
    /// With `to == nil` the envelope goes to one connection chosen round-robin over live and silent connections.
    /// If no connection is live the event is queued and delivered, as a retry (`retry_attempt + 1`, reason
    /// `timeout`), when one becomes live; the returned id is the id it will be delivered with. An envelope not acked
    /// within ``Configuration-swift.struct/ackTimeout`` of being written is re-sent in a new envelope to another
    /// live connection, up to ``Configuration-swift.struct/maxRetries`` times.
    /// - Parameters:
    ///   - event: The inner `event` JSON object, as text.
    ///   - eventID: `payload.event_id`; a fresh `Ev…` id when `nil`.
    ///   - retryAttempt: The first delivery's `retry_attempt`. Default 0.
    ///   - to: A specific live or silent connection.
    /// - Returns: The envelope id.
    /// - Throws: ``SlackSimulatorError`` (`unknownConnection`, `connectionNotOpen`) for a bad explicit target.
    @discardableResult
    public func sendEventsAPI(
        event: String,
        eventID: String? = nil,
        retryAttempt: Int = 0,
        to connection: SocketModeConnectionID? = nil
    ) throws -> String {
        try self.core.sendEvent(eventJSON: event, eventID: eventID, retryAttempt: retryAttempt, to: connection)
    }

    /// Sends a `slash_commands` envelope (`accepts_response_payload: true`) with a `response_url` pointing at this
    /// simulator and a fresh `trigger_id`. Never queued or retried: with no live connection it is recorded with
    /// ``SentEnvelope/dispatchFailed`` set.
    /// - Parameters:
    ///   - command: For example `/vigil`.
    ///   - text: Everything after the command.
    ///   - userID: The invoking user.
    ///   - channelID: Where it was invoked.
    ///   - to: A specific connection.
    /// - Returns: The envelope id, response URL and trigger id.
    @discardableResult
    public func sendSlashCommand(
        command: String,
        text: String,
        userID: String,
        channelID: String,
        to connection: SocketModeConnectionID? = nil
    ) throws -> SentSlashCommand {
        let (responseURL, triggerID, channelName, userName) = self.issueInteractionHandles(
            channel: channelID,
            user: userID
        )
        let payload: SimJSONObject = [
            "token": .string("sim-verification-token"),
            "team_id": .string(self.configuration.teamID),
            "team_domain": .string(self.configuration.teamDomain),
            "channel_id": .string(channelID),
            "channel_name": .string(channelName),
            "user_id": .string(userID),
            "user_name": .string(userName),
            "command": .string(command),
            "text": .string(text),
            "api_app_id": .string(self.configuration.appID),
            "is_enterprise_install": .string("false"),
            "response_url": .string(responseURL),
            "trigger_id": .string(triggerID),
        ]
        let envelopeID = self.core.ids.envelopeID()
        let frame = self.core.plainEnvelopeText(
            envelopeID: envelopeID,
            type: "slash_commands",
            payloadJSON: payload.text,
            acceptsResponsePayload: true
        )
        try self.core.sendPlainEnvelope(envelopeID: envelopeID, type: "slash_commands", text: frame, to: connection)
        return SentSlashCommand(envelopeID: envelopeID, responseURL: responseURL, triggerID: triggerID)
    }

    /// Sends an `interactive` envelope whose `payload` is `payloadJSON` verbatim (for example a `block_actions`
    /// payload). Never queued or retried.
    /// - Parameters:
    ///   - payloadJSON: The interaction payload object as JSON text.
    ///   - acceptsResponsePayload: The envelope's `accepts_response_payload`. Default `false`.
    ///   - to: A specific connection.
    /// - Returns: The envelope id.
    @discardableResult
    public func sendInteractive(
        payloadJSON: String,
        acceptsResponsePayload: Bool = false,
        to connection: SocketModeConnectionID? = nil
    ) throws -> String {
        let envelopeID = self.core.ids.envelopeID()
        let frame = self.core.plainEnvelopeText(
            envelopeID: envelopeID,
            type: "interactive",
            payloadJSON: payloadJSON,
            acceptsResponsePayload: acceptsResponsePayload
        )
        try self.core.sendPlainEnvelope(envelopeID: envelopeID, type: "interactive", text: frame, to: connection)
        return envelopeID
    }

    /// Sends an `interactive` envelope carrying a `block_actions` payload given verbatim. Same as
    /// ``sendInteractive(payloadJSON:acceptsResponsePayload:to:)``.
    @discardableResult
    public func sendBlockActions(
        payloadJSON: String,
        acceptsResponsePayload: Bool = false,
        to connection: SocketModeConnectionID? = nil
    ) throws -> String {
        try self.sendInteractive(
            payloadJSON: payloadJSON,
            acceptsResponsePayload: acceptsResponsePayload,
            to: connection
        )
    }

    /// Sends a `block_actions` interaction for a button click on a message, with a working `response_url` and a
    /// fresh `trigger_id`.
    /// - Parameters:
    ///   - actionID: The button's `action_id`.
    ///   - value: The button's `value`.
    ///   - blockID: The block's `block_id`. Default `actions`.
    ///   - userID: Who clicked.
    ///   - channelID: The message's conversation.
    ///   - messageTS: The message's ts.
    ///   - to: A specific connection.
    /// - Returns: The envelope id, response URL and trigger id.
    @discardableResult
    public func sendBlockActions(
        actionID: String,
        value: String,
        blockID: String = "actions",
        userID: String,
        channelID: String,
        messageTS: String,
        to connection: SocketModeConnectionID? = nil
    ) throws -> SentSlashCommand {
        let (responseURL, triggerID, channelName, userName) = self.issueInteractionHandles(
            channel: channelID,
            user: userID
        )
        let messageJSON: SimJSON =
            self.core.read { state in
                state.workspace.message(channel: channelID, ts: messageTS).map { SimJSON.object($0.rendered()) }
            } ?? .object(["type": .string("message"), "ts": .string(messageTS)])
        let actionTS = String(format: "%.6f", Date().timeIntervalSince1970)
        let payload: SimJSONObject = [
            "type": .string("block_actions"),
            "user": .object([
                "id": .string(userID), "username": .string(userName), "name": .string(userName),
                "team_id": .string(
                    self.configuration.users.first { $0.id == userID }?.teamID ?? self.configuration.teamID),
            ]),
            "api_app_id": .string(self.configuration.appID),
            "token": .string("sim-verification-token"),
            "container": .object([
                "type": .string("message"), "message_ts": .string(messageTS), "channel_id": .string(channelID),
                "is_ephemeral": .bool(false),
            ]),
            "trigger_id": .string(triggerID),
            "team": .object([
                "id": .string(self.configuration.teamID), "domain": .string(self.configuration.teamDomain),
            ]),
            "channel": .object(["id": .string(channelID), "name": .string(channelName)]),
            "message": messageJSON,
            "response_url": .string(responseURL),
            "actions": .array([
                .object([
                    "action_id": .string(actionID), "block_id": .string(blockID),
                    "text": .object(["type": .string("plain_text"), "text": .string(value), "emoji": .bool(true)]),
                    "value": .string(value), "type": .string("button"), "action_ts": .string(actionTS),
                ])
            ]),
        ]
        let envelopeID = try self.sendInteractive(
            payloadJSON: payload.text,
            acceptsResponsePayload: false,
            to: connection
        )
        return SentSlashCommand(envelopeID: envelopeID, responseURL: responseURL, triggerID: triggerID)
    }

    /// Sends an arbitrary text frame as if it were an envelope (unknown types, missing fields, …). If it is a JSON
    /// object with a string `envelope_id`, the envelope is tracked (acks are matched) but never retried.
    /// - Returns: The `envelope_id` found in the JSON, if any.
    @discardableResult
    public func sendEnvelope(rawJSON: String, to connection: SocketModeConnectionID? = nil) throws -> String? {
        let object = (try? SimJSON.parse(rawJSON))?.objectValue
        guard let envelopeID = object?.string("envelope_id") else {
            try self.core.sendControl(.text(rawJSON), to: connection)
            return nil
        }
        let type = object?.string("type") ?? "<none>"
        try self.core.sendPlainEnvelope(envelopeID: envelopeID, type: type, text: rawJSON, to: connection)
        return envelopeID
    }

    /// Sends a text frame that is not tracked as an envelope (for example garbage).
    public func sendRaw(text: String, to connection: SocketModeConnectionID? = nil) throws {
        try self.core.sendControl(.text(text), to: connection)
    }

    /// Sends a binary frame (Slack never does; clients should ignore or fail cleanly).
    public func sendBinary(bytes: [UInt8], to connection: SocketModeConnectionID? = nil) throws {
        try self.core.sendControl(.binary(bytes), to: connection)
    }

    /// Sends a WebSocket ping with the given payload (Slack's look like `Ping from applink-2`).
    public func sendPing(
        _ payload: String = "Ping from applink-sim-1",
        to connection: SocketModeConnectionID? = nil
    ) throws {
        try self.core.sendControl(.ping(payload), to: connection)
    }

    /// The fast path for benchmarks: sends `count` `events_api` envelopes, built by `makeEvent(index)` (the inner
    /// event JSON), without a per-frame await.
    ///
    /// Frames are written in chunks with one flush per chunk and connection; the write time of every frame in a
    /// chunk is the moment that chunk was handed to the flush. The call awaits each chunk's socket write before the
    /// next chunk, so a client that stops reading slows the batch down instead of growing memory.
    /// - Parameters:
    ///   - count: Number of envelopes.
    ///   - rate: Envelopes per second, or `nil` for as fast as possible.
    ///   - to: A specific connection, or `nil` for round-robin.
    ///   - makeEvent: Builds the inner event JSON for index `0..<count`.
    /// - Returns: The envelope ids, in send order.
    @discardableResult
    public func sendEventsAPIBatch(
        count: Int,
        rate: Double? = nil,
        to connection: SocketModeConnectionID? = nil,
        makeEvent: @Sendable (Int) -> String
    ) async throws -> [String] {
        guard count > 0 else { return [] }
        let chunkSize = 64
        var ids: [String] = []
        ids.reserveCapacity(count)
        let start = ContinuousClock.now
        let eventTime = Int(Date().timeIntervalSince1970)
        var sent = 0
        while sent < count {
            try Task.checkCancellation()
            var due = min(count, sent + chunkSize)
            if let rate, rate > 0 {
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let allowed = min(count, Int(seconds * rate) + 1)
                if allowed <= sent {
                    let next = start + .nanoseconds(Int64((Double(sent) / rate * 1e9).rounded(.up)))
                    try await Task.sleep(until: next, tolerance: .microseconds(50), clock: .continuous)
                    continue
                }
                due = min(due, allowed)
            }
            var batch: [(envelopeID: String, event: EventPayload, text: String)] = []
            batch.reserveCapacity(due - sent)
            for index in sent..<due {
                let envelopeID = self.core.ids.envelopeID()
                let payload = EventPayload(
                    eventID: self.core.ids.eventID(),
                    eventTime: eventTime,
                    eventJSON: makeEvent(index)
                )
                let text = self.core.eventsEnvelopeText(
                    envelopeID: envelopeID,
                    event: payload,
                    retryAttempt: 0,
                    retryReason: ""
                )
                batch.append((envelopeID, payload, text))
                ids.append(envelopeID)
            }
            let writes = try self.core.registerBatch(batch, to: connection)
            for write in writes {
                _ = try? await self.core.write(write).get()
            }
            sent = due
        }
        return ids
    }

    // MARK: Connection faults

    /// Sends `{"type":"disconnect","reason":…}` on the connection (unless it is silent). The socket stays open
    /// until the client closes it; after ``Configuration-swift.struct/disconnectGracePeriod`` the simulator closes it
    /// itself (close frame 1001, then TCP). Envelopes keep being routed to it until it closes.
    /// - Throws: ``SlackSimulatorError`` (`unknownConnection`, `connectionNotOpen`).
    public func disconnect(_ connection: SocketModeConnectionID, reason: SocketModeDisconnectReason) throws {
        try self.core.disconnect(connection, reason: reason)
    }

    /// Closes the TCP connection at once, without a WebSocket close frame.
    /// - Throws: ``SlackSimulatorError`` (`unknownConnection`, `connectionNotOpen`).
    public func cutTCP(_ connection: SocketModeConnectionID) throws {
        try self.core.state.withLock { (state) throws(SlackSimulatorError) in
            _ = try self.core.checkTarget(state, connection)
        }
        self.core.serverClose(connection.rawValue, sendCloseFrame: false)
    }

    /// Makes a connection silent (or live again): while silent it keeps TCP open and keeps receiving envelopes
    /// round-robin, but writes nothing (no envelopes, pongs, pings or disconnect frames); envelopes routed to it
    /// vanish like on a ghost connection. Reads are still processed.
    /// - Throws: ``SlackSimulatorError`` (`unknownConnection`, `connectionNotOpen`).
    public func setSilent(_ connection: SocketModeConnectionID, _ silent: Bool) throws {
        try self.core.setSilent(connection, silent)
    }

    // MARK: Acks and envelopes

    /// Every ack frame read, in arrival order.
    public func acks() -> [RecordedAck] {
        self.core.read { $0.acks }
    }

    /// The number of ack frames read (duplicates and unknown ids included).
    public var ackCount: Int {
        self.core.read { $0.acks.count }
    }

    /// The number of distinct known envelopes that have been acked.
    public var acknowledgedEnvelopeCount: Int {
        self.core.read { $0.acknowledgedEnvelopeCount }
    }

    /// Acks for an envelope id that had already been acked.
    public func duplicateAcks() -> [RecordedAck] {
        self.core.read { state in state.acks.filter(\.isDuplicate) }
    }

    /// Acks for envelope ids the simulator never sent.
    public func unknownAcks() -> [RecordedAck] {
        self.core.read { state in state.acks.filter(\.isUnknown) }
    }

    /// Every envelope sent, queued or undeliverable, in order.
    public func sentEnvelopes() -> [SentEnvelope] {
        self.core.read { state in state.envelopeOrder.compactMap { state.envelopes[$0].map(state.sentEnvelope) } }
    }

    /// One envelope by id.
    public func sentEnvelope(_ envelopeID: String) -> SentEnvelope? {
        self.core.read { state in state.envelopes[envelopeID].map(state.sentEnvelope) }
    }

    /// Envelopes written (or queued) but not acked yet, in order. Undeliverable slash/interactive envelopes are
    /// not included.
    public func unackedEnvelopes() -> [SentEnvelope] {
        self.core.read { state in
            state.envelopeOrder.compactMap { id in
                guard let record = state.envelopes[id], record.ackedAt == nil, !record.dispatchFailed else {
                    return nil
                }
                return state.sentEnvelope(record)
            }
        }
    }

    /// Waits until at least `count` ack frames have been read in total (duplicates and unknown ids included; see
    /// ``waitForAcknowledgedEnvelopes(count:timeout:)`` for distinct envelopes).
    /// - Returns: Every ack read so far.
    @discardableResult
    public func waitForAcks(count: Int, timeout: Duration = .seconds(10)) async throws -> [RecordedAck] {
        try await self.core.wait(
            for: "\(count) ack frame(s)",
            timeout: timeout,
            evaluate: { state in state.acks.count >= count ? state.acks : nil },
            describe: { state in Self.ackSummary(state) }
        )
    }

    /// Waits until at least `count` distinct known envelopes have been acked.
    /// - Returns: Every ack read so far.
    @discardableResult
    public func waitForAcknowledgedEnvelopes(count: Int, timeout: Duration = .seconds(10)) async throws -> [RecordedAck]
    {
        try await self.core.wait(
            for: "\(count) acknowledged envelope(s)",
            timeout: timeout,
            evaluate: { state in state.acknowledgedEnvelopeCount >= count ? state.acks : nil },
            describe: { state in Self.ackSummary(state) }
        )
    }

    /// Waits for the first ack of one envelope.
    /// - Returns: That ack.
    @discardableResult
    public func waitForAck(envelopeID: String, timeout: Duration = .seconds(10)) async throws -> RecordedAck {
        try await self.core.wait(
            for: "an ack of envelope \(envelopeID)",
            timeout: timeout,
            evaluate: { state in
                guard state.envelopes[envelopeID]?.ackedAt != nil || state.acks.last?.envelopeID == envelopeID else {
                    return nil
                }
                return state.acks.first { $0.envelopeID == envelopeID }
            },
            describe: { state in
                let envelope =
                    state.envelopes[envelopeID].map { state.sentEnvelope($0).description } ?? "envelope unknown"
                return "\(envelope); \(Self.ackSummary(state))"
            }
        )
    }

    /// Write-to-ack-read latencies of every first ack of a known envelope, in ack order.
    public func ackLatencies() -> [Duration] {
        self.core.read { state in
            state.acks.compactMap { ack in ack.isDuplicate ? nil : ack.latency }
        }
    }

    /// Every redelivery (and delivery of a queued event), in order.
    public func redeliveries() -> [RecordedRedelivery] {
        self.core.read { $0.redeliveries }
    }

    /// Waits until at least `count` redeliveries happened.
    @discardableResult
    public func waitForRedeliveries(count: Int, timeout: Duration = .seconds(10)) async throws -> [RecordedRedelivery] {
        try await self.core.wait(
            for: "\(count) redelivery(ies)",
            timeout: timeout,
            evaluate: { state in state.redeliveries.count >= count ? state.redeliveries : nil },
            describe: { state in "\(state.redeliveries.count) redelivery(ies); \(Self.ackSummary(state))" }
        )
    }

    /// Event ids whose retries were exhausted without an ack (Slack gives up on them).
    public func abandonedEventIDs() -> [String] {
        self.core.read { $0.abandonedEventIDs }
    }

    /// Events waiting for a live connection.
    public var queuedEventCount: Int {
        self.core.read { $0.queue.count }
    }

    /// Client frames that were not acceptable acks, in order.
    public func protocolViolations() -> [ProtocolViolation] {
        self.core.read { $0.violations }
    }

    /// Waits until at least `count` protocol violations were recorded.
    @discardableResult
    public func waitForProtocolViolations(
        count: Int,
        timeout: Duration = .seconds(10)
    ) async throws -> [ProtocolViolation] {
        try await self.core.wait(
            for: "\(count) protocol violation(s)",
            timeout: timeout,
            evaluate: { state in state.violations.count >= count ? state.violations : nil },
            describe: { state in "\(state.violations.count) violation(s)" }
        )
    }

    // MARK: Helpers

    /// A one-line summary of acks and envelopes, for timeout messages.
    static func ackSummary(_ state: SimulatorState) -> String {
        let unacked = state.envelopes.values.reduce(0) { $0 + ($1.ackedAt == nil && !$1.dispatchFailed ? 1 : 0) }
        return "\(state.acks.count) ack frame(s) (\(state.acknowledgedEnvelopeCount) distinct), "
            + "\(state.envelopes.count) envelope(s) tracked, \(unacked) unacked, \(state.queue.count) queued, "
            + "\(state.liveConnectionCount) live connection(s), \(state.violations.count) violation(s)"
    }

    /// Issues a response URL and trigger id for an interaction in `channel` by `user`.
    func issueInteractionHandles(channel: String, user: String) -> (String, String, String, String) {
        let responseID = self.core.ids.responseID()
        let triggerID = self.core.ids.triggerID()
        return self.core.mutate { state, _ in
            state.responseURLs[responseID] = ResponseURLState(channel: channel, user: user)
            state.triggers[triggerID] = TriggerState(issuedAt: .now)
            let channelName = state.workspace.conversation(channel)?.info.name ?? "unknown"
            let userName = state.workspace.users[user]?.name ?? user
            return ("\(state.httpBase)/response/\(responseID)", triggerID, channelName, userName)
        }
    }
}
