import Configuration
import VigilBase

/// A place in the configuration (`workspaces[1]`, `runbooks[0].probes[2]`) with typed, validating readers.
///
/// Values are read through the `ConfigReader` (environment variables first, then the file), always with absolute
/// `ConfigKey` components so list indices and label keys containing dots stay intact. The parsed tree is used only
/// for what `ConfigReader` cannot do: counting list items and enumerating free-form keys. Every problem goes to
/// the ``ConfigurationDiagnostics`` passed in, named after the key (or the environment variable that supplied the
/// value), and a default or `nil` is returned so reading can go on and report everything in one pass.
struct ConfigurationScope {
    /// Reads values: the environment layer, then the file.
    let reader: ConfigReader
    /// The parsed file, or `nil` when there is none.
    let root: ConfigurationNode?
    /// Where this scope is.
    let path: ConfigurationPath
    /// File key components → environment variable that overrides it (only variables that are set).
    let overriddenBy: [[String]: String]

    /// The scope of a key below this one.
    func child(_ key: String) -> ConfigurationScope {
        ConfigurationScope(reader: reader, root: root, path: path.appending(key), overriddenBy: overriddenBy)
    }

    /// The scope of a list item below this one.
    func child(_ index: Int) -> ConfigurationScope {
        ConfigurationScope(reader: reader, root: root, path: path.appending(index), overriddenBy: overriddenBy)
    }

    /// The file's node at `key`, if the file has it.
    func node(_ key: String) -> ConfigurationNode? {
        root?.node(at: path.keyComponents + [key])
    }

    /// How an error names a key: by its place in the file, or by another name (the environment variable that
    /// supplied the value, `credential slack-bot-token`).
    enum KeyName {
        case file(ConfigurationPath)
        case named(String)
    }

    /// The name of `key` for an error: the environment variable when one supplied the value, else the file key.
    func name(_ key: String) -> KeyName {
        overriddenBy[path.keyComponents + [key]].map(KeyName.named) ?? .file(path.appending(key))
    }

    /// The indices of the list items at `key` that are not empty (an empty item was already reported by the schema
    /// check, and reading it would only add "name is required" noise).
    func itemIndices(_ key: String) -> [Int] {
        guard case .list(let items) = node(key)?.value else { return [] }
        return items.indices.filter { !items[$0].isNull }
    }

    /// The text at `key`, trimmed; `nil` when absent, empty or not a single value.
    func text(_ key: String) -> String? {
        let value = reader.string(forKey: ConfigKey(path.keyComponents + [key]))?.trimmed()
        return value?.isEmpty == false ? value : nil
    }

    /// The list at `key`, items trimmed; `nil` when absent or not a list of values.
    func list(_ key: String) -> [String]? {
        reader.stringArray(forKey: ConfigKey(path.keyComponents + [key]))?.map { $0.trimmed() }
    }

    /// A whole number in `range`, or `defaultValue` when not set.
    func integer(
        _ key: String, in range: ClosedRange<Int>, default defaultValue: Int, why: String = "",
        _ diagnostics: inout ConfigurationDiagnostics
    ) -> Int {
        guard let text = text(key) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            diagnostics.report(
                name(key),
                "must be a whole number from \(range.lowerBound) to \(range.upperBound)\(why), got "
                    + "\(ConfigurationDiagnostics.quote(text))"
            )
            return defaultValue
        }
        return value
    }

    /// A duration (`30s`, `15m`, `1h`, `90d`) in `range`, or `defaultValue` when not set.
    func duration(
        _ key: String, in range: ClosedRange<Duration>, default defaultValue: Duration,
        _ diagnostics: inout ConfigurationDiagnostics
    ) -> Duration {
        guard let text = text(key) else { return defaultValue }
        guard let value = Duration(configurationText: text) else {
            diagnostics.report(
                name(key),
                "\(ConfigurationDiagnostics.quote(text)) is not a duration; write a whole number and a unit, "
                    + "largest unit first: 30s, 15m, 1h, 1h30m, 90d (units ms, s, m, h, d)"
            )
            return defaultValue
        }
        guard range.contains(value) else {
            diagnostics.report(
                name(key),
                "must be from \(range.lowerBound.configurationText) to \(range.upperBound.configurationText), "
                    + "got \(text)"
            )
            return defaultValue
        }
        return value
    }

    /// `true` or `false`, or `defaultValue` when not set.
    func boolean(_ key: String, default defaultValue: Bool, _ diagnostics: inout ConfigurationDiagnostics) -> Bool {
        guard let text = text(key) else { return defaultValue }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            diagnostics.report(name(key), "must be true or false, got \(ConfigurationDiagnostics.quote(text))")
            return defaultValue
        }
    }

    /// A required text value; reports it as missing when not set.
    func requiredText(_ key: String, what: String, _ diagnostics: inout ConfigurationDiagnostics) -> String? {
        guard let value = text(key) else {
            diagnostics.report(name(key), "is required: \(what)")
            return nil
        }
        return value
    }
}
