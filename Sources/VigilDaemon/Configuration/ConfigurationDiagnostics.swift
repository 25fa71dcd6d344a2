import VigilBase

/// Collects the problems found while loading, one per key, in the order found.
struct ConfigurationDiagnostics: Sendable {
    private(set) var errors: [ConfigurationError] = []
    private var reportedKeys: Set<String> = []
    /// The parsed file, to add the line number to problems with file keys.
    var root: ConfigurationNode?

    /// Records a problem unless one was already recorded for the same key (a key that has the wrong shape would
    /// otherwise also be reported as missing).
    ///
    /// - Parameters:
    ///   - key: The key or environment variable at fault.
    ///   - problem: What is wrong and what to do; must not contain a secret (see ``quote(_:)``).
    mutating func report(_ key: String, _ problem: String) {
        guard reportedKeys.insert(key).inserted else { return }
        errors.append(ConfigurationError(key: key, problem: problem))
    }

    /// Records a problem for a file key, adding ` (line N)` when the file has the key.
    mutating func report(_ path: ConfigurationPath, _ problem: String) {
        if let line = root?.line(at: path.keyComponents) {
            report(path.description, "\(problem) (line \(line))")
        } else {
            report(path.description, problem)
        }
    }

    /// Records a problem for a file key or for the environment variable that supplied its value.
    mutating func report(_ key: ConfigurationScope.KeyName, _ problem: String) {
        switch key {
        case .file(let path): report(path, problem)
        case .named(let name): report(name, problem)
        }
    }

    /// Whether a problem was already recorded for `key`.
    func hasReported(_ key: String) -> Bool { reportedKeys.contains(key) }

    /// A value quoted for an error message: shortened, and replaced by `<redacted>` when it looks like a token.
    ///
    /// - Parameter value: The configured text.
    /// - Returns: `"value"`, `"long valu…"` or `<redacted>`.
    static func quote(_ value: String) -> String {
        if SecretValue.containsSlackToken(value) { return "<redacted>" }
        let short = value.count > 80 ? value.prefix(77) + "…" : Substring(value)
        return "\"\(short)\""
    }
}
