/// One answer of the plain-HTTP listener a ``WebSocketTransport`` can serve (see ``HTTPListener``).
///
/// The transport copies the page into the C shim before the handler's call returns, so a page owns nothing the
/// shim keeps.
public struct HTTPPage: Sendable, Hashable {
    /// The HTTP status, 200–599 (the shim answers 500 instead of an invalid page).
    public var status: Int
    /// The `Content-Type` value: printable ASCII without line breaks, at most 127 bytes.
    public var contentType: String
    /// The body; its length becomes `Content-Length`.
    public var body: [UInt8]

    /// Creates a page.
    /// - Parameters:
    ///   - status: The HTTP status, 200–599.
    ///   - contentType: The `Content-Type` value, such as `text/plain; charset=utf-8`.
    ///   - body: The body bytes.
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A UTF-8 `text/plain` page.
    /// - Parameters:
    ///   - text: The body.
    ///   - status: The HTTP status; default 200.
    /// - Returns: The page.
    public static func text(_ text: String, status: Int = 200) -> HTTPPage {
        HTTPPage(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}
