import Yams
import VigilBase

/// The configuration file as a tree of plain Swift values (`Sendable`, unlike Yams' nodes), with line numbers.
///
/// Every scalar is kept as text; each key's reader decides how to interpret it (number, duration, ID…), so a
/// YAML-1.1 surprise such as `no` becoming `false` can never change a value silently. A plain (unquoted) empty
/// value, `~` or `null` is ``Value/null`` and reads as "not set".
struct ConfigurationNode: Sendable, Hashable {
    /// One `key: value` pair of a mapping, in file order.
    struct Entry: Sendable, Hashable {
        /// The key as written.
        var key: String
        /// The value.
        var value: ConfigurationNode
        /// The 1-based line of the key, when known.
        var keyLine: Int? = nil
    }

    /// The node's content.
    enum Value: Sendable, Hashable {
        case null
        case scalar(String)
        case list([ConfigurationNode])
        case mapping([Entry])
    }

    /// The content.
    var value: Value
    /// The 1-based line the node starts on, when known.
    var line: Int?

    /// Converts a parsed Yams node.
    ///
    /// - Throws: ``ConfigurationFileSnapshot/ParseError`` for a mapping key that is not a plain value.
    init(_ node: Yams.Node) throws(ConfigurationFileSnapshot.ParseError) {
        line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            let isPlain = scalar.style == .plain || scalar.style == .any
            value =
                isPlain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) ? .null : .scalar(scalar.string)
        case .sequence(let sequence):
            var items: [ConfigurationNode] = []
            for item in sequence { items.append(try ConfigurationNode(item)) }
            value = .list(items)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, item) in mapping {
                guard case .scalar(let scalar) = key else {
                    throw .init(line: key.mark?.line, problem: "a key must be a plain word, not a list or a section")
                }
                entries.append(Entry(key: scalar.string, value: try ConfigurationNode(item), keyLine: key.mark?.line))
            }
            value = .mapping(entries)
        case .alias:
            // Yams resolves aliases while parsing; an unresolved one cannot occur, but refuse it rather than guess.
            throw .init(line: line, problem: "YAML aliases (*name) are not supported here; write the value out")
        }
    }

    /// Creates a node directly (tests).
    init(_ value: Value, line: Int? = nil) {
        self.value = value
        self.line = line
    }

    /// The node at `components` below this one: mapping keys by name, list items by decimal index.
    ///
    /// - Parameter components: The path, e.g. `["workspaces", "1", "alert_channels"]`.
    /// - Returns: The node, or `nil` when any step does not exist.
    func node(at components: some Collection<String>) -> ConfigurationNode? {
        var current = self
        for component in components {
            switch current.value {
            case .mapping(let entries):
                guard let entry = entries.first(where: { $0.key == component }) else { return nil }
                current = entry.value
            case .list(let items):
                guard let index = Int(component), items.indices.contains(index) else { return nil }
                current = items[index]
            case .null, .scalar:
                return nil
            }
        }
        return current
    }

    /// The line of the key or list item at `components`: where an admin looks for it.
    ///
    /// - Parameter components: The path below this node.
    /// - Returns: The 1-based line, or `nil` when unknown or absent.
    func line(at components: some Collection<String>) -> Int? {
        var current = self
        var line = self.line
        for component in components {
            switch current.value {
            case .mapping(let entries):
                guard let entry = entries.first(where: { $0.key == component }) else { return nil }
                current = entry.value
                line = entry.keyLine ?? entry.value.line
            case .list(let items):
                guard let index = Int(component), items.indices.contains(index) else { return nil }
                current = items[index]
                line = current.line
            case .null, .scalar:
                return nil
            }
        }
        return line
    }

    /// The entries when this is a mapping, else an empty list.
    var entries: [Entry] {
        if case .mapping(let entries) = value { return entries }
        return []
    }

    /// The number of items when this is a list, else `nil`.
    var listCount: Int? {
        if case .list(let items) = value { return items.count }
        return nil
    }

    /// Whether the node is YAML null (not set).
    var isNull: Bool { value == .null }

    /// "a list", "a section", "a single value" or "empty", for error messages.
    var kindDescription: String {
        switch value {
        case .null: "empty"
        case .scalar: "a single value"
        case .list: "a list"
        case .mapping: "a section of keys"
        }
    }
}
