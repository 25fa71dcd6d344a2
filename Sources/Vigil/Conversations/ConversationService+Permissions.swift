import Foundation
import Logging
import AlertInvestigation
import VigilStorage

extension ConversationService {
    /// Whether a user may do an action.
    enum PermissionDecision: Sendable, Hashable {
        /// The user may.
        case allowed
        /// The user may not.
        case notAllowed
        /// A user-group lookup failed, so Vigil cannot tell.
        case unknown
    }

    /// Decides whether `user` may do `action`: everyone, a listed user, or a member of a listed user group. For
    /// approvals this is `permissions.approve` alone: `approvers` only says who is sent the requests, so buttons,
    /// commands and text replies are all checked against the same list, groups included.
    func permission(_ action: ConversationSettings.Permissions.Action, user: String) async -> PermissionDecision {
        await permits(settings.permissions[action], user: user)
    }

    /// Decides whether `audience` includes `user`, looking up its user groups only when needed.
    func permits(_ audience: Audience, user: String) async -> PermissionDecision {
        if audience.everyone || audience.userIDs.contains(user) { return .allowed }
        guard !audience.userGroupIDs.isEmpty else { return .notAllowed }
        switch await groups(of: user, among: audience.userGroupIDs) {
        case .success(let groups): return audience.permits(userID: user, userGroupIDs: groups) ? .allowed : .notAllowed
        case .failure: return .unknown
        }
    }

    /// Said when a user-group lookup failed, so a permission could not be decided.
    static let groupLookupFailedRefusal = ConversationReply.refusal(
        "I couldn't check your user groups just now (Slack didn't answer), so I did nothing. Try again in a minute."
    )

    /// Checks that `user` may do `action`.
    ///
    /// - Returns: `nil` when allowed, else the refusal to show them.
    func refusal(_ action: ConversationSettings.Permissions.Action, user: String) async -> ConversationReply? {
        switch await permission(action, user: user) {
        case .allowed:
            return nil
        case .unknown:
            return Self.groupLookupFailedRefusal
        case .notAllowed:
            logger.info("refused", metadata: ["slack.user": "\(user)", "vigil.action": "\(action.rawValue)"])
            let who = settings.permissions[action].isNobody ? "Nobody is" : "You're not"
            return .refusal(
                "\(who) allowed to \(action.description) here. An admin can add you (or one of your user groups) to "
                    + "`permissions.\(action.rawValue)` in Vigil's configuration."
            )
        }
    }

    /// Checks that `source` may do `action` on `incident`: the permission, then the incident's channel.
    ///
    /// - Returns: `nil` when allowed, else the refusal to show them.
    func refusal(
        _ action: ConversationSettings.Permissions.Action,
        on incident: Incident,
        source: ActionSource
    ) async -> ConversationReply? {
        if let refusal = await refusal(action, user: source.user) { return refusal }
        return await scopeRefusal(incident, for: action, source: source)
    }

    private struct GroupLookupFailed: Error {}

    /// The groups among `candidates` that `user` belongs to; memberships are cached for
    /// ``ConversationSettings/userGroupCacheTTL``.
    private func groups(of user: String, among candidates: [String]) async -> Result<Set<String>, any Error> {
        guard let userGroups else {
            logger.warning(
                "permissions name user groups but no user-group resolver is configured; groups count as empty"
            )
            return .success([])
        }
        var memberOf: Set<String> = []
        for group in candidates {
            let members: Set<String>
            if let cached = userGroupCache[group],
                HumanFormat.between(cached.fetchedAt, now()) < settings.userGroupCacheTTL
            {
                members = cached.members
            } else {
                do {
                    members = try await userGroups.members(ofUserGroup: group)
                    userGroupCache[group] = (members, now())
                } catch {
                    logger.warning("user-group lookup failed: \(error)", metadata: ["slack.usergroup": "\(group)"])
                    return .failure(GroupLookupFailed())
                }
            }
            if members.contains(user) { memberOf.insert(group) }
        }
        return .success(memberOf)
    }
}
