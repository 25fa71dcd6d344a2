/// A transport error that says whether the request could have reached the server.
///
/// Callers that must not repeat a non-idempotent request (posting a message) retry only when
/// ``requestCertainlyNotDelivered`` is `true`. Errors that do not conform to this protocol are treated as ambiguous.
public protocol HTTPTransportFailure: Error {
    /// `true` when the server cannot have received the request: name resolution, connection, proxy or TLS handshake
    /// failed, or not one byte of the request was written. `false` when the outcome is unknown (for example a
    /// timeout or a dropped connection after the request was sent).
    var requestCertainlyNotDelivered: Bool { get }
}
