import Foundation
import VigilBase

/// Builds the ack frames Socket Mode expects: `{"envelope_id":"…"}`, optionally with a `payload`.
public enum AckFrame {
    private static let prefix: [UInt8] = Array(#"{"envelope_id":""#.utf8)
    private static let suffix: [UInt8] = Array(#""}"#.utf8)
    private static let payloadInfix: [UInt8] = Array(#"","payload":"#.utf8)

    /// A bare ack that echoes the raw bytes of an envelope id (escapes preserved, so the result is valid JSON).
    ///
    /// - Parameter rawEnvelopeID: the bytes between the quotes of the frame's `envelope_id`.
    public static func bare(rawEnvelopeID: UnsafeRawBufferPointer) -> [UInt8] {
        var frame = [UInt8]()
        frame.reserveCapacity(prefix.count + rawEnvelopeID.count + suffix.count)
        frame.append(contentsOf: prefix)
        frame.append(contentsOf: rawEnvelopeID)
        frame.append(contentsOf: suffix)
        return frame
    }

    /// An ack for an envelope id given as a decoded string, with an optional response payload.
    ///
    /// - Parameters:
    ///   - envelopeID: the envelope id.
    ///   - payload: the JSON object Slack shows in response (slash commands) or acts on (view submissions).
    public static func make(envelopeID: String, payload: JSONValue? = nil) -> [UInt8] {
        struct Ack: Encodable {
            var envelope_id: String
            var payload: JSONValue?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(Ack(envelope_id: envelopeID, payload: payload)) {
            return [UInt8](data)
        }
        // Encoding a string and a JSONValue cannot fail; fall back to a bare ack all the same.
        return Array(envelopeID.utf8).withUnsafeBytes { bare(rawEnvelopeID: $0) }
    }
}
