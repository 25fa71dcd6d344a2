/// Something that performs HTTP requests: ``CurlMultiDriver`` in production, a scripted fake in unit tests.
///
/// Implementations throw `CancellationError` when the calling task is cancelled, and should throw errors conforming
/// to ``HTTPTransportFailure`` so callers can tell "certainly not sent" from "may have been processed".
public protocol HTTPTransport: Sendable {
    /// Performs `request` and returns the complete response, whatever its status code.
    ///
    /// - Parameter request: The request to perform.
    /// - Returns: The response. Non-2xx statuses are responses, not errors.
    /// - Throws: ``HTTPTransportFailure`` when no response was received; `CancellationError` when the task was
    ///   cancelled.
    func perform(_ request: HTTPRequest) async throws -> HTTPResponse
}
