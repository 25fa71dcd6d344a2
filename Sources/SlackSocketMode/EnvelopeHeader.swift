import VigilBase

/// The routing fields of one Socket Mode frame, read by ``EnvelopeHeader/scan(_:)`` without decoding the frame.
///
/// Ranges point into the frame's bytes and span the raw contents of a JSON string (between the quotes, escapes
/// untouched), so an envelope id can be echoed back in an ack byte for byte.
public struct EnvelopeHeader: Sendable, Equatable {
    /// Top-level `type`: `hello`, `disconnect`, `events_api`, `slash_commands`, `interactive`, …
    public var type: Range<Int>?
    /// Top-level `envelope_id`.
    public var envelopeID: Range<Int>?
    /// Top-level `accepts_response_payload`.
    public var acceptsResponsePayload = false
    /// Top-level `retry_attempt` (0 when absent).
    public var retryAttempt = 0
    /// Top-level `retry_reason`.
    public var retryReason: Range<Int>?
    /// Top-level `reason` (disconnect frames).
    public var reason: Range<Int>?
    /// Top-level `num_connections` (hello frames).
    public var numConnections: Int?
    /// `payload.event_id` (events_api).
    public var eventID: Range<Int>?
    /// `payload.team_id` (events_api) or `payload.team.id` is not read; slash commands carry `payload.team_id` too.
    public var teamID: Range<Int>?
    /// `payload.event.type` (events_api).
    public var eventType: Range<Int>?
    /// `payload.event.channel` (events_api), so uninteresting channels can be skipped without decoding.
    public var eventChannel: Range<Int>?
    /// `payload.type` (interactive: `block_actions`, `view_submission`, …).
    public var payloadType: Range<Int>?

    public init() {}

    /// Reads the routing fields of a Socket Mode frame in one pass, allocating nothing.
    ///
    /// The scan stops at the first syntax error. Fields found before it are kept and `isComplete` is `false`, so an
    /// envelope id that precedes a corrupt tail is still known (and the envelope can still be acked).
    /// - Parameter bytes: the UTF-8 text of the frame.
    /// - Returns: the fields found, and whether the whole frame was a well-formed JSON object.
    public static func scan(_ bytes: UnsafeRawBufferPointer) -> (header: EnvelopeHeader, isComplete: Bool) {
        var scanner = Scanner(bytes: bytes)
        var header = EnvelopeHeader()
        let complete = scanner.scanObject(into: &header, path: .root) && scanner.atEndIgnoringWhitespace()
        return (header, complete)
    }

    /// Convenience over ``scan(_:)`` for a byte array.
    public static func scan(_ bytes: [UInt8]) -> (header: EnvelopeHeader, isComplete: Bool) {
        bytes.withUnsafeBytes { scan($0) }
    }
}

extension EnvelopeHeader {
    enum Path {
        case root
        case payload
        case event
        case other
    }

    /// A minimal JSON walker: it validates structure, skips values it does not need and records the few it does.
    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        /// Nesting depth; frames nested deeper than ``maximumDepth`` are rejected rather than risking the stack.
        var depth = 0
        static let maximumDepth = 64

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func atEndIgnoringWhitespace() -> Bool {
            skipWhitespace()
            return index == bytes.count
        }

        /// Scans a string starting at a quote; returns the range of its raw contents.
        mutating func scanString() -> Range<Int>? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    let range = start..<index
                    index += 1
                    return range
                }
                if byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        mutating func scanLiteral(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != pointer[offset] {
                return false
            }
            index += count
            return true
        }

        /// Scans a number; returns its value when it is a small non-negative integer.
        mutating func scanNumber() -> (ok: Bool, integer: Int?) {
            let start = index
            var integer = 0
            var isInteger = true
            var digits = 0
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                isInteger = false
                index += 1
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x30, byte <= 0x39 {
                    if digits < 18 { integer = integer * 10 + Int(byte - 0x30) }
                    digits += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                {
                    isInteger = false
                } else {
                    break
                }
                index += 1
            }
            guard index > start, digits > 0 else { return (false, nil) }
            return (true, isInteger && digits <= 18 ? integer : nil)
        }

        func keyEquals(_ range: Range<Int>, _ key: StaticString) -> Bool {
            guard range.count == key.utf8CodeUnitCount else { return false }
            let pointer = key.utf8Start
            var offset = 0
            for position in range {
                if bytes[position] != pointer[offset] { return false }
                offset += 1
            }
            return true
        }

        /// Scans an object at `index`, recording the fields wanted at `path`.
        mutating func scanObject(into header: inout EnvelopeHeader, path: Path) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{"), depth < Self.maximumDepth else { return false }
            index += 1
            depth += 1
            defer { depth -= 1 }
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return true
            }
            while true {
                skipWhitespace()
                guard let key = scanString() else { return false }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipWhitespace()
                guard scanMember(key: key, into: &header, path: path) else { return false }
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return true
                }
                return false
            }
        }

        mutating func scanMember(key: Range<Int>, into header: inout EnvelopeHeader, path: Path) -> Bool {
            guard index < bytes.count else { return false }
            let isString = bytes[index] == UInt8(ascii: "\"")
            switch path {
            case .root:
                if isString {
                    if keyEquals(key, "type") {
                        header.type = scanString()
                        return header.type != nil
                    }
                    if keyEquals(key, "envelope_id") {
                        header.envelopeID = scanString()
                        return header.envelopeID != nil
                    }
                    if keyEquals(key, "retry_reason") {
                        header.retryReason = scanString()
                        return header.retryReason != nil
                    }
                    if keyEquals(key, "reason") {
                        header.reason = scanString()
                        return header.reason != nil
                    }
                } else if keyEquals(key, "accepts_response_payload") {
                    if scanLiteral("true") {
                        header.acceptsResponsePayload = true
                        return true
                    }
                } else if keyEquals(key, "retry_attempt") || keyEquals(key, "num_connections") {
                    let isRetry = keyEquals(key, "retry_attempt")
                    if index < bytes.count, bytes[index] != UInt8(ascii: "n") {
                        let (ok, value) = scanNumber()
                        guard ok else { return false }
                        if isRetry { header.retryAttempt = value ?? 0 } else { header.numConnections = value }
                        return true
                    }
                } else if keyEquals(key, "payload"), bytes[index] == UInt8(ascii: "{") {
                    return scanObject(into: &header, path: .payload)
                }
            case .payload:
                if isString {
                    if keyEquals(key, "event_id") {
                        header.eventID = scanString()
                        return header.eventID != nil
                    }
                    if keyEquals(key, "team_id") {
                        header.teamID = scanString()
                        return header.teamID != nil
                    }
                    if keyEquals(key, "type") {
                        header.payloadType = scanString()
                        return header.payloadType != nil
                    }
                } else if keyEquals(key, "event"), bytes[index] == UInt8(ascii: "{") {
                    return scanObject(into: &header, path: .event)
                }
            case .event:
                if isString, keyEquals(key, "type") {
                    header.eventType = scanString()
                    return header.eventType != nil
                }
                if isString, keyEquals(key, "channel") {
                    header.eventChannel = scanString()
                    return header.eventChannel != nil
                }
            case .other:
                break
            }
            return skipValue()
        }

        /// Skips one JSON value of any kind.
        mutating func skipValue() -> Bool {
            skipWhitespace()
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return scanString() != nil
            case UInt8(ascii: "{"):
                var ignored = EnvelopeHeader()
                return scanObject(into: &ignored, path: .other)
            case UInt8(ascii: "["):
                guard depth < Self.maximumDepth else { return false }
                index += 1
                depth += 1
                defer { depth -= 1 }
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                while true {
                    guard skipValue() else { return false }
                    skipWhitespace()
                    guard index < bytes.count else { return false }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    if bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        return true
                    }
                    return false
                }
            case UInt8(ascii: "t"):
                return scanLiteral("true")
            case UInt8(ascii: "f"):
                return scanLiteral("false")
            case UInt8(ascii: "n"):
                return scanLiteral("null")
            default:
                return scanNumber().ok
            }
        }
    }
}
