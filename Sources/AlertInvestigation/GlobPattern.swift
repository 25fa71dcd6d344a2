import VigilBase

/// A case-insensitive glob: `*` matches any run of characters (including none), `?` exactly one character,
/// everything else matches itself.
///
/// Matching is iterative with single-star backtracking, so it runs in O(pattern × text) at worst, however many
/// stars a configured pattern has.
public struct GlobPattern: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The pattern as configured.
    public let pattern: String
    private let folded: [Character]

    /// Creates a pattern.
    ///
    /// - Parameter pattern: The glob text.
    public init(_ pattern: String) {
        self.pattern = pattern
        self.folded = Array(pattern.lowercased())
    }

    /// Creates a pattern from a literal.
    ///
    /// - Parameter value: The glob text.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The pattern text.
    public var description: String { pattern }

    /// Whether `text` matches the whole pattern, ignoring case.
    ///
    /// - Parameter text: The text to test.
    /// - Returns: `true` when the entire text matches.
    public func matches(_ text: String) -> Bool {
        let subject = Array(text.lowercased())
        var p = 0
        var s = 0
        var starP = -1
        var starS = 0
        while s < subject.count {
            if p < folded.count, folded[p] == "?" || (folded[p] != "*" && folded[p] == subject[s]) {
                p += 1
                s += 1
            } else if p < folded.count, folded[p] == "*" {
                starP = p
                starS = s
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starS += 1
                s = starS
            } else {
                return false
            }
        }
        while p < folded.count, folded[p] == "*" { p += 1 }
        return p == folded.count
    }
}
