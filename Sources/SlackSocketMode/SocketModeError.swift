/// Why the Socket Mode client stopped or could not connect.
public struct SocketModeError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case invalidConfiguration(String)
        case linkDisabled
        case connectionOpenFailed(String)
        case handshakeFailed(String)
    }

    private let code: Code

    /// A setting is out of range; the message names it.
    public static func invalidConfiguration(_ message: String) -> SocketModeError {
        SocketModeError(code: .invalidConfiguration(message))
    }

    /// Slack sent `disconnect` with reason `link_disabled`: Socket Mode was turned off for the app.
    public static let linkDisabled = SocketModeError(code: .linkDisabled)

    /// `apps.connections.open` failed in a way retrying will not fix.
    public static func connectionOpenFailed(_ message: String) -> SocketModeError {
        SocketModeError(code: .connectionOpenFailed(message))
    }

    /// The WebSocket could not be opened or Slack's `hello` never came.
    public static func handshakeFailed(_ message: String) -> SocketModeError {
        SocketModeError(code: .handshakeFailed(message))
    }

    /// Whether the process should stop rather than retry (the operator has to change something).
    public var isFatal: Bool {
        switch code {
        case .invalidConfiguration, .linkDisabled, .connectionOpenFailed: true
        case .handshakeFailed: false
        }
    }

    public var description: String {
        switch code {
        case .invalidConfiguration(let message):
            "invalid Socket Mode configuration: \(message)"
        case .linkDisabled:
            "Slack disabled this app's Socket Mode link (disconnect reason link_disabled): turn Socket Mode back on in the app's settings (api.slack.com/apps → Socket Mode), then restart Vigil"
        case .connectionOpenFailed(let message):
            "apps.connections.open failed: \(message)"
        case .handshakeFailed(let message):
            "Socket Mode handshake failed: \(message); Vigil retries with backoff"
        }
    }
}

/// What a failure of `apps.connections.open` means for the reconnect loop.
///
/// The Web API's errors conform so that the Socket Mode client can honour `Retry-After` and stop on revoked
/// tokens without knowing the Web API's types.
public protocol ConnectionOpenFailure: Error {
    /// Slack asked Vigil to wait this long before trying again (HTTP 429 `Retry-After`).
    var retryAfter: Duration? { get }
    /// Retrying cannot help (revoked or invalid app token, missing `connections:write`).
    var isFatal: Bool { get }
}

/// Opens a fresh Socket Mode URL: `apps.connections.open` with the app-level token, once per connection attempt.
public protocol SocketModeURLProvider: Sendable {
    /// Returns a single-use `wss://` URL.
    /// - Throws: errors conforming to ``ConnectionOpenFailure`` are classified; any other error is retried.
    func openSocketModeURL() async throws -> String
}
