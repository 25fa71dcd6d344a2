/// The HTTP boundary HTTP probes go through; the daemon backs it with the libcurl driver.
///
/// Implementations must honour task cancellation promptly (the executor cancels the request at the probe's
/// timeout) and must not follow the request with any credentials of Vigil's own (no Slack token headers).
public protocol ProbeHTTPClient: Sendable {
    /// Sends a `GET` to `url` and returns the response status and body.
    ///
    /// - Parameters:
    ///   - url: An absolute `http`/`https` URL; placeholder values in it are already percent-encoded.
    ///   - timeout: The whole request's time budget.
    /// - Returns: The HTTP status and the body bytes (implementations may cap the body).
    /// - Throws: When no response was received (connection refused, DNS failure, timeout, cancellation).
    func get(url: String, timeout: Duration) async throws -> (status: Int, body: [UInt8])
}
