/// A setting is missing or wrong. The message names the variable or key and says what to do; it never contains a
/// secret. The executable exits with 78 (`EX_CONFIG`) on it, which the systemd unit treats as "do not restart".
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The environment variable or configuration key at fault, e.g. `SLACK_BOT_TOKEN` or `workspaces[0].bot_token`.
    public var key: String
    /// What is wrong and what to do.
    public var problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(key): \(problem)" }
}
