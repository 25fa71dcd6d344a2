import Foundation
import SlackSimulator
import Testing
import VigilBase

/// Faults cost nothing: the real `vigil` binary against the simulator while connections are cut, refreshed and
/// silenced, garbage is mixed into the stream, posts are rate limited and fail with 5xx, and the worker is restarted
/// mid-stream on the same state folder. Afterwards no envelope was acked twice, every event reached an ack, every
/// alert got exactly one reply, and the worker is still running (then stops cleanly).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FaultInjectionTests {
    static let alertChannels = ["C0FAULTA01", "C0FAULTB02", "C0FAULTC03", "C0FAULTD04"]

    private func alertFields(_ index: Int) -> String {
        #"{"bot_id":"B0ALERTMGR","username":"AlertManager","text":"","attachments":[{"color":"danger","title":"[FIRING:1] FaultDrill\#(index) (node-exporter critical)","title_link":"http://alertmanager.example/#/alerts","fallback":"[FIRING:1] FaultDrill\#(index)"}]}"#
    }

    @Test func faultsCostNothing() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.ackTimeout = .seconds(1)
        configuration.disconnectGracePeriod = .seconds(2)
        configuration.channels += Self.alertChannels.map { SimulatedChannel(id: $0, name: "alerts-\($0.suffix(3))") }
        let simulator = try await SlackSimulator.start(configuration: configuration)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-faults-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let environment = [
            "SLACK_APP_TOKEN": "xapp-test-faults", "SLACK_BOT_TOKEN": "xoxb-test-faults", "SLACK_API_URL": simulator.apiBaseURL,
            "VIGIL_STATE_DIR": state, "VIGIL_ALERT_CHANNELS": Self.alertChannels.joined(separator: ","), "VIGIL_LOG_LEVEL": "warning",
        ]
        var vigil = try VigilProcess(arguments: ["run"], environment: environment)
        _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))

        var random = SystemRandomNumberGenerator()
        var alertTSs: [String] = []
        simulator.injectFault(.rateLimited(retryAfterSeconds: 1), method: "chat.postMessage", count: 3)
        simulator.injectFault(.serverError(status: 503), method: "chat.postMessage", count: 3)

        for round in 0..<10 {
            // 200 envelopes of ordinary traffic, then an alert, then a fault.
            _ = try await simulator.sendEventsAPIBatch(count: 200, rate: 1_000) { index in
                SocketModeHarness.humanMessage(round * 1_000 + index)
            }
            for extra in 0..<2 {
                let index = round * 2 + extra
                alertTSs.append(try simulator.postAsBot(channel: Self.alertChannels[index % Self.alertChannels.count],
                                                        fieldsJSON: alertFields(index)))
            }
            let live = simulator.liveConnections()
            switch round {
            case 1, 6:
                if let victim = live.randomElement(using: &random) { try? simulator.cutTCP(victim.id) }
            case 2, 7:
                if let victim = live.randomElement(using: &random) { try? simulator.disconnect(victim.id, reason: .refreshRequested) }
            case 3:
                if let victim = live.randomElement(using: &random) { try? simulator.setSilent(victim.id, true) }
            case 4:
                for connection in live {
                    try? simulator.sendRaw(text: "garbage \(round)", to: connection.id)
                    try? simulator.sendBinary(bytes: [0xFF, 0x00], to: connection.id)
                }
            case 5:
                // Restart the worker mid-stream on the same state folder.
                kill(vigil.process.processIdentifier, SIGTERM)
                let stopped = try await vigil.finish(within: .seconds(10))
                #expect(stopped.status == 0, "clean stop before the restart: \(stopped.stderr.suffix(1_500))")
                for extra in 0..<2 {
                    let index = 100 + extra
                    alertTSs.append(try simulator.postAsBot(channel: Self.alertChannels[index % Self.alertChannels.count],
                                                            fieldsJSON: alertFields(index)))
                }
                vigil = try VigilProcess(arguments: ["run"], environment: environment)
                _ = try await simulator.waitForLiveConnections(count: 2, timeout: .seconds(30))
            default:
                break
            }
        }

        // Every alert gets exactly one reply in its thread.
        let deadline = ContinuousClock.now + .seconds(90)
        func replies() throws -> [String: Int] {
            var counts: [String: Int] = [:]
            for channel in Self.alertChannels {
                for message in try simulator.messages(in: channel) where message.user == "U0SIMBOT" || message.botID == "B0SIMBOT" {
                    if let thread = message.threadTS, alertTSs.contains(thread) { counts[thread, default: 0] += 1 }
                }
            }
            return counts
        }
        while try replies().count < alertTSs.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let counts = try replies()
        #expect(counts.count == alertTSs.count, "every alert answered: \(counts.count) of \(alertTSs.count)")
        #expect(counts.values.allSatisfy { $0 == 1 }, "exactly one reply each: \(counts.filter { $0.value != 1 })")

        // Every envelope acked at most once; every event reached an ack (lost envelopes were redelivered).
        try await waitUntil(timeout: .seconds(30)) { simulator.abandonedEventIDs().isEmpty && simulator.queuedEventCount == 0 }
        #expect(simulator.duplicateAcks().isEmpty)
        let ackedEvents = Set(simulator.acks().compactMap(\.eventID))
        let sentEvents = Set(simulator.sentEnvelopes().compactMap(\.eventID))
        #expect(sentEvents.subtracting(ackedEvents).isEmpty, "events never acked: \(sentEvents.subtracting(ackedEvents).prefix(5))")

        #expect(vigil.process.isRunning, "nothing crashed")
        kill(vigil.process.processIdentifier, SIGTERM)
        let result = try await vigil.finish(within: .seconds(10))
        #expect(result.status == 0)
        await simulator.shutdown()
    }
}
