/// The `reason` of a Socket Mode `disconnect` frame sent by ``SlackSimulator/disconnect(_:reason:)``.
///
/// The four reasons Slack is known to send are provided as static members; any other string can be sent with
/// ``init(rawValue:)`` to test how a client copes with an unknown reason.
public struct SocketModeDisconnectReason: Hashable, Sendable, CustomStringConvertible {
    /// The wire value, for example `refresh_requested`.
    public let rawValue: String

    /// A reason with an arbitrary wire value.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `warning`: Slack announces a disconnect about 10 seconds ahead.
    public static let warning = Self(rawValue: "warning")
    /// `refresh_requested`: the routine refresh every few hours.
    public static let refreshRequested = Self(rawValue: "refresh_requested")
    /// `link_disabled`: Socket Mode was turned off for the app; reconnecting does not help.
    public static let linkDisabled = Self(rawValue: "link_disabled")
    /// `too_many_websockets`: the app holds more than 10 connections.
    public static let tooManyWebsockets = Self(rawValue: "too_many_websockets")

    public var description: String { self.rawValue }
}
