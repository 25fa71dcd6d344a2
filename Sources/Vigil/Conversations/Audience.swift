/// Who may use one Vigil action: everyone in the workspace, or listed users and user groups.
///
/// Configured as a list of entries: `"*"` (everyone), user IDs (`U…`, or `W…` for Enterprise Grid) and user-group
/// IDs (`S…`). IDs, not names or handles, because names can be changed by their owner. An empty list means nobody.
public struct Audience: Sendable, Hashable, CustomStringConvertible {
    /// Whether everyone in the workspace is allowed (the entry `"*"`).
    public var everyone: Bool
    /// Allowed user IDs (`U…`/`W…`), in configured order.
    public var userIDs: [String]
    /// Allowed user-group IDs (`S…`), in configured order; a user is allowed when they belong to one.
    public var userGroupIDs: [String]

    /// Creates an audience.
    ///
    /// - Parameters:
    ///   - everyone: Whether everyone is allowed.
    ///   - userIDs: Allowed user IDs.
    ///   - userGroupIDs: Allowed user-group IDs.
    public init(everyone: Bool = false, userIDs: [String] = [], userGroupIDs: [String] = []) {
        self.everyone = everyone
        self.userIDs = userIDs
        self.userGroupIDs = userGroupIDs
    }

    /// Everyone in the workspace (`["*"]`).
    public static let everyone = Audience(everyone: true)

    /// Nobody (`[]`).
    public static let nobody = Audience()

    /// Whether nobody at all is allowed.
    public var isNobody: Bool { !everyone && userIDs.isEmpty && userGroupIDs.isEmpty }

    /// Whether a user is allowed.
    ///
    /// - Parameters:
    ///   - userID: The acting user's ID.
    ///   - userGroupIDs: The IDs of the user groups the user belongs to (look them up only when ``userGroupIDs`` is
    ///     not empty; `usergroups.users.list` costs an API call).
    /// - Returns: `true` when the audience is everyone, lists the user, or lists one of their groups.
    public func permits(userID: String, userGroupIDs memberOf: Set<String> = []) -> Bool {
        everyone || userIDs.contains(userID) || userGroupIDs.contains(where: memberOf.contains)
    }

    /// The configured form: `["*"]`, `[]` or the IDs.
    public var description: String {
        if everyone { return "[\"*\"]" }
        return "[" + (userIDs + userGroupIDs).joined(separator: ", ") + "]"
    }

    /// Whether `text` looks like a Slack user ID (`U…` or `W…`).
    ///
    /// - Parameter text: The candidate.
    /// - Returns: `true` for 9 to 20 upper-case letters and digits starting with `U` or `W`.
    public static func isUserID(_ text: String) -> Bool { isSlackID(text, prefixes: "UW") }

    /// Whether `text` looks like a Slack user-group ID (`S…`).
    ///
    /// - Parameter text: The candidate.
    /// - Returns: `true` for 9 to 20 upper-case letters and digits starting with `S`.
    public static func isUserGroupID(_ text: String) -> Bool { isSlackID(text, prefixes: "S") }

    private static func isSlackID(_ text: String, prefixes: String) -> Bool {
        guard let first = text.first, prefixes.contains(first), (9...20).contains(text.count) else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }
}
