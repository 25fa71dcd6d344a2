import VigilBase

/// A complete HTTP response.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code of the final response (after any `100 Continue` or proxy `CONNECT` response).
    public var status: Int
    /// Header fields of the final response, names lowercased. Repeated fields are joined with `", "`.
    public var headers: [String: String]
    /// The body, decoded from any content encoding.
    public var body: [UInt8]

    /// Creates a response. Header names are lowercased; when two names differ only in case, their values are joined.
    ///
    /// - Parameters:
    ///   - status: The status code.
    ///   - headers: Header fields; names in any case.
    ///   - body: The body.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        var lowered: [String: String] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            if let existing = lowered[key] {
                lowered[key] = existing + ", " + value
            } else {
                lowered[key] = value
            }
        }
        self.headers = lowered
        self.body = body
    }

    /// The value of the header named `name`, case-insensitively.
    public subscript(header name: String) -> String? {
        headers[name.lowercased()]
    }
}
