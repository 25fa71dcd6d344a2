/// A JSON object that keeps its keys in insertion order.
struct SimJSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private(set) var keys: [String] = []
    private var storage: [String: SimJSON] = [:]

    /// An empty object.
    init() {}

    /// An object with the given members, in literal order.
    init(dictionaryLiteral elements: (String, SimJSON)...) {
        for (key, value) in elements { self[key] = value }
    }

    /// Reads or writes a member. Writing `nil` removes the member.
    subscript(key: String) -> SimJSON? {
        get { self.storage[key] }
        set {
            if let newValue {
                if self.storage.updateValue(newValue, forKey: key) == nil { self.keys.append(key) }
            } else if self.storage.removeValue(forKey: key) != nil {
                self.keys.removeAll { $0 == key }
            }
        }
    }

    /// The member as a string, if it is one.
    func string(_ key: String) -> String? { self.storage[key]?.stringValue }

    /// The member in the flat parameter form (see ``SimJSON/parameterString``).
    func parameter(_ key: String) -> String? { self.storage[key]?.parameterString }

    /// Members in insertion order.
    var members: [(key: String, value: SimJSON)] { self.keys.map { ($0, self.storage[$0]!) } }

    /// Whether the object has no members.
    var isEmpty: Bool { self.keys.isEmpty }

    /// Copies every member of `other` into this object, overwriting existing keys.
    mutating func merge(_ other: SimJSONObject) {
        for (key, value) in other.members { self[key] = value }
    }

    /// Appends compact JSON text to `out`.
    func write(into out: inout String) {
        out += "{"
        var first = true
        for key in self.keys {
            if !first { out += "," }
            first = false
            SimJSON.writeQuoted(key, into: &out)
            out += ":"
            self.storage[key]!.write(into: &out)
        }
        out += "}"
    }

    /// Compact JSON text.
    var text: String {
        var out = ""
        self.write(into: &out)
        return out
    }
}
