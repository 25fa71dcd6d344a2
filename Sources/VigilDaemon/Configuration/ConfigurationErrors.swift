/// Every problem found while loading the configuration, so the admin can fix them all in one pass.
///
/// Loading does not stop at the first bad key: it checks the whole file and environment and throws this once, with
/// the problems in file order. Each element names its key (`workspaces[1].bot_token_file`,
/// `runbooks[0].probes[2].command`, `VIGIL_CONNECTIONS`) and says what to do; none contains a secret. The executable
/// prints ``description`` to stderr and exits with 78 (`EX_CONFIG`), which the systemd unit treats as "do not
/// restart" (`RestartPreventExitStatus=78`).
public struct ConfigurationErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, at least one, in the order they were found.
    public var errors: [ConfigurationError]

    /// Creates the aggregate.
    ///
    /// - Parameter errors: The problems; should not be empty.
    public init(_ errors: [ConfigurationError]) {
        self.errors = errors
    }

    /// The keys at fault, in order (handy in tests and for a one-line log summary).
    public var keys: [String] { errors.map(\.key) }

    /// One problem per line, preceded by a count: `2 configuration problems:\n  connections: …\n  …`.
    public var description: String {
        if errors.count == 1 { return "configuration problem: \(errors[0])" }
        return "\(errors.count) configuration problems:\n" + errors.map { "  \($0)" }.joined(separator: "\n")
    }
}
