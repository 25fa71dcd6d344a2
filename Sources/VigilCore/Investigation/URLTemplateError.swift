/// A URL template could not be rendered or validated.
public struct URLTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case unknownPlaceholder(String)
        case unterminatedPlaceholder(String)
        case missingValue(String)
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

    /// A readable explanation.
    public var description: String {
        switch code {
        case .unknownPlaceholder(let name):
            "unknown placeholder {{\(name)}} in URL template (use name, host, service or label.<key>)"
        case .unterminatedPlaceholder(let excerpt):
            "unterminated placeholder in URL template near \"\(excerpt)\" (close it with }})"
        case .missingValue(let placeholder):
            "the alert has no value for \(placeholder)"
        }
    }
}
