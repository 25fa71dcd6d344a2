import SlackSocketMode
import VigilBase
import Foundation
import SlackSimulator
import Testing

/// The real libwebsockets shim and libcurl driver against the simulator over 127.0.0.1.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SocketModeServiceTests {
    @Test func connectsAndGoesLiveAfterHello() async throws {
        let harness = try await SocketModeHarness()
        let live = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        #expect(live.count == 2)
        #expect(harness.simulator.calls(method: "apps.connections.open").count >= 2)
        #expect(harness.simulator.calls(method: "apps.connections.open").allSatisfy { $0.token == "xapp-test-harness" })
        try await harness.stop()
    }

    @Test func acksAThousandEnvelopesOverTwoConnectionsExactlyOnce() async throws {
        let harness = try await SocketModeHarness()
        _ = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        let ids = try await harness.simulator.sendEventsAPIBatch(count: 1_000, rate: 500) { SocketModeHarness.humanMessage($0) }
        #expect(ids.count == 1_000)
        let acks = try await harness.simulator.waitForAcknowledgedEnvelopes(count: 1_000, timeout: .seconds(30))
        #expect(Set(acks.map(\.envelopeID)).isSuperset(of: Set(ids)))
        #expect(harness.simulator.duplicateAcks().isEmpty)
        #expect(harness.simulator.unknownAcks().isEmpty)
        #expect(harness.simulator.unackedEnvelopes().isEmpty)
        #expect(Set(acks.map(\.connection)).count == 2, "both connections carried envelopes")
        #expect(harness.simulator.protocolViolations().isEmpty)
        try await waitUntil { harness.handler.envelopes.count == 1_000 }
        #expect(Set(harness.handler.eventIDs).count == 1_000)
        try await harness.stop()
    }

    @Test func refreshIsMakeBeforeBreak() async throws {
        var simulatorConfiguration = SlackSimulator.Configuration()
        simulatorConfiguration.ackTimeout = .seconds(1)
        let harness = try await SocketModeHarness(simulatorConfiguration: simulatorConfiguration)
        let live = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        let since = ContinuousClock.now
        let old = try #require(live.first).id
        let sending = Task {
            try await harness.simulator.sendEventsAPIBatch(count: 600, rate: 300) { SocketModeHarness.humanMessage($0) }
        }
        // Refresh while envelopes flow: once some have been acked.
        try await waitUntil { harness.simulator.acks().count >= 30 }
        try harness.simulator.disconnect(old, reason: .refreshRequested)
        let closed = try await harness.simulator.waitForClose(connection: old, timeout: .seconds(15))
        #expect(closed.clientCloseCode == 1000, "the old connection is closed by Vigil with a close frame")
        #expect(closed.closedByServer == false)
        _ = try await sending.value
        // An envelope Slack routes to the old connection after Vigil's close frame cannot be acked there (RFC 6455);
        // Slack redelivers it to the live one. Every event must end up acked, none twice.
        let sentEvents = Set(harness.simulator.sentEnvelopes().compactMap(\.eventID))
        #expect(sentEvents.count == 600)
        try await waitUntil(timeout: .seconds(30)) {
            sentEvents.isSubset(of: Set(harness.simulator.acks().compactMap(\.eventID)))
        }
        #expect(harness.simulator.duplicateAcks().isEmpty)
        #expect(harness.simulator.abandonedEventIDs().isEmpty)
        #expect(harness.simulator.liveConnectionGaps(since: since).isEmpty, "never a moment without a live connection")
        _ = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        try await harness.stop()
    }

    @Test func reconnectsAfterATCPCut() async throws {
        let harness = try await SocketModeHarness()
        let live = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        let cut = try #require(live.first).id
        try harness.simulator.cutTCP(cut)
        try await waitUntil { harness.simulator.liveConnections().count == 2 && !harness.simulator.liveConnections().contains { $0.id == cut } }
        let ids = try await harness.simulator.sendEventsAPIBatch(count: 50, rate: nil) { SocketModeHarness.humanMessage($0) }
        _ = try await harness.simulator.waitForAcknowledgedEnvelopes(count: ids.count, timeout: .seconds(15))
        #expect(harness.simulator.unackedEnvelopes().isEmpty)
        try await harness.stop()
    }

    @Test func replacesASilentConnectionAndLosesNothing() async throws {
        var simulator = SlackSimulator.Configuration()
        simulator.ackTimeout = .seconds(1)
        let harness = try await SocketModeHarness(simulatorConfiguration: simulator)
        let live = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        let ghost = try #require(live.first).id
        try harness.simulator.setSilent(ghost, true)
        // Envelopes routed to the ghost vanish; Slack (the simulator) redelivers them after the ack timeout.
        let ids = try await harness.simulator.sendEventsAPIBatch(count: 20, rate: 100) { SocketModeHarness.humanMessage($0) }
        #expect(ids.count == 20)
        _ = try await harness.simulator.waitForClose(connection: ghost, timeout: .seconds(10))
        _ = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        try await waitUntil(timeout: .seconds(20)) { Set(harness.handler.eventIDs).count == 20 }
        #expect(harness.handler.eventIDs.count == 20, "each event handled once, redeliveries deduplicated")
        try await harness.stop()
    }

    @Test func survivesGarbageAndStillAcksTheNextEnvelope() async throws {
        let harness = try await SocketModeHarness(socketMode: SocketModeHarness.fastSocketMode(connections: 1))
        let live = try await harness.simulator.waitForLiveConnections(count: 1, timeout: .seconds(15))
        let connection = try #require(live.first).id
        try harness.simulator.sendRaw(text: "this is not json", to: connection)
        try harness.simulator.sendRaw(text: #"{"type":"events_api","envelope_id":"#, to: connection)
        try harness.simulator.sendRaw(text: String(repeating: "[", count: 50_000), to: connection)
        try harness.simulator.sendBinary(bytes: [0, 1, 2, 255], to: connection)
        let unknown = try harness.simulator.sendEnvelope(rawJSON: #"{"envelope_id":"env-unknown-1","type":"brand_new_type","payload":{}}"#, to: connection)
        let missing = try harness.simulator.sendEnvelope(rawJSON: #"{"envelope_id":"env-missing-1","type":"events_api"}"#, to: connection)
        let next = try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(1), to: connection)
        _ = try await harness.simulator.waitForAck(envelopeID: next, timeout: .seconds(10))
        if let unknown { _ = try await harness.simulator.waitForAck(envelopeID: unknown, timeout: .seconds(10)) }
        if let missing { _ = try await harness.simulator.waitForAck(envelopeID: missing, timeout: .seconds(10)) }
        #expect(harness.simulator.connection(connection)?.state == .live, "garbage never drops the connection")
        try await waitUntil { harness.handler.envelopes.contains { $0.envelopeID == next } }
        #expect(!harness.handler.envelopes.contains { $0.envelopeID == unknown }, "unknown envelope types are acked, never handled")
        try await harness.stop()
    }

    @Test func redeliveredEventIsDispatchedOnce() async throws {
        let harness = try await SocketModeHarness()
        _ = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        let first = try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(7), eventID: "EvDUPLICATE1")
        let second = try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(7), eventID: "EvDUPLICATE1", retryAttempt: 1)
        _ = try await harness.simulator.waitForAck(envelopeID: first, timeout: .seconds(10))
        _ = try await harness.simulator.waitForAck(envelopeID: second, timeout: .seconds(10))
        let marker = try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(8), eventID: "EvMARKER1")
        _ = try await harness.simulator.waitForAck(envelopeID: marker, timeout: .seconds(10))
        try await waitUntil { harness.handler.eventIDs.contains("EvMARKER1") }
        #expect(harness.handler.eventIDs.filter { $0 == "EvDUPLICATE1" }.count == 1)
        try await harness.stop()
    }

    @Test func envelopesTheHandlerDoesNotNeedAreAckedButNeverHandled() async throws {
        let handler = RecordingHandler(declines: { $0.eventID?.hasPrefix("EvSKIP") == true })
        let harness = try await SocketModeHarness(handler: handler)
        _ = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        var skipped: [String] = []
        for index in 0..<20 {
            skipped.append(try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(index), eventID: "EvSKIP\(index)"))
        }
        let kept = try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(99), eventID: "EvKEEP1")
        let acks = try await harness.simulator.waitForAcknowledgedEnvelopes(count: 21, timeout: .seconds(10))
        #expect(Set(acks.map(\.envelopeID)).isSuperset(of: Set(skipped + [kept])))
        #expect(harness.simulator.duplicateAcks().isEmpty)
        try await waitUntil { harness.handler.eventIDs.contains("EvKEEP1") }
        #expect(harness.handler.eventIDs == ["EvKEEP1"])
        #expect(handler.declined.count == 20)
        #expect(harness.service.status.envelopesDispatched == 1)
        try await harness.stop()
    }

    @Test func connectsOverTLSWithAPrivateCA() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try await TestCertificateAuthority.make(in: directory)
        var configuration = SlackSimulator.Configuration()
        configuration.tls = .init(certificateChainPEMPath: authority.certPEMPath, privateKeyPEMPath: authority.keyPEMPath)
        let harness = try await SocketModeHarness(simulatorConfiguration: configuration, caFile: authority.caPEMPath)
        #expect(harness.simulator.apiBaseURL.hasPrefix("https://"))
        _ = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        let id = try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(1))
        _ = try await harness.simulator.waitForAck(envelopeID: id, timeout: .seconds(10))
        try await harness.stop()
    }

    @Test func tooManyWebsocketsShedsAConnection() async throws {
        let harness = try await SocketModeHarness()
        let live = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        try harness.simulator.disconnect(try #require(live.first).id, reason: .tooManyWebsockets)
        _ = try await harness.simulator.waitForClose(connection: try #require(live.first).id, timeout: .seconds(10))
        // The slot decided to shed (it ends and never reconnects), so exactly one connection stays.
        try await waitUntil { harness.service.status.activeSlots == 1 }
        #expect(harness.service.status.liveConnections == 1)
        #expect(harness.simulator.liveConnections().count == 1)
        let id = try harness.simulator.sendEventsAPI(event: SocketModeHarness.humanMessage(3))
        _ = try await harness.simulator.waitForAck(envelopeID: id, timeout: .seconds(10))
        try await harness.stop()
    }
}

/// Waits until `condition` holds, checking every 20 ms, or fails after `timeout` with a clear message.
func waitUntil(timeout: Duration = .seconds(15), _ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
