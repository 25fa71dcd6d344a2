@testable import VigilBase
@testable import SlackSocketMode
import Foundation
import Testing


struct AckFrameTests {
    @Test func bareAckEchoesTheRawEnvelopeID() throws {
        let raw = Array(#"abc-\"1"#.utf8)
        let frame = raw.withUnsafeBytes { AckFrame.bare(rawEnvelopeID: $0) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(frame)) as? [String: Any])
        #expect(object.count == 1)
        #expect(object["envelope_id"] as? String == #"abc-"1"#)
    }

    @Test func ackWithPayloadCarriesIt() throws {
        let frame = AckFrame.make(envelopeID: "E1", payload: .object(["text": .string("hi"), "response_type": .string("ephemeral")]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(frame)) as? [String: Any])
        #expect(object["envelope_id"] as? String == "E1")
        let payload = try #require(object["payload"] as? [String: Any])
        #expect(payload["text"] as? String == "hi")
    }

    @Test func ackWithoutPayloadHasOnlyTheID() throws {
        let frame = AckFrame.make(envelopeID: "E2")
        #expect(String(decoding: frame, as: UTF8.self) == #"{"envelope_id":"E2"}"#)
    }
}

struct ReconnectBackoffTests {
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func firstAttemptIsImmediateAndLaterOnesGrowToTheCap() {
        let backoff = ReconnectBackoff(initial: .milliseconds(500), maximum: .seconds(30), multiplier: 2)
        #expect(backoff.ceiling(forAttempt: 0) == .zero)
        #expect(backoff.ceiling(forAttempt: 1) == .milliseconds(500))
        #expect(backoff.ceiling(forAttempt: 2) == .seconds(1))
        #expect(backoff.ceiling(forAttempt: 4) == .seconds(4))
        #expect(backoff.ceiling(forAttempt: 20) == .seconds(30))
        #expect(backoff.ceiling(forAttempt: 10_000) == .seconds(30))
    }

    @Test func jitterStaysInTheUpperHalfOfTheCeiling() {
        let backoff = ReconnectBackoff()
        var generator = SeededGenerator(state: 42)
        var distinct = Set<Duration>()
        for attempt in 1...12 {
            for _ in 0..<50 {
                let delay = backoff.delay(forAttempt: attempt, using: &generator)
                let ceiling = backoff.ceiling(forAttempt: attempt)
                #expect(delay <= ceiling)
                #expect(delay >= ceiling / 2)
                distinct.insert(delay)
            }
        }
        #expect(distinct.count > 100, "jitter should spread delays")
    }
}

struct EventDeduplicatorTests {
    @Test func secondDeliveryWithinTheWindowIsDropped() {
        let gate = EventDeduplicator(window: .seconds(600))
        let start = ContinuousClock.now
        #expect(gate.isFirstDelivery(of: "Ev1", at: start))
        #expect(!gate.isFirstDelivery(of: "Ev1", at: start + .seconds(299)))
        #expect(gate.isFirstDelivery(of: "Ev2", at: start + .seconds(300)))
    }

    @Test func idsExpireAfterTheWindow() {
        let gate = EventDeduplicator(window: .seconds(600))
        let start = ContinuousClock.now
        #expect(gate.isFirstDelivery(of: "Ev1", at: start))
        #expect(gate.isFirstDelivery(of: "Ev1", at: start + .seconds(601)))
    }

    @Test func memoryIsBoundedByTheWindow() {
        let gate = EventDeduplicator(window: .seconds(600))
        let start = ContinuousClock.now
        for index in 0..<20_000 {
            _ = gate.isFirstDelivery(of: "Ev\(index)", at: start + .milliseconds(index * 100))
        }
        // 20,000 ids over 2,000 s with a 600 s window: about 6,000 remain.
        #expect(gate.count <= 6_001)
        #expect(gate.count >= 5_999)
    }
}
