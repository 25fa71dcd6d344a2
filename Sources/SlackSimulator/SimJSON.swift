/// A small, order-preserving JSON value used inside the simulator.
///
/// Numbers keep their textual form so that integers and timestamps round-trip exactly, and objects keep their key
/// order so that stored messages read back the way they were written. The parser is strict RFC 8259 (no comments,
/// no trailing commas) with a nesting limit.
enum SimJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, for example `42` or `1.5e3`.
    case number(String)
    case string(String)
    case array([SimJSON])
    case object(SimJSONObject)

    /// Builds a number from an integer.
    static func int(_ value: Int) -> SimJSON { .number(String(value)) }

    /// The string payload, if this is a string.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object payload, if this is an object.
    var objectValue: SimJSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array payload, if this is an array.
    var arrayValue: [SimJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// A flat string form used for form-style parameter maps: strings as-is, numbers as their text, booleans as
    /// `true`/`false`, `null` as the empty string, and arrays/objects as compact JSON text.
    var parameterString: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return s
        case .array, .object: return self.text
        }
    }

    /// Compact JSON text.
    var text: String {
        var out = ""
        self.write(into: &out)
        return out
    }

    /// Appends compact JSON text to `out`.
    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): SimJSON.writeQuoted(s, into: &out)
        case .array(let items):
            out += "["
            var first = true
            for item in items {
                if !first { out += "," }
                first = false
                item.write(into: &out)
            }
            out += "]"
        case .object(let object):
            object.write(into: &out)
        }
    }

    /// Appends `s` as a quoted, escaped JSON string.
    static func writeQuoted(_ s: String, into out: inout String) {
        out += "\""
        var needsEscaping = false
        for byte in s.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscaping = true
            break
        }
        if !needsEscaping {
            out += s
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out += "\""
    }

    /// `s` as a quoted, escaped JSON string.
    static func quoted(_ s: String) -> String {
        var out = ""
        writeQuoted(s, into: &out)
        return out
    }

    // MARK: Parsing

    /// Why a text could not be parsed.
    struct ParseError: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Parses a complete JSON text.
    /// - Throws: ``ParseError`` when the text is not valid JSON.
    static func parse(_ text: String) throws(ParseError) -> SimJSON {
        var copy = text
        let result: Result<SimJSON, ParseError> = copy.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            do throws(ParseError) {
                let value = try parser.parseDocument()
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses a complete JSON text given as UTF-8 bytes.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> SimJSON {
        var parser = Parser(bytes: bytes)
        return try parser.parseDocument()
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func parseDocument() throws(ParseError) -> SimJSON {
            self.skipWhitespace()
            let value = try self.parseValue()
            self.skipWhitespace()
            guard self.index == self.bytes.count else { throw self.error("trailing characters") }
            return value
        }

        func error(_ reason: String) -> ParseError {
            ParseError(offset: self.index, reason: reason)
        }

        mutating func skipWhitespace() {
            while self.index < self.bytes.count {
                switch self.bytes[self.index] {
                case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
                default: return
                }
            }
        }

        mutating func parseValue() throws(ParseError) -> SimJSON {
            guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
            switch self.bytes[self.index] {
            case UInt8(ascii: "{"): return try self.parseObject()
            case UInt8(ascii: "["): return try self.parseArray()
            case UInt8(ascii: "\""): return .string(try self.parseString())
            case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
            default: throw self.error("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(ParseError) {
            let count = literal.utf8CodeUnitCount
            guard self.index + count <= self.bytes.count else { throw self.error("truncated literal") }
            let start = literal.utf8Start
            for offset in 0..<count where self.bytes[self.index + offset] != start[offset] {
                throw self.error("invalid literal")
            }
            self.index += count
        }

        mutating func parseNumber() throws(ParseError) -> SimJSON {
            let start = self.index
            if self.bytes[self.index] == UInt8(ascii: "-") { self.index += 1 }
            guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                throw self.error("invalid number")
            }
            if self.bytes[self.index] == UInt8(ascii: "0") {
                self.index += 1
            } else {
                while self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) { self.index += 1 }
            }
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
                self.index += 1
                guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                    throw self.error("invalid fraction")
                }
                while self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) { self.index += 1 }
            }
            if self.index < self.bytes.count,
                self.bytes[self.index] == UInt8(ascii: "e") || self.bytes[self.index] == UInt8(ascii: "E")
            {
                self.index += 1
                if self.index < self.bytes.count,
                    self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-")
                {
                    self.index += 1
                }
                guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                    throw self.error("invalid exponent")
                }
                while self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) { self.index += 1 }
            }
            let slice = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
            return .number(String(decoding: slice, as: UTF8.self))
        }

        func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        mutating func parseString() throws(ParseError) -> String {
            // Precondition: bytes[index] == '"'
            self.index += 1
            let start = self.index
            // Fast path: no escapes.
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
                    self.index += 1
                    return String(decoding: slice, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw self.error("control character in string") }
                self.index += 1
            }
            // Slow path with escapes.
            var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]))
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                switch byte {
                case UInt8(ascii: "\""):
                    self.index += 1
                    return String(decoding: scalars, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    self.index += 1
                    guard self.index < self.bytes.count else { throw self.error("truncated escape") }
                    let escape = self.bytes[self.index]
                    self.index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                    case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                    case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try self.parseHex4()
                        if (0xD800...0xDBFF).contains(code) {
                            guard self.index + 1 < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                                self.bytes[self.index + 1] == UInt8(ascii: "u")
                            else { throw self.error("lone high surrogate") }
                            self.index += 2
                            let low = try self.parseHex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw self.error("invalid low surrogate") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw self.error("lone low surrogate")
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw self.error("invalid code point") }
                        scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default:
                        throw self.error("invalid escape")
                    }
                default:
                    if byte < 0x20 { throw self.error("control character in string") }
                    scalars.append(byte)
                    self.index += 1
                }
            }
            throw self.error("unterminated string")
        }

        mutating func parseHex4() throws(ParseError) -> UInt32 {
            guard self.index + 4 <= self.bytes.count else { throw self.error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = self.bytes[self.index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw self.error("invalid hex digit")
                }
                value = value * 16 + digit
                self.index += 1
            }
            return value
        }

        mutating func parseArray() throws(ParseError) -> SimJSON {
            self.depth += 1
            guard self.depth <= 256 else { throw self.error("nesting too deep") }
            defer { self.depth -= 1 }
            self.index += 1
            var items: [SimJSON] = []
            self.skipWhitespace()
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                return .array(items)
            }
            while true {
                self.skipWhitespace()
                items.append(try self.parseValue())
                self.skipWhitespace()
                guard self.index < self.bytes.count else { throw self.error("unterminated array") }
                let byte = self.bytes[self.index]
                self.index += 1
                if byte == UInt8(ascii: "]") { return .array(items) }
                guard byte == UInt8(ascii: ",") else { throw self.error("expected ',' or ']'") }
            }
        }

        mutating func parseObject() throws(ParseError) -> SimJSON {
            self.depth += 1
            guard self.depth <= 256 else { throw self.error("nesting too deep") }
            defer { self.depth -= 1 }
            self.index += 1
            var object = SimJSONObject()
            self.skipWhitespace()
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                return .object(object)
            }
            while true {
                self.skipWhitespace()
                guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                    throw self.error("expected a key")
                }
                let key = try self.parseString()
                self.skipWhitespace()
                guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else {
                    throw self.error("expected ':'")
                }
                self.index += 1
                self.skipWhitespace()
                object[key] = try self.parseValue()
                self.skipWhitespace()
                guard self.index < self.bytes.count else { throw self.error("unterminated object") }
                let byte = self.bytes[self.index]
                self.index += 1
                if byte == UInt8(ascii: "}") { return .object(object) }
                guard byte == UInt8(ascii: ",") else { throw self.error("expected ',' or '}'") }
            }
        }
    }
}
