/// Runs runbook HTTP probes through the process's libcurl driver.
public struct CurlProbeHTTPClient: ProbeHTTPClient {
    private let transport: any HTTPTransport

    public init(transport: any HTTPTransport) {
        self.transport = transport
    }

    public func get(url: String, timeout: Duration) async throws -> (status: Int, body: [UInt8]) {
        let response = try await transport.perform(HTTPRequest(
            method: .get, url: url, connectTimeout: min(timeout, .seconds(5)), timeout: timeout))
        return (response.status, response.body)
    }
}
