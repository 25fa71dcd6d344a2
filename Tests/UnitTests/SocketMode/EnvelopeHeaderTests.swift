import Foundation
import Testing

@testable import SlackSocketMode
@testable import VigilBase

struct EnvelopeHeaderTests {
    private func field(_ range: Range<Int>?, in text: String) -> String? {
        let bytes = Array(text.utf8)
        return range.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func readsEventsAPIRoutingFields() throws {
        let frame = #"""
        {"envelope_id":"57d6a792-4d35-4d0b-b6aa-3361493e1caf","payload":{"token":"x","team_id":"T111",
        "event":{"client_msg_id":"1","type":"app_mention","blocks":[{"type":"rich_text","elements":[{"a":[1,2,{"b":null}]}]}],
        "channel":"C1"},"type":"event_callback","event_id":"Ev111","event_time":1},"type":"events_api",
        "accepts_response_payload":false,"retry_attempt":2,"retry_reason":"timeout"}
        """#
        let (header, complete) = EnvelopeHeader.scan(Array(frame.utf8))
        #expect(complete)
        #expect(field(header.type, in: frame) == "events_api")
        #expect(field(header.envelopeID, in: frame) == "57d6a792-4d35-4d0b-b6aa-3361493e1caf")
        #expect(field(header.eventID, in: frame) == "Ev111")
        #expect(field(header.teamID, in: frame) == "T111")
        #expect(field(header.eventType, in: frame) == "app_mention")
        #expect(field(header.payloadType, in: frame) == "event_callback")
        #expect(field(header.retryReason, in: frame) == "timeout")
        #expect(header.retryAttempt == 2)
        #expect(!header.acceptsResponsePayload)
    }

    @Test func nestedTypeKeysDoNotShadowTopLevelOnes() throws {
        let frame = #"{"payload":{"event":{"type":"message","x":{"type":"inner","envelope_id":"nope"}}},"type":"events_api","envelope_id":"E1"}"#
        let (header, complete) = EnvelopeHeader.scan(Array(frame.utf8))
        #expect(complete)
        #expect(field(header.type, in: frame) == "events_api")
        #expect(field(header.envelopeID, in: frame) == "E1")
        #expect(field(header.eventType, in: frame) == "message")
    }

    @Test func readsControlFrames() throws {
        let hello = #"{"type":"hello","num_connections":4,"debug_info":{"host":"applink-1"},"connection_info":{"app_id":"A1"}}"#
        let (helloHeader, helloComplete) = EnvelopeHeader.scan(Array(hello.utf8))
        #expect(helloComplete)
        #expect(field(helloHeader.type, in: hello) == "hello")
        #expect(helloHeader.numConnections == 4)
        #expect(helloHeader.envelopeID == nil)

        let disconnect = #"{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"h"}}"#
        let (header, _) = EnvelopeHeader.scan(Array(disconnect.utf8))
        #expect(field(header.reason, in: disconnect) == "refresh_requested")
    }

    @Test(arguments: [
        "", "garbage", "{", "[1,2]", #"{"type":"events_api""#, #"{"type":}"#, "null", #"{"a":1,}"#,
        String(repeating: "[", count: 100_000), #"{"x":"\u0000"# + "\u{01}\"}",
    ])
    func rejectsMalformedFramesWithoutCrashing(_ frame: String) {
        let (_, complete) = EnvelopeHeader.scan(Array(frame.utf8))
        #expect(!complete)
    }

    @Test func keepsAnEnvelopeIDFoundBeforeACorruptTail() {
        let frame = #"{"envelope_id":"E42","type":"events_api","payload":{"event":{"#
        let (header, complete) = EnvelopeHeader.scan(Array(frame.utf8))
        #expect(!complete)
        #expect(field(header.envelopeID, in: frame) == "E42")
    }

    @Test func escapedStringsAreSkippedCorrectly() {
        let frame = #"{"payload":{"text":"a \"quoted\" } { value \\","event_id":"Ev9"},"envelope_id":"E\"1","type":"events_api"}"#
        let (header, complete) = EnvelopeHeader.scan(Array(frame.utf8))
        #expect(complete)
        #expect(field(header.eventID, in: frame) == "Ev9")
        #expect(field(header.envelopeID, in: frame) == #"E\"1"#)
    }

    @Test func agreesWithJSONDecoderOnTheSlackSamples() throws {
        let directory = Samples.directory.appendingPathComponent("slack", isDirectory: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix("envelope.json") || $0.hasPrefix("socket_") || $0.hasSuffix("_java.json") }
        #expect(files.count >= 8, "expected the Slack samples at \(directory.path)")
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(file)")
            let bytes = [UInt8](data)
            let (header, complete) = EnvelopeHeader.scan(bytes)
            #expect(complete, "\(file)")
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(field(header.type, in: text) == object["type"] as? String, "\(file)")
            #expect(field(header.envelopeID, in: text) == object["envelope_id"] as? String, "\(file)")
            #expect(header.acceptsResponsePayload == (object["accepts_response_payload"] as? Bool ?? false), "\(file)")
            let payload = object["payload"] as? [String: Any]
            #expect(field(header.eventID, in: text) == payload?["event_id"] as? String, "\(file)")
            #expect(field(header.eventType, in: text) == (payload?["event"] as? [String: Any])?["type"] as? String, "\(file)")
        }
    }
}
