import VigilBase

/// Coding keys built from any string, so decoders can read Slack's snake_case keys without a key enum per type.
struct SlackKey: CodingKey {
    /// The JSON key.
    let stringValue: String
    /// Always `nil`: Slack objects are keyed by strings.
    let intValue: Int? = nil

    /// A key for `string`.
    init(_ string: String) { stringValue = string }
    /// A key for `stringValue`.
    init?(stringValue: String) { self.stringValue = stringValue }
    /// Integer keys are not used.
    init?(intValue: Int) { return nil }
}

extension KeyedDecodingContainer where Key == SlackKey {
    /// A string field; numbers and Booleans are turned into their text, any other shape (or absence) gives `nil`.
    ///
    /// Slack `ts` values are strings, but attachments carry numeric `ts` and some fixtures use numbers elsewhere:
    /// an integer becomes `"1725998545"`, a fractional number is printed with Slack's six decimals.
    func lenientString(_ key: String) -> String? {
        let key = SlackKey(key)
        guard contains(key) else { return nil }
        if let value = try? decode(String.self, forKey: key) { return value }
        if let value = try? decode(Int64.self, forKey: key) { return String(value) }
        if let value = try? decode(Double.self, forKey: key), value.isFinite { return Self.slackTimestamp(value) }
        if let value = try? decode(Bool.self, forKey: key) { return value ? "true" : "false" }
        return nil
    }

    /// A Boolean field; accepts `true/false`, `"true"/"false"` and `0/1`; anything else gives `nil`.
    func lenientBool(_ key: String) -> Bool? {
        let key = SlackKey(key)
        guard contains(key) else { return nil }
        if let value = try? decode(Bool.self, forKey: key) { return value }
        if let value = try? decode(Int64.self, forKey: key) { return value != 0 }
        if let value = try? decode(String.self, forKey: key) {
            switch value.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no", "": return false
            default: return nil
            }
        }
        return nil
    }

    /// An integer field; accepts numbers and numeric strings.
    func lenientInt(_ key: String) -> Int? {
        let key = SlackKey(key)
        guard contains(key) else { return nil }
        if let value = try? decode(Int.self, forKey: key) { return value }
        if let value = try? decode(Double.self, forKey: key), value.isFinite, abs(value) < 9.0e15 { return Int(value) }
        if let value = try? decode(String.self, forKey: key) { return Int(value) }
        return nil
    }

    /// An array of `T`, skipping elements of the wrong shape; a missing or non-array value gives `[]`.
    func lenientArray<T: Decodable>(_ key: String, of type: T.Type = T.self) -> [T] {
        let key = SlackKey(key)
        guard contains(key), let elements = try? decode([LenientElement<T>].self, forKey: key) else { return [] }
        return elements.compactMap(\.value)
    }

    /// An array of strings, skipping non-string elements; a missing or non-array value gives `[]`.
    func lenientStringArray(_ key: String) -> [String] {
        lenientArray(key, of: JSONValue.self).compactMap(\.stringValue)
    }

    /// A nested object decoded as `T`, or `nil` when absent or of the wrong shape.
    func lenientObject<T: Decodable>(_ key: String, as type: T.Type = T.self) -> T? {
        let key = SlackKey(key)
        guard contains(key) else { return nil }
        return try? decode(T.self, forKey: key)
    }

    /// Formats a numeric timestamp the way Slack writes `ts` strings (`seconds.micros`, six digits).
    private static func slackTimestamp(_ value: Double) -> String {
        let seconds = value.rounded(.down)
        var micros = ((value - seconds) * 1_000_000).rounded()
        var whole = Int64(seconds)
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        if micros == 0 { return String(whole) }
        let digits = String(Int64(micros))
        return "\(whole)." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
