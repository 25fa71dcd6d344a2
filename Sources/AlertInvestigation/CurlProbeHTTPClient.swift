import CurlHTTP

/// Runs runbook HTTP probes through the process's libcurl driver.
///
/// Each request carries its ``ProbeDestinationPolicy`` down to the transfer: libcurl resolves the name itself, and
/// every address it is about to open a socket to is checked first (a refused one gets no socket); the transfer uses
/// no proxy, a fresh connection that is not reused afterwards, and follows no redirect (see `CurlTransfer`).
public struct CurlProbeHTTPClient: ProbeHTTPClient {
    private let transport: any HTTPTransport

    /// Creates a client.
    ///
    /// - Parameter transport: The driver (``CurlMultiDriver`` in the daemon).
    public init(transport: any HTTPTransport) {
        self.transport = transport
    }

    /// Sends one `GET`; see ``ProbeHTTPClient/get(url:timeout:destinations:)``.
    public func get(url: String, timeout: Duration, destinations: ProbeDestinationPolicy) async throws
        -> (status: Int, body: [UInt8])
    {
        var request = HTTPRequest(method: .get, url: url, connectTimeout: min(timeout, .seconds(5)), timeout: timeout)
        request.destinationPolicy = destinations
        let response = try await transport.perform(request)
        return (response.status, response.body)
    }
}
