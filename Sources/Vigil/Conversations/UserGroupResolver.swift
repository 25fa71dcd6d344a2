/// Looks up who belongs to a Slack user group (`S…`), for permissions that list groups.
///
/// The daemon backs it with `usergroups.users.list`; ``AccessPolicy`` caches the answers for
/// ``ConversationSettings/userGroupCacheTTL`` and only asks when a permission lists a group and the user is not
/// allowed otherwise.
public protocol UserGroupResolver: Sendable {
    /// The user ids (`U…`/`W…`) in the group.
    ///
    /// - Parameter groupID: The user group's id (`S…`).
    /// - Returns: Its members now.
    /// - Throws: When Slack could not be asked; the permission is then refused (and the user told to try again).
    func members(ofUserGroup groupID: String) async throws -> Set<String>
}
