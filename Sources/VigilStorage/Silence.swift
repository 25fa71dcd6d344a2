import Foundation
import AlertReading
/// A time-boxed instruction to keep quiet about matching alerts (they are still recorded, not investigated).
public struct Silence: Sendable, Hashable, Identifiable {
    /// Which alerts a silence covers.
    public enum Matcher: Sendable, Hashable {
        /// Alerts whose ``Alert/identity`` equals this string exactly.
        case identity(String)
        /// Alerts whose ``Alert/name`` matches this glob pattern: `*` matches any run of characters (also none),
        /// `?` exactly one; everything else is literal. Case-insensitive, anchored at both ends
        /// (`HighCPU*` matches `HighCPUUsage` and `highcpu`, not `NodeHighCPU`).
        case nameGlob(String)

        /// True when `alert` is covered.
        public func matches(_ alert: Alert) -> Bool {
            switch self {
            case .identity(let identity):
                return alert.identity == identity
            case .nameGlob(let pattern):
                return Self.glob(Array(pattern.lowercased()), matches: Array(alert.name.lowercased()))
            }
        }

        /// Iterative glob matching with single-star backtracking: linear in practice, no recursion.
        private static func glob(_ pattern: [Character], matches text: [Character]) -> Bool {
            var p = 0
            var t = 0
            var starP: Int? = nil
            var starT = 0
            while t < text.count {
                if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                    p += 1
                    t += 1
                } else if p < pattern.count, pattern[p] == "*" {
                    starP = p
                    starT = t
                    p += 1
                } else if let star = starP {
                    p = star + 1
                    starT += 1
                    t = starT
                } else {
                    return false
                }
            }
            while p < pattern.count, pattern[p] == "*" { p += 1 }
            return p == pattern.count
        }
    }

    /// Store-assigned identifier (short enough to type in a Slack command).
    public var id: Int64
    /// The Slack team id.
    public var workspace: String
    /// Which alerts it covers.
    public var matcher: Matcher
    /// Slack user id of whoever created it.
    public var createdBy: String
    /// Why, in the creator's words; may be empty.
    public var reason: String
    /// When it was created.
    public var createdAt: Date
    /// When it stops applying; a silence is active while `at < expiresAt`.
    public var expiresAt: Date

    /// Creates a silence value.
    public init(
        id: Int64,
        workspace: String,
        matcher: Matcher,
        createdBy: String,
        reason: String,
        createdAt: Date,
        expiresAt: Date
    ) {
        self.id = id
        self.workspace = workspace
        self.matcher = matcher
        self.createdBy = createdBy
        self.reason = reason
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// True when the silence applies at `date`.
    public func isActive(at date: Date) -> Bool { date < expiresAt }
}
