import Foundation

/// One HTTP request the simulator received on its Web API (`/api/<method>`) or response-URL (`/response/<id>`)
/// endpoints, with the answer it chose.
public struct RecordedCall: Sendable, CustomStringConvertible {
    /// Position in the order of arrival over all calls, starting at 1.
    public let sequence: Int
    /// The Slack method (`chat.postMessage`, …), or `response_url` for a POST to a slash-command response URL.
    public let method: String
    /// The HTTP method (`POST` or `GET`).
    public let httpMethod: String
    /// The request target as sent, including any query string.
    public let uri: String
    /// The token from `Authorization: Bearer …` (or, for form bodies, the `token` parameter).
    public let token: String?
    /// The `Content-Type` header as sent.
    public let contentType: String?
    /// The raw request body, decoded as UTF-8.
    public let body: String
    /// The request's top-level parameters: JSON members (strings as-is, numbers and booleans as text, arrays and
    /// objects as compact JSON), form fields, and query-string fields.
    public let params: [String: String]
    /// Which TCP connection carried the request (sequence number, starting at 1); lets tests check keep-alive reuse.
    public let httpConnection: Int
    /// When the end of the request was read (monotonic).
    public let receivedAt: ContinuousClock.Instant
    /// The injected fault that was applied to this call, if any.
    public let fault: WebAPIFault?
    /// The HTTP status that was (or, after a delay, will be) written; `nil` when no answer is written at all
    /// (``WebAPIFault/dropConnectionAfterReading``, ``WebAPIFault/hang``).
    public let responseStatus: Int?
    /// The response body that was (or will be) written; `nil` when none is written.
    public let responseBody: String?

    /// The body parsed as a JSON object, when the call carried a JSON object body.
    public func jsonObject() -> [String: Any]? {
        guard let data = self.body.data(using: .utf8), !data.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The response parsed as a JSON object, when there is one.
    public func responseJSONObject() -> [String: Any]? {
        guard let data = self.responseBody?.data(using: .utf8), !data.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Whether the simulator answered `"ok": true`.
    public var answeredOK: Bool {
        guard let body = self.responseBody else { return false }
        return body.hasPrefix("{\"ok\":true")
    }

    public var description: String {
        "#\(self.sequence) \(self.method) -> \(self.responseStatus.map(String.init) ?? "no answer")"
            + (self.fault.map { " [fault \($0)]" } ?? "")
    }
}
