/// A ``UserGroupResolver`` backed by a closure, for wiring a Web API call without a new type (and for tests).
public struct ClosureUserGroupResolver: UserGroupResolver {
    private let lookup: @Sendable (String) async throws -> Set<String>

    /// Creates a resolver.
    ///
    /// - Parameter lookup: Returns the members of the user group whose id it is given.
    public init(_ lookup: @escaping @Sendable (String) async throws -> Set<String>) {
        self.lookup = lookup
    }

    public func members(ofUserGroup groupID: String) async throws -> Set<String> {
        try await lookup(groupID)
    }
}
