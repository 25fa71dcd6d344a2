import VigilBase

/// A Slack token (`xoxb-…`, `xapp-…`) that never shows itself: `description`, `debugDescription`, `dump` and
/// string interpolation all print only its kind, e.g. `xoxb-…redacted`.
public struct SlackToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// - Parameter value: the raw token.
    public init(_ value: String) {
        self.value = value
    }

    /// The raw token, for the `Authorization` header only.
    func revealForAuthorizationHeader() -> String { value }

    /// `xoxb`, `xapp`, … — the kind without the secret.
    public var kind: String {
        guard let dash = value.firstIndex(of: "-") else { return "token" }
        return String(value[..<dash])
    }

    public var description: String { "\(kind)-…redacted" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["kind": kind], displayStyle: .struct) }
}
