import Foundation
import NIOHTTP1

/// One HTTP request as read by ``SimulatorHTTPHandler``, and the answer the simulator chose for it.
enum SimulatedHTTPExchange {
    /// A complete request.
    struct Request: Sendable {
        var method: String
        var uri: String
        var path: String
        var query: [String: String]
        var headers: HTTPHeaders
        var body: String
        var httpConnection: Int
        var receivedAt: ContinuousClock.Instant

        /// Splits the target into path and query.
        init(head: HTTPRequestHead, body: String, httpConnection: Int, receivedAt: ContinuousClock.Instant) {
            self.method = head.method.rawValue
            self.uri = head.uri
            self.headers = head.headers
            self.body = body
            self.httpConnection = httpConnection
            self.receivedAt = receivedAt
            if let mark = head.uri.firstIndex(of: "?") {
                self.path = String(head.uri[..<mark])
                self.query = Self.decodeForm(String(head.uri[head.uri.index(after: mark)...]))
            } else {
                self.path = head.uri
                self.query = [:]
            }
        }

        /// Decodes `a=1&b=x+y%21` (application/x-www-form-urlencoded). Later duplicates win.
        static func decodeForm(_ text: String) -> [String: String] {
            var result: [String: String] = [:]
            for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ part: Substring) -> String {
                    let plus = part.replacingOccurrences(of: "+", with: " ")
                    return plus.removingPercentEncoding ?? plus
                }
                let key = decode(parts[0])
                result[key] = parts.count > 1 ? decode(parts[1]) : ""
            }
            return result
        }
    }

    /// What to do with a request.
    enum Disposition: Sendable {
        /// Write the response (after `delay`, if set).
        case respond
        /// Close the TCP connection without a response.
        case dropConnection
        /// Never answer.
        case hang
    }

    /// The answer.
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var headers: [(String, String)]
        var body: String
        var delay: Duration?
        var disposition: Disposition = .respond

        /// A JSON answer.
        static func json(
            _ object: SimJSONObject,
            status: HTTPResponseStatus = .ok,
            headers: [(String, String)] = []
        ) -> Reply {
            Reply(
                status: status,
                headers: [("Content-Type", "application/json; charset=utf-8")] + headers,
                body: object.text
            )
        }

        /// A plain-text answer.
        static func text(
            _ text: String,
            status: HTTPResponseStatus,
            contentType: String = "text/plain; charset=utf-8"
        ) -> Reply {
            Reply(status: status, headers: [("Content-Type", contentType)], body: text)
        }
    }
}
