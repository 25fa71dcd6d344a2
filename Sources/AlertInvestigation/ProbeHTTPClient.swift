import CurlHTTP

/// The HTTP boundary HTTP probes go through; the daemon backs it with the libcurl driver.
///
/// Implementations must honour task cancellation promptly (the executor cancels the request at the probe's
/// timeout), must not follow the request with any credentials of Vigil's own (no Slack token headers), must not
/// follow redirects, and must apply `destinations` to every address they connect to, after DNS resolution (see
/// ``ProbeDestinationPolicy``).
public protocol ProbeHTTPClient: Sendable {
    /// Sends a `GET` to `url` and returns the response status and body.
    ///
    /// - Parameters:
    ///   - url: An absolute `http`/`https` URL; placeholder values in it are already percent-encoded.
    ///   - timeout: The whole request's time budget.
    ///   - destinations: Where the request may connect; a refused address is never connected to.
    /// - Returns: The HTTP status and the body bytes (implementations may cap the body).
    /// - Throws: When no response was received (connection refused, destination refused, DNS failure, timeout,
    ///   cancellation).
    func get(url: String, timeout: Duration, destinations: ProbeDestinationPolicy) async throws
        -> (status: Int, body: [UInt8])
}
