import VigilBase
/// A secret read from configuration (a Slack token), kept out of every textual representation.
///
/// `description`, `debugDescription`, string interpolation, `dump(_:)` and `Mirror` all show `<redacted>`;
/// the only way to the text is ``reveal()``, which should be called at the single place that puts the secret on the
/// wire (an `Authorization` header, the `apps.connections.open` call). The type is deliberately not `Codable`, so it
/// cannot end up in a JSON dump of the configuration by accident.
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let text: String

    /// Wraps `text`; surrounding white space and newlines (as left by `echo token > file`) are removed.
    ///
    /// - Parameter text: The secret.
    public init(_ text: String) {
        self.text = text.trimmed()
    }

    /// The secret text. Never log it, put it in an error, or pass it on a command line.
    ///
    /// - Returns: The secret as given.
    public func reveal() -> String { text }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }

    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }

    /// A mirror with no children, so `dump(_:)` and reflection-based printers show nothing of the secret.
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }

    /// Whether `text` contains something shaped like a Slack token (`xox?-…` or `xapp-…`).
    ///
    /// Used to refuse tokens written into the configuration file and to keep them out of error messages.
    ///
    /// - Parameter text: Any text.
    /// - Returns: `true` when a token prefix occurs anywhere in the text.
    public static func containsSlackToken(_ text: String) -> Bool {
        let bytes = Array(text.utf8.map { $0 | 0x20 })  // ASCII lower-case; other bytes never match below
        guard bytes.count >= 5 else { return false }
        for start in 0...(bytes.count - 5) {
            let window = bytes[start..<(start + 5)]
            if window.elementsEqual("xapp-".utf8) { return true }
            if window.prefix(3).elementsEqual("xox".utf8), window.last == UInt8(ascii: "-"),
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(window[start + 3])
            {
                return true
            }
        }
        return false
    }
}
