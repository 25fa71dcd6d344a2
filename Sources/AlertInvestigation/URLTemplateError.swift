/// A URL template could not be rendered or validated.
public struct URLTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case unknownPlaceholder(String)
        case unterminatedPlaceholder(String)
        case missingValue(String)
        case placeholderInAuthority(String, part: String)
        case noHost
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The template uses a placeholder other than `name`, `host`, `service` or `label.<key>`: fix the rule.
    public static func unknownPlaceholder(_ name: String) -> Self { Self(.unknownPlaceholder(name)) }

    /// A `{{` has no matching `}}`: fix the rule.
    public static func unterminatedPlaceholder(_ excerpt: String) -> Self { Self(.unterminatedPlaceholder(excerpt)) }

    /// The alert has no (or an empty) value for this placeholder, so the URL is not produced.
    public static func missingValue(_ placeholder: String) -> Self { Self(.missingValue(placeholder)) }

    /// A placeholder fills the scheme, user info, host or port of a URL Vigil fetches itself (an HTTP probe): an
    /// alert could then choose which server Vigil connects to. Write that part literally.
    public static func placeholderInAuthority(_ placeholder: String, part: String) -> Self {
        Self(.placeholderInAuthority(placeholder, part: part))
    }

    /// The URL has no `scheme://host` part.
    public static let noHost = Self(.noHost)

    /// A readable explanation.
    public var description: String {
        switch code {
        case .unknownPlaceholder(let name):
            "unknown placeholder {{\(name)}} in URL template (use name, host, service or label.<key>)"
        case .unterminatedPlaceholder(let excerpt):
            "unterminated placeholder in URL template near \"\(excerpt)\" (close it with }})"
        case .missingValue(let placeholder):
            "the alert has no value for \(placeholder)"
        case .placeholderInAuthority(let placeholder, let part):
            "\(placeholder) is in the \(part) of the URL: an HTTP probe's scheme, host and port must be written "
                + "literally, so an alert cannot choose which server Vigil fetches (for example a cloud metadata "
                + "address); placeholders may fill only the path, query and fragment. Write the host out (one probe "
                + "per host, or one server that takes the host as a query parameter), or use a command probe that "
                + "checks $VIGIL_ALERT_HOST against your inventory"
        case .noHost:
            "the URL has no scheme://host part; write an absolute http:// or https:// URL"
        }
    }
}
