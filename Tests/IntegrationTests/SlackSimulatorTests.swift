import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import SlackSimulator
import Testing

/// Tests of the simulator itself, driven by small SwiftNIO clients defined at the bottom of this file.
@Suite("SlackSimulator")
struct SlackSimulatorTests {
    static let botToken = "xoxb-test-simulator-0001"
    static let appToken = "xapp-test-simulator-0001"

    // MARK: Web API basics

    @Test(
        "auth.test answers per token kind, with x-oauth-scopes, over one keep-alive connection",
        .timeLimit(.minutes(1))
    )
    func authTest() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.revokedTokens = ["xoxb-test-revoked"]
        let slack = try await SlackSimulator.start(configuration: configuration)
        let http = try await SimTestHTTPClient.connect(port: slack.port)

        let ok = try await http.api("auth.test", token: Self.botToken)
        #expect(ok.status == .ok)
        #expect(ok.headers.first(name: "x-oauth-scopes") == configuration.grantedScopes)
        #expect(ok.headers.first(name: "content-type") == "application/json; charset=utf-8")
        let body = try #require(ok.json())
        #expect(body["ok"] as? Bool == true)
        #expect(body["team_id"] as? String == configuration.teamID)
        #expect(body["user_id"] as? String == configuration.botUserID)
        #expect(body["bot_id"] as? String == configuration.botID)
        #expect(body["url"] as? String == "https://vigil-sim.slack.com/")

        #expect(
            try await http.api("auth.test", token: Self.appToken).json()?["error"] as? String
                == "not_allowed_token_type"
        )
        #expect(try await http.api("auth.test", token: nil).json()?["error"] as? String == "not_authed")
        #expect(
            try await http.api("auth.test", token: "xoxb-real-looking").json()?["error"] as? String == "invalid_auth"
        )
        #expect(
            try await http.api("auth.test", token: "xoxb-test-revoked").json()?["error"] as? String == "token_revoked"
        )
        #expect(
            try await http.api("files.upload", token: Self.botToken).json()?["error"] as? String == "unknown_method"
        )

        let form = try await http.request(
            .POST,
            "/api/auth.test",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "token=\(Self.botToken)"
        )
        #expect(form.json()?["ok"] as? Bool == true)

        let calls = slack.calls(method: "auth.test")
        #expect(calls.count == 6)
        #expect(Set(calls.map(\.httpConnection)).count == 1)
        #expect(calls[0].token == Self.botToken)
        #expect(calls[0].contentType == "application/json; charset=utf-8")
        await http.close()
        await slack.shutdown()
    }

    @Test(
        "apps.connections.open hands out single-use tickets; the upgrade rejects reused (409) and unknown (401) ones",
        .timeLimit(.minutes(1))
    )
    func ticketsAreSingleUse() async throws {
        let slack = try await SlackSimulator.start()
        let http = try await SimTestHTTPClient.connect(port: slack.port)

        #expect(
            try await http.api("apps.connections.open", token: Self.botToken).json()?["error"] as? String
                == "not_allowed_token_type"
        )
        #expect(
            try await http.api("apps.connections.open", token: "xapp-other").json()?["error"] as? String
                == "invalid_auth"
        )
        let url = try await http.connectionsOpen(token: Self.appToken)
        #expect(url.hasPrefix("ws://127.0.0.1:\(slack.port)/link/?ticket="))
        #expect(url.hasSuffix("&app_id=A0SIMAPP"))

        let ws = try await SimTestWebSocket.connect(url: url)
        var events = ws.events.makeAsyncIterator()
        let hello = try #require(await SimTestWebSocket.nextJSON(&events))
        #expect(hello["type"] as? String == "hello")
        #expect(hello["num_connections"] as? Int == 1)
        #expect((hello["connection_info"] as? [String: Any])?["app_id"] as? String == "A0SIMAPP")
        #expect((hello["debug_info"] as? [String: Any])?["approximate_connection_time"] as? Int == 18060)
        let live = try await slack.waitForLiveConnections(count: 1)
        #expect(live.count == 1)
        #expect(live[0].openedAt != nil)

        let path = String(url.dropFirst("ws://127.0.0.1:\(slack.port)".count))
        let reused = try await SimTestHTTPClient.connect(port: slack.port)
        #expect(try await reused.upgradeAttempt(path: path).status == .conflict)
        let unknown = try await SimTestHTTPClient.connect(port: slack.port)
        #expect(
            try await unknown.upgradeAttempt(path: "/link/?ticket=never-issued&app_id=A0SIMAPP").status == .unauthorized
        )

        await ws.close()
        await http.close()
        await reused.close()
        await unknown.close()
        await slack.shutdown()
    }

    // MARK: Envelopes and acks

    @Test(
        "an events_api envelope is acked; latency, duplicates, unknown ids and violations are recorded",
        .timeLimit(.minutes(1))
    )
    func envelopeAck() async throws {
        let slack = try await SlackSimulator.start()
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var events = ws.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&events)  // hello
        try await slack.waitForLiveConnections(count: 1)

        let envelopeID = try slack.sendEventsAPI(
            event:
                #"{"type":"message","text":"disk full","user":"U0SIMALICE","channel":"C0SIMALERTS","ts":"1700000000.000100"}"#,
            eventID: "Ev0TEST00001"
        )
        let envelope = try #require(await SimTestWebSocket.nextJSON(&events))
        #expect(envelope["envelope_id"] as? String == envelopeID)
        #expect(envelope["type"] as? String == "events_api")
        #expect(envelope["accepts_response_payload"] as? Bool == false)
        #expect(envelope["retry_attempt"] as? Int == 0)
        #expect(envelope["retry_reason"] as? String == "")
        let payload = try #require(envelope["payload"] as? [String: Any])
        #expect(payload["event_id"] as? String == "Ev0TEST00001")
        #expect(payload["type"] as? String == "event_callback")
        #expect((payload["event"] as? [String: Any])?["text"] as? String == "disk full")

        try await ws.send(text: #"{"envelope_id":"\#(envelopeID)"}"#)
        let ack = try await slack.waitForAck(envelopeID: envelopeID)
        #expect(!ack.isDuplicate)
        #expect(!ack.isUnknown)
        #expect(ack.eventID == "Ev0TEST00001")
        #expect(ack.envelopeType == "events_api")
        let latency = try #require(ack.latency)
        #expect(latency > .zero)
        #expect(slack.ackLatencies() == [latency])
        #expect(slack.unackedEnvelopes().isEmpty)

        try await ws.send(text: #"{"envelope_id":"\#(envelopeID)","payload":{}}"#)
        try await ws.send(text: #"{"envelope_id":"not-sent-by-simulator"}"#)
        try await ws.send(text: "not json at all")
        try await ws.send(text: #"{"type":"hello_back"}"#)
        let acks = try await slack.waitForAcks(count: 3)
        #expect(acks[1].isDuplicate)
        #expect(acks[1].payloadJSON == "{}")
        #expect(acks[2].isUnknown)
        #expect(slack.duplicateAcks().count == 1)
        #expect(slack.unknownAcks().count == 1)
        #expect(slack.acknowledgedEnvelopeCount == 1)
        let violations = try await slack.waitForProtocolViolations(count: 2)
        #expect(violations.map(\.reason) == ["text frame is not JSON", "JSON frame without a string envelope_id"])

        await ws.close()
        await slack.shutdown()
    }

    @Test("a fragmented ack is not an ack (Slack drops it) and is recorded as a violation", .timeLimit(.minutes(1)))
    func fragmentedAck() async throws {
        let slack = try await SlackSimulator.start()
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var events = ws.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&events)
        try await slack.waitForLiveConnections(count: 1)
        let envelopeID = try slack.sendEventsAPI(event: #"{"type":"app_mention","text":"hi"}"#)
        _ = await SimTestWebSocket.nextJSON(&events)
        try await ws.sendFragmented(parts: [#"{"envelope_id":""#, envelopeID, #""}"#])
        let violations = try await slack.waitForProtocolViolations(count: 1)
        #expect(violations[0].reason.contains("fragmented"))
        #expect(slack.ackCount == 0)
        #expect(slack.unackedEnvelopes().map(\.envelopeID) == [envelopeID])
        await ws.close()
        await slack.shutdown()
    }

    @Test(
        "an unacked event is re-sent after the ack timeout on another connection: new envelope id, same event_id",
        .timeLimit(.minutes(1))
    )
    func redeliveryAfterAckTimeout() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.ackTimeout = .milliseconds(200)
        let slack = try await SlackSimulator.start(configuration: configuration)
        let first = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var firstEvents = first.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&firstEvents)
        try await slack.waitForLiveConnections(count: 1)
        let second = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var secondEvents = second.events.makeAsyncIterator()
        let secondHello = try #require(await SimTestWebSocket.nextJSON(&secondEvents))
        #expect(secondHello["num_connections"] as? Int == 2)
        let live = try await slack.waitForLiveConnections(count: 2)

        let original = try slack.sendEventsAPI(
            event: #"{"type":"message","text":"one"}"#,
            eventID: "Ev0RETRY0001",
            to: live[0].id
        )
        let unanswered = try #require(await SimTestWebSocket.nextJSON(&firstEvents))
        #expect(unanswered["envelope_id"] as? String == original)

        let redelivery = try #require(await SimTestWebSocket.nextJSON(&secondEvents))
        let newID = try #require(redelivery["envelope_id"] as? String)
        #expect(newID != original)
        #expect(redelivery["retry_attempt"] as? Int == 1)
        #expect(redelivery["retry_reason"] as? String == "timeout")
        #expect((redelivery["payload"] as? [String: Any])?["event_id"] as? String == "Ev0RETRY0001")
        try await second.send(text: #"{"envelope_id":"\#(newID)"}"#)
        try await slack.waitForAck(envelopeID: newID)

        let records = slack.redeliveries()
        #expect(records.count == 1)
        #expect(records[0].previousEnvelopeID == original)
        #expect(records[0].newEnvelopeID == newID)
        #expect(records[0].fromConnection == live[0].id)
        #expect(records[0].toConnection == live[1].id)
        #expect(slack.sentEnvelope(original)?.wasRedelivered == true)
        #expect(slack.unackedEnvelopes().map(\.envelopeID) == [original])

        await first.close()
        await second.close()
        await slack.shutdown()
    }

    @Test(
        "events sent while no connection is live are queued and delivered as retries; slash commands are not",
        .timeLimit(.minutes(1))
    )
    func queuedWhileDisconnected() async throws {
        let slack = try await SlackSimulator.start()
        let queuedID = try slack.sendEventsAPI(
            event: #"{"type":"message","text":"while away"}"#,
            eventID: "Ev0QUEUED001"
        )
        let slash = try slack.sendSlashCommand(
            command: "/vigil",
            text: "status",
            userID: "U0SIMALICE",
            channelID: "C0SIMOPS"
        )
        #expect(slack.queuedEventCount == 1)
        #expect(slack.sentEnvelope(slash.envelopeID)?.dispatchFailed == true)

        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var events = ws.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&events)
        let delivered = try #require(await SimTestWebSocket.nextJSON(&events))
        #expect(delivered["envelope_id"] as? String == queuedID)
        #expect(delivered["retry_attempt"] as? Int == 1)
        #expect(delivered["retry_reason"] as? String == "timeout")
        #expect(slack.queuedEventCount == 0)
        #expect(slack.redeliveries().first?.previousEnvelopeID == nil)
        await ws.close()
        await slack.shutdown()
    }

    @Test(
        "a silent connection swallows its share of envelopes; events are redelivered to the live one",
        .timeLimit(.minutes(1))
    )
    func silentGhostConnection() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.ackTimeout = .milliseconds(200)
        let slack = try await SlackSimulator.start(configuration: configuration)
        let ghost = try await SimTestWebSocket.open(slack, token: Self.appToken)
        try await slack.waitForLiveConnections(count: 1)
        let healthy = try await SimTestWebSocket.open(slack, token: Self.appToken, autoAck: true)
        let live = try await slack.waitForLiveConnections(count: 2)
        try slack.setSilent(live[0].id, true)
        #expect(slack.connection(live[0].id)?.state == .silent)
        #expect(slack.liveConnections().map(\.id) == [live[1].id])

        var ids: [String] = []
        for index in 0..<4 {
            ids.append(try slack.sendEventsAPI(event: #"{"type":"message","text":"n\#(index)"}"#))
        }
        let swallowed = slack.sentEnvelopes().filter(\.swallowedBySilentConnection)
        #expect(swallowed.count == 2)
        // 2 direct acks + 2 acks of the redelivered events.
        try await slack.waitForAcknowledgedEnvelopes(count: 4)
        let redelivered = slack.redeliveries()
        #expect(redelivered.count == 2)
        #expect(Set(redelivered.map(\.previousEnvelopeID)) == Set(swallowed.map(\.envelopeID)))
        #expect(redelivered.allSatisfy { $0.toConnection == live[1].id })

        await ghost.close()
        await healthy.close()
        await slack.shutdown()
    }

    @Test(
        "disconnect refresh_requested: the client replaces the connection make-before-break, no live gap",
        .timeLimit(.minutes(1))
    )
    func refreshWithoutGap() async throws {
        let slack = try await SlackSimulator.start()
        let old = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var oldEvents = old.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&oldEvents)
        let before = try await slack.waitForLiveConnections(count: 1)
        let since = ContinuousClock.now

        try slack.disconnect(before[0].id, reason: .refreshRequested)
        let frame = try #require(await SimTestWebSocket.nextJSON(&oldEvents))
        #expect(frame["type"] as? String == "disconnect")
        #expect(frame["reason"] as? String == "refresh_requested")

        let replacement = try await SimTestWebSocket.open(slack, token: Self.appToken)
        try await slack.waitForLiveConnections(count: 2)
        try await old.sendClose(code: 1000)
        let closed = try await slack.waitForClose(connection: before[0].id)
        #expect(closed.clientCloseCode == 1000)
        #expect(closed.disconnectReasonSent == .refreshRequested)
        #expect(!closed.closedByServer)
        #expect(slack.liveConnectionGaps(since: since).isEmpty)

        let replacementID = slack.liveConnections()[0].id
        try slack.cutTCP(replacementID)
        #expect(try await slack.waitForClose(connection: replacementID).closedByServer)
        var replacementEvents = replacement.events.makeAsyncIterator()
        var sawCloseFrame = false
        while let event = await replacementEvents.next() {
            if case .close = event { sawCloseFrame = true }
        }
        #expect(!sawCloseFrame)
        let gaps = slack.liveConnectionGaps(since: since)
        #expect(gaps.count == 1)
        #expect(gaps[0].end == nil)
        await slack.shutdown()
    }

    @Test("a disconnect is followed by a server-side close after the grace period", .timeLimit(.minutes(1)))
    func disconnectGracePeriod() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.disconnectGracePeriod = .milliseconds(100)
        let slack = try await SlackSimulator.start(configuration: configuration)
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken)
        let live = try await slack.waitForLiveConnections(count: 1)
        try slack.disconnect(live[0].id, reason: .warning)
        let closed = try await slack.waitForClose(connection: live[0].id)
        #expect(closed.closedByServer)
        var events = ws.events.makeAsyncIterator()
        var closeCode: Int?
        while let event = await events.next() {
            if case .close(let code) = event { closeCode = code }
        }
        #expect(closeCode == 1001)
        await slack.shutdown()
    }

    @Test("client pings are answered with pongs", .timeLimit(.minutes(1)))
    func pingPong() async throws {
        let slack = try await SlackSimulator.start()
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var events = ws.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&events)
        try await ws.ping("vigil-1")
        var pong: String?
        while let event = await events.next() {
            if case .pong(let payload) = event {
                pong = payload
                break
            }
        }
        #expect(pong == "vigil-1")
        #expect(slack.connections()[0].pingsReceived == 1)
        await ws.close()
        await slack.shutdown()
    }

    @Test("slash command: response_url is recorded, trigger_id opens one view", .timeLimit(.minutes(1)))
    func slashCommand() async throws {
        let slack = try await SlackSimulator.start()
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var events = ws.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&events)
        try await slack.waitForLiveConnections(count: 1)
        let sent = try slack.sendSlashCommand(
            command: "/vigil",
            text: "ack INC-1",
            userID: "U0SIMALICE",
            channelID: "C0SIMOPS"
        )
        let envelope = try #require(await SimTestWebSocket.nextJSON(&events))
        #expect(envelope["type"] as? String == "slash_commands")
        #expect(envelope["accepts_response_payload"] as? Bool == true)
        let payload = try #require(envelope["payload"] as? [String: Any])
        #expect(payload["command"] as? String == "/vigil")
        #expect(payload["text"] as? String == "ack INC-1")
        #expect(payload["response_url"] as? String == sent.responseURL)
        try await ws.send(text: #"{"envelope_id":"\#(sent.envelopeID)","payload":{"text":"on it"}}"#)
        let ack = try await slack.waitForAck(envelopeID: sent.envelopeID)
        #expect(ack.payloadJSON == #"{"text":"on it"}"#)

        let http = try await SimTestHTTPClient.connect(port: slack.port)
        let path = String(sent.responseURL.dropFirst("http://127.0.0.1:\(slack.port)".count))
        let answer = try await http.request(
            .POST,
            path,
            headers: [("Content-Type", "application/json")],
            body: #"{"response_type":"in_channel","text":"INC-1 acknowledged"}"#
        )
        #expect(answer.json()?["ok"] as? Bool == true)
        let recorded = try await slack.waitForCalls(method: "response_url", count: 1)
        #expect(recorded[0].params["text"] == "INC-1 acknowledged")
        #expect(try slack.messages(in: "C0SIMOPS").last?.text == "INC-1 acknowledged")

        let view = #"{"type":"modal","title":{"type":"plain_text","text":"Ack"},"blocks":[]}"#
        let opened = try await http.api(
            "views.open",
            token: Self.botToken,
            json: #"{"trigger_id":"\#(sent.triggerID)","view":\#(view)}"#
        )
        #expect((opened.json()?["view"] as? [String: Any])?["type"] as? String == "modal")
        let again = try await http.api(
            "views.open",
            token: Self.botToken,
            json: #"{"trigger_id":"\#(sent.triggerID)","view":\#(view)}"#
        )
        #expect(again.json()?["error"] as? String == "exchanged_trigger_id")
        await http.close()
        await ws.close()
        await slack.shutdown()
    }

    @Test(
        "a batch of 500 envelopes to an auto-acking client: every ack is recorded with a latency",
        .timeLimit(.minutes(1))
    )
    func batch() async throws {
        let slack = try await SlackSimulator.start()
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken, autoAck: true)
        try await slack.waitForLiveConnections(count: 1)
        let ids = try await slack.sendEventsAPIBatch(count: 500) { index in
            #"{"type":"message","text":"burst \#(index)","channel":"C0SIMALERTS"}"#
        }
        #expect(Set(ids).count == 500)
        let acks = try await slack.waitForAcknowledgedEnvelopes(count: 500)
        #expect(acks.count == 500)
        #expect(slack.ackLatencies().count == 500)
        #expect(slack.duplicateAcks().isEmpty)
        #expect(slack.unackedEnvelopes().isEmpty)
        #expect(Set(slack.sentEnvelopes().compactMap(\.eventID)).count == 500)
        await ws.close()
        await slack.shutdown()
    }

    @Test("a paced batch and the simulator's own pings", .timeLimit(.minutes(1)))
    func pacedBatchAndServerPings() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.pingInterval = .milliseconds(20)
        let slack = try await SlackSimulator.start(configuration: configuration)
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken, autoAck: true)
        var events = ws.events.makeAsyncIterator()
        let live = try await slack.waitForLiveConnections(count: 1)
        try await slack.sendEventsAPIBatch(count: 100, rate: 2000) { index in
            #"{"type":"message","text":"paced \#(index)"}"#
        }
        try await slack.waitForAcknowledgedEnvelopes(count: 100)
        var ping: String?
        while let event = await events.next() {
            if case .ping(let payload) = event {
                ping = payload
                break
            }
        }
        #expect(ping == "Ping from applink-sim-1")
        await ws.close()
        #expect(try await slack.waitForClose(connection: live[0].id).pongsReceived >= 1)
        await slack.shutdown()
    }

    @Test("a wait that cannot succeed times out with what was awaited and what was seen", .timeLimit(.minutes(1)))
    func waitTimeoutExplains() async throws {
        let slack = try await SlackSimulator.start()
        let error = await #expect(throws: SlackSimulatorError.self) {
            try await slack.waitForAcks(count: 1, timeout: .milliseconds(20))
        }
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("1 ack frame(s)") == true)
        #expect(error?.description.contains("saw 0 ack frame(s)") == true)
        await slack.shutdown()
    }

    // MARK: Web API behaviour and faults

    @Test("chat.postMessage: membership, join, the per-channel rate rule, history and replies", .timeLimit(.minutes(1)))
    func postMessageRules() async throws {
        let slack = try await SlackSimulator.start()
        let http = try await SimTestHTTPClient.connect(port: slack.port)

        let notIn = try await http.api(
            "chat.postMessage",
            token: Self.botToken,
            json: #"{"channel":"C0SIMRANDOM","text":"hi"}"#
        )
        #expect(notIn.json()?["error"] as? String == "not_in_channel")
        let hidden = try await http.api(
            "chat.postMessage",
            token: Self.botToken,
            json: #"{"channel":"G0SIMSECRET","text":"hi"}"#
        )
        #expect(hidden.json()?["error"] as? String == "channel_not_found")
        let joined = try await http.api("conversations.join", token: Self.botToken, json: #"{"channel":"C0SIMRANDOM"}"#)
        #expect((joined.json()?["channel"] as? [String: Any])?["is_member"] as? Bool == true)

        let first = try await http.api(
            "chat.postMessage",
            token: Self.botToken,
            json: #"{"channel":"C0SIMALERTS","text":"root"}"#
        )
        let firstBody = try #require(first.json())
        let rootTS = try #require(firstBody["ts"] as? String)
        #expect(firstBody["channel"] as? String == "C0SIMALERTS")
        #expect((firstBody["message"] as? [String: Any])?["bot_id"] as? String == "B0SIMBOT")

        let limited = try await http.api(
            "chat.postMessage",
            token: Self.botToken,
            json: #"{"channel":"C0SIMALERTS","text":"again","thread_ts":"\#(rootTS)"}"#
        )
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headers.first(name: "retry-after") == "1")
        #expect(limited.body == #"{"ok":false,"error":"ratelimited"}"#)

        let elsewhere = try await http.api(
            "chat.postMessage",
            token: Self.botToken,
            json: #"{"channel":"C0SIMRANDOM","text":"other channel"}"#
        )
        #expect(elsewhere.json()?["ok"] as? Bool == true)

        slack.setChannelPostRateLimit(nil)
        let reply = try await http.api(
            "chat.postMessage",
            token: Self.botToken,
            json: #"{"channel":"C0SIMALERTS","text":"in thread","thread_ts":"\#(rootTS)"}"#
        )
        let replyTS = try #require(reply.json()?["ts"] as? String)
        #expect(replyTS > rootTS)

        let stored = try slack.messages(in: "C0SIMALERTS")
        #expect(stored.map(\.text) == ["root", "in thread"])
        #expect(stored[1].threadTS == rootTS)
        #expect(try slack.threadReplies(channel: "C0SIMALERTS", threadTS: rootTS).map(\.ts) == [replyTS])

        let history = try #require(
            try await http.api("conversations.history", token: Self.botToken, json: #"{"channel":"C0SIMALERTS"}"#)
                .json()
        )
        let messages = try #require(history["messages"] as? [[String: Any]])
        #expect(messages.count == 1)
        #expect(messages[0]["reply_count"] as? Int == 1)
        let replies = try #require(
            try await http.api(
                "conversations.replies",
                token: Self.botToken,
                json: #"{"channel":"C0SIMALERTS","ts":"\#(rootTS)"}"#
            ).json()
        )
        #expect((replies["messages"] as? [[String: Any]])?.compactMap { $0["ts"] as? String } == [rootTS, replyTS])

        let reacted = try await http.api(
            "reactions.add",
            token: Self.botToken,
            json: #"{"channel":"C0SIMALERTS","timestamp":"\#(rootTS)","name":"eyes"}"#
        )
        #expect(reacted.json()?["ok"] as? Bool == true)
        let twice = try await http.api(
            "reactions.add",
            token: Self.botToken,
            json: #"{"channel":"C0SIMALERTS","timestamp":"\#(rootTS)","name":"eyes"}"#
        )
        #expect(twice.json()?["error"] as? String == "already_reacted")
        #expect(slack.reactions(channel: "C0SIMALERTS", ts: rootTS) == ["eyes"])
        let noReaction = try await http.api(
            "reactions.remove",
            token: Self.botToken,
            json: #"{"channel":"C0SIMALERTS","timestamp":"\#(rootTS)","name":"fire"}"#
        )
        #expect(noReaction.json()?["error"] as? String == "no_reaction")

        let updated = try await http.api(
            "chat.update",
            token: Self.botToken,
            json: #"{"channel":"C0SIMALERTS","ts":"\#(rootTS)","text":"root (resolved)"}"#
        )
        #expect(updated.json()?["ok"] as? Bool == true)
        #expect(slack.message(channel: "C0SIMALERTS", ts: rootTS)?.text == "root (resolved)")

        let form = try await http.request(
            .POST,
            "/api/chat.postMessage",
            headers: [
                ("Authorization", "Bearer \(Self.botToken)"), ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body: "channel=C0SIMOPS&text=form+post%21&blocks=%5B%5D"
        )
        #expect(form.json()?["ok"] as? Bool == true)
        #expect(try slack.messages(in: "C0SIMOPS").last?.text == "form post!")
        await http.close()
        await slack.shutdown()
    }

    @Test(
        "faults: 429 with Retry-After, server error, Slack error with extras, drop-after-read stores the post, delay",
        .timeLimit(.minutes(1))
    )
    func faults() async throws {
        let slack = try await SlackSimulator.start()
        slack.setChannelPostRateLimit(nil)
        let post = #"{"channel":"C0SIMALERTS","text":"alert"}"#
        slack.injectFault(.rateLimited(retryAfterSeconds: 7), method: "chat.postMessage")
        slack.injectFault(.serverError(status: 503), method: "chat.postMessage")
        slack.injectFault(
            .slackError("missing_scope", extra: ["needed": "chat:write", "provided": "channels:read"]),
            method: "chat.postMessage"
        )
        slack.injectFault(.dropConnectionAfterReading, method: "chat.postMessage")
        slack.injectFault(.delay(.milliseconds(50)), method: "chat.postMessage")
        #expect(slack.pendingFaultCount == 5)

        let http = try await SimTestHTTPClient.connect(port: slack.port)
        let limited = try await http.api("chat.postMessage", token: Self.botToken, json: post)
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headers.first(name: "Retry-After") == "7")
        #expect(limited.json()?["error"] as? String == "ratelimited")
        #expect(try await http.api("chat.postMessage", token: Self.botToken, json: post).status == .serviceUnavailable)
        let scope = try #require(try await http.api("chat.postMessage", token: Self.botToken, json: post).json())
        #expect(scope["error"] as? String == "missing_scope")
        #expect(scope["needed"] as? String == "chat:write")
        #expect(scope["provided"] as? String == "channels:read")
        #expect(try slack.messages(in: "C0SIMALERTS").isEmpty)

        await #expect(throws: (any Error).self) {
            _ = try await http.api("chat.postMessage", token: Self.botToken, json: post)
        }
        #expect(try slack.messages(in: "C0SIMALERTS").count == 1)
        #expect(slack.calls(method: "chat.postMessage").last?.responseStatus == nil)

        let second = try await SimTestHTTPClient.connect(port: slack.port)
        let delayed = try await second.api("chat.postMessage", token: Self.botToken, json: post)
        #expect(delayed.json()?["ok"] as? Bool == true)
        #expect(try slack.messages(in: "C0SIMALERTS").count == 2)
        #expect(slack.pendingFaultCount == 0)
        #expect(
            slack.calls(method: "chat.postMessage").map(\.fault) == [
                .rateLimited(retryAfterSeconds: 7), .serverError(status: 503),
                .slackError("missing_scope", extra: ["needed": "chat:write", "provided": "channels:read"]),
                .dropConnectionAfterReading, .delay(.milliseconds(50)),
            ]
        )
        await second.close()
        await slack.shutdown()
    }

    @Test("postAsBot and editMessage reach the client as message and message_changed events", .timeLimit(.minutes(1)))
    func injectedMessages() async throws {
        let slack = try await SlackSimulator.start()
        let ws = try await SimTestWebSocket.open(slack, token: Self.appToken)
        var events = ws.events.makeAsyncIterator()
        _ = await SimTestWebSocket.nextJSON(&events)
        try await slack.waitForLiveConnections(count: 1)

        let ts = try slack.postAsBot(
            channel: "C0SIMALERTS",
            fieldsJSON:
                #"{"subtype":"bot_message","bot_id":"B0PROM","username":"Alertmanager","text":"[FIRING:1] DiskFull"}"#
        )
        let posted = try #require(await SimTestWebSocket.nextJSON(&events))
        let event = try #require((posted["payload"] as? [String: Any])?["event"] as? [String: Any])
        #expect(event["ts"] as? String == ts)
        #expect(event["subtype"] as? String == "bot_message")
        #expect(event["channel"] as? String == "C0SIMALERTS")
        #expect(event["channel_type"] as? String == "channel")

        try slack.editMessage(channel: "C0SIMALERTS", ts: ts, fieldsJSON: #"{"text":"[RESOLVED] DiskFull"}"#)
        let changed = try #require(await SimTestWebSocket.nextJSON(&events))
        let changedEvent = try #require((changed["payload"] as? [String: Any])?["event"] as? [String: Any])
        #expect(changedEvent["subtype"] as? String == "message_changed")
        #expect((changedEvent["message"] as? [String: Any])?["text"] as? String == "[RESOLVED] DiskFull")
        #expect((changedEvent["previous_message"] as? [String: Any])?["text"] as? String == "[FIRING:1] DiskFull")

        _ = try slack.postAsBot(channel: "C0SIMRANDOM", text: "not a member: stored, no event")
        #expect(try slack.messages(in: "C0SIMRANDOM").count == 1)
        #expect(slack.sentEnvelopes().count == 2)
        await ws.close()
        await slack.shutdown()
    }

    // MARK: TLS

    @Test("TLS: https Web API and wss Socket Mode with a CA made by openssl at test time", .timeLimit(.minutes(1)))
    func tls() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "slack-sim-tls-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ca = try await TestCertificateAuthority.make(in: directory)
        var configuration = SlackSimulator.Configuration()
        configuration.tls = .init(certificateChainPEMPath: ca.certPEMPath, privateKeyPEMPath: ca.keyPEMPath)
        let slack = try await SlackSimulator.start(configuration: configuration)
        #expect(slack.apiBaseURL == "https://127.0.0.1:\(slack.port)/api/")

        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        tlsConfiguration.trustRoots = .file(ca.caPEMPath)
        tlsConfiguration.certificateVerification = .fullVerification
        let context = try NIOSSLContext(configuration: tlsConfiguration)

        let byName = try await SimTestHTTPClient.connect(port: slack.port, tls: context, serverHostname: "localhost")
        #expect(try await byName.api("auth.test", token: Self.botToken).json()?["ok"] as? Bool == true)
        let byIP = try await SimTestHTTPClient.connect(port: slack.port, tls: context, serverHostname: nil)
        let url = try await byIP.connectionsOpen(token: Self.appToken)
        #expect(url.hasPrefix("wss://127.0.0.1:\(slack.port)/link/"))

        let ws = try await SimTestWebSocket.connect(url: url, tls: context)
        var events = ws.events.makeAsyncIterator()
        #expect(try #require(await SimTestWebSocket.nextJSON(&events))["type"] as? String == "hello")
        try await slack.waitForLiveConnections(count: 1)

        var untrusting = TLSConfiguration.makeClientConfiguration()
        untrusting.certificateVerification = .fullVerification
        untrusting.trustRoots = .certificates([])
        let strangerContext = try NIOSSLContext(configuration: untrusting)
        await #expect(throws: (any Error).self) {
            let stranger = try await SimTestHTTPClient.connect(
                port: slack.port,
                tls: strangerContext,
                serverHostname: "localhost"
            )
            _ = try await stranger.api("auth.test", token: Self.botToken)
        }

        await ws.close()
        await byName.close()
        await byIP.close()
        await slack.shutdown()
    }
}

// MARK: - Test clients (file-private; names prefixed to stay clear of other files in the target)

/// A response read by ``SimTestHTTPClient``.
private struct SimTestHTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: String

    func json() -> [String: Any]? {
        guard let data = self.body.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

private struct SimTestHTTPClientError: Error, CustomStringConvertible {
    var description: String
}

/// One outbound request with the promise for its response.
private struct SimTestHTTPRequest: Sendable {
    var head: HTTPRequestHead
    var body: String
    var promise: EventLoopPromise<SimTestHTTPResponse>
}

/// Pairs requests with responses in order on one keep-alive connection.
private final class SimTestHTTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = SimTestHTTPRequest
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: [EventLoopPromise<SimTestHTTPResponse>] = []
    private var head: HTTPResponseHead?
    private var body = ""

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = Self.unwrapOutboundIn(data)
        self.pending.append(request.promise)
        context.write(Self.wrapOutboundOut(.head(request.head)), promise: nil)
        if !request.body.isEmpty {
            context.write(
                Self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: request.body)))),
                promise: nil
            )
        }
        context.write(Self.wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = ""
        case .body(let buffer):
            self.body += String(buffer: buffer)
        case .end:
            guard let head = self.head, !self.pending.isEmpty else { return }
            self.pending.removeFirst().succeed(
                SimTestHTTPResponse(status: head.status, headers: head.headers, body: self.body)
            )
            self.head = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let pending = self.pending
        self.pending.removeAll()
        for promise in pending {
            promise.fail(SimTestHTTPClientError(description: "connection closed before the response"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let pending = self.pending
        self.pending.removeAll()
        for promise in pending { promise.fail(error) }
        context.close(promise: nil)
    }
}

/// A minimal HTTP/1.1 client over one keep-alive connection (optionally TLS).
private final class SimTestHTTPClient: Sendable {
    let channel: any Channel
    let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    static func connect(
        port: Int,
        tls: NIOSSLContext? = nil,
        serverHostname: String? = nil
    ) async throws -> SimTestHTTPClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: serverHostname)
                        )
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(SimTestHTTPClientHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return SimTestHTTPClient(channel: channel, port: port)
    }

    func request(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: String = ""
    ) async throws -> SimTestHTTPResponse {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(self.port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        let promise = self.channel.eventLoop.makePromise(of: SimTestHTTPResponse.self)
        self.channel.writeAndFlush(SimTestHTTPRequest(head: head, body: body, promise: promise)).whenFailure { error in
            promise.fail(error)
        }
        return try await promise.futureResult.get()
    }

    /// A Web API call with a JSON body and an optional bearer token.
    func api(_ method: String, token: String?, json: String = "{}") async throws -> SimTestHTTPResponse {
        var headers = [("Content-Type", "application/json; charset=utf-8")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try await self.request(.POST, "/api/\(method)", headers: headers, body: json)
    }

    /// Calls `apps.connections.open` and returns the WebSocket URL.
    func connectionsOpen(token: String) async throws -> String {
        let response = try await self.api("apps.connections.open", token: token)
        guard let url = response.json()?["url"] as? String else {
            throw SimTestHTTPClientError(description: "apps.connections.open failed: \(response.body)")
        }
        return url
    }

    /// Sends a WebSocket upgrade request and returns the (non-101) answer.
    func upgradeAttempt(path: String) async throws -> SimTestHTTPResponse {
        try await self.request(
            .GET,
            path,
            headers: [
                ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
                ("Sec-WebSocket-Key", NIOWebSocketClientUpgrader.randomRequestKey()),
            ]
        )
    }

    func close() async {
        try? await self.channel.close()
    }
}

/// A Socket Mode client good enough to test the simulator: masks its frames, answers pings, optionally acks every
/// envelope as soon as it is read.
private final class SimTestWebSocket: Sendable {
    enum Event: Sendable {
        case text(String)
        case binary(Int)
        case ping(String)
        case pong(String)
        case close(Int?)
    }

    enum UpgradeResult: Sendable {
        case upgraded
        case declined
    }

    let channel: any Channel
    let events: AsyncStream<Event>

    private init(channel: any Channel, events: AsyncStream<Event>) {
        self.channel = channel
        self.events = events
    }

    /// Calls `apps.connections.open` with `token` and connects.
    static func open(_ slack: SlackSimulator, token: String, autoAck: Bool = false) async throws -> SimTestWebSocket {
        let http = try await SimTestHTTPClient.connect(port: slack.port)
        let url = try await http.connectionsOpen(token: token)
        await http.close()
        return try await self.connect(url: url, autoAck: autoAck)
    }

    static func connect(url: String, tls: NIOSSLContext? = nil, autoAck: Bool = false) async throws -> SimTestWebSocket
    {
        guard let components = URLComponents(string: url), let port = components.port else {
            throw SimTestHTTPClientError(description: "bad URL \(url)")
        }
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let (channel, upgrade) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: nil)
                        )
                    }
                    let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeResult>(
                        maxFrameSize: 1 << 20,
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(
                                    SimTestWebSocketHandler(continuation: continuation, autoAck: autoAck)
                                )
                                return UpgradeResult.upgraded
                            }
                        }
                    )
                    var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
                    head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration(
                        upgradeRequestHead: head,
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeSucceededFuture(UpgradeResult.declined)
                        }
                    )
                    // Slack (and the simulator) write `hello` right behind the 101; keep those bytes.
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    let result = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: pipeline
                    )
                    return (channel, result)
                }
            }
        guard try await upgrade.get() == .upgraded else {
            try? await channel.close()
            throw SimTestHTTPClientError(description: "WebSocket upgrade declined for \(target)")
        }
        return SimTestWebSocket(channel: channel, events: events)
    }

    /// The next text frame parsed as a JSON object, skipping control frames; `nil` when the connection ended.
    static func nextJSON(_ iterator: inout AsyncStream<Event>.Iterator) async -> [String: Any]? {
        while let event = await iterator.next() {
            if case .text(let text) = event {
                return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            }
        }
        return nil
    }

    func send(text: String) async throws {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text))
        try await self.channel.writeAndFlush(frame)
    }

    func sendFragmented(parts: [String]) async throws {
        for (index, part) in parts.enumerated() {
            let frame = WebSocketFrame(
                fin: index == parts.count - 1,
                opcode: index == 0 ? .text : .continuation,
                maskKey: .random(),
                data: ByteBuffer(string: part)
            )
            try await self.channel.writeAndFlush(frame)
        }
    }

    func ping(_ payload: String) async throws {
        try await self.channel.writeAndFlush(
            WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: ByteBuffer(string: payload))
        )
    }

    func sendClose(code: UInt16) async throws {
        var data = ByteBuffer()
        data.writeInteger(code)
        try await self.channel.writeAndFlush(
            WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        )
    }

    func close() async {
        try? await self.channel.close()
    }
}

/// Feeds frames into the client's event stream.
private final class SimTestWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let continuation: AsyncStream<SimTestWebSocket.Event>.Continuation
    private let autoAck: Bool

    init(continuation: AsyncStream<SimTestWebSocket.Event>.Continuation, autoAck: Bool) {
        self.continuation = continuation
        self.autoAck = autoAck
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let text = String(buffer: frame.unmaskedData)
            if self.autoAck,
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                let envelopeID = object["envelope_id"] as? String
            {
                let ack = WebSocketFrame(
                    fin: true,
                    opcode: .text,
                    maskKey: .random(),
                    data: context.channel.allocator.buffer(string: #"{"envelope_id":"\#(envelopeID)"}"#)
                )
                context.writeAndFlush(Self.wrapOutboundOut(ack), promise: nil)
            }
            self.continuation.yield(.text(text))
        case .binary:
            self.continuation.yield(.binary(frame.length))
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
            self.continuation.yield(.ping(String(buffer: frame.unmaskedData)))
        case .pong:
            self.continuation.yield(.pong(String(buffer: frame.unmaskedData)))
        case .connectionClose:
            var data = frame.unmaskedData
            self.continuation.yield(.close(data.readInteger(as: UInt16.self).map(Int.init)))
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.continuation.finish()
        context.close(promise: nil)
    }
}
