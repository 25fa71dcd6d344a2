import Foundation
import Logging
import AlertInvestigation
import VigilBase
import VigilStorage

/// Who may do what in one workspace, and which incidents' channels a person can see: the permission lists (with
/// user groups resolved through `usergroups.users.list` and cached), people of other teams
/// (`permissions.other_teams`), and channel scope (asked from that channel, named in the action's list, a public
/// channel for the workspace's own people, or membership from `conversations.info`/`conversations.members`, cached).
/// Shared by the conversation handlers and the approvals; it only reads settings, Slack and its caches, and calls
/// nobody back.
actor AccessPolicy {
    /// The workspace, its store and Web API client, the logger and the clock.
    let context: ConversationContext
    /// Permissions and cache lifetimes (replaced by ``apply(_:)`` on a configuration reload).
    var settings: ConversationSettings
    /// Resolves user groups named in permissions.
    let userGroups: (any UserGroupResolver)?
    /// User-group members and when they were fetched.
    var userGroupCache: [String: (members: Set<String>, fetchedAt: Date)] = [:]
    /// Channels' privacy and members for channel-scoped permissions (bounded, expiring).
    var channelFactsCache: [String: ChannelFacts] = [:]

    /// - Parameters:
    ///   - context: The workspace (people of other teams are told apart by it), its Web API client (channels'
    ///     privacy and members), the logger (refusals, failed look-ups) and the clock.
    ///   - settings: Permissions and cache lifetimes.
    ///   - userGroups: Resolves user groups named in permissions; `nil` treats every group as empty (logged).
    init(context: ConversationContext, settings: ConversationSettings, userGroups: (any UserGroupResolver)?) {
        self.context = context
        self.settings = settings
        self.userGroups = userGroups
    }

    /// Applies new settings (a configuration reload); cached user-group and channel members are dropped, so a changed
    /// group or channel is read again.
    func apply(_ newSettings: ConversationSettings) {
        settings = newSettings
        userGroupCache = [:]
        channelFactsCache = [:]
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
            context.logger.info("refused", metadata: ["slack.user": "\(user)", "vigil.action": "\(action.rawValue)"])
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
            context.logger.warning(
                "permissions name user groups but no user-group resolver is configured; groups count as empty"
            )
            return .success([])
        }
        var memberOf: Set<String> = []
        for group in candidates {
            let members: Set<String>
            if let cached = userGroupCache[group],
                HumanFormat.between(cached.fetchedAt, context.now()) < settings.userGroupCacheTTL
            {
                members = cached.members
            } else {
                do {
                    members = try await userGroups.members(ofUserGroup: group)
                    userGroupCache[group] = (members, context.now())
                } catch {
                    context.logger.warning("user-group lookup failed: \(error)", metadata: ["slack.usergroup": "\(group)"])
                    return .failure(GroupLookupFailed())
                }
            }
            if members.contains(user) { memberOf.insert(group) }
        }
        return .success(memberOf)
    }

    /// The most channels whose facts are cached; the oldest entry goes first.
    static let channelFactsCacheLimit = 256



    // MARK: - Other teams

    /// Whether `source` belongs to another Slack team than the workspace (a Slack Connect guest). Sources without
    /// a team (older payloads) count as the workspace's own.
    func isExternal(_ source: ActionSource) -> Bool {
        guard let team = source.team, !team.isEmpty else { return false }
        return team != context.workspace
    }

    /// The refusal for a person of another team whom `permissions.other_teams` does not list; `nil` for everyone
    /// else. Checked before anything else they ask.
    func otherTeamRefusal(_ source: ActionSource) async -> ConversationReply? {
        guard isExternal(source) else { return nil }
        switch await permits(settings.permissions.otherTeams, user: source.user) {
        case .allowed:
            return nil
        case .unknown:
            return Self.groupLookupFailedRefusal
        case .notAllowed:
            context.logger.info(
                "refused a person of another team",
                metadata: ["slack.user": "\(source.user)", "slack.team": "\(source.team ?? "")"]
            )
            return .refusal(
                "You're in another Slack organisation than this workspace, and I only answer people of other "
                    + "organisations whom Vigil's configuration lists, so I did nothing. An admin of this workspace "
                    + "can add you to `permissions.other_teams`."
            )
        }
    }

    // MARK: - Incidents

    /// The refusal when `source` may not see `incident`'s channel for `action` (`nil` = reading it); `nil` when
    /// they may.
    func scopeRefusal(
        _ incident: Incident,
        for action: ConversationSettings.Permissions.Action?,
        source: ActionSource
    ) async -> ConversationReply? {
        switch await access(to: incident.channel, for: action, source: source) {
        case .visible:
            return nil
        case .unknown:
            return .refusal(
                "I couldn't check whether you can see incident `\(incident.id)`'s channel (Slack didn't answer), so I "
                    + "did nothing. Try again in a minute."
            )
        case .hidden:
            context.logger.info(
                "refused: incident in a channel the person cannot see",
                metadata: [
                    "slack.user": "\(source.user)", "vigil.incident": "\(incident.id)",
                    "vigil.action": "\(action?.rawValue ?? "read")",
                ]
            )
            var text = "Incident `\(incident.id)` belongs to a channel you're not a member of, so I can't "
            if let action {
                text += "\(action.description.split(separator: " ").first ?? "act on") it for you. Ask someone in that "
                text += "channel, ask to be added to it, or ask an admin to name you in `permissions.\(action.rawValue)`."
            } else {
                text += "show it to you. Ask someone in that channel, or ask to be added to it."
            }
            return .refusal(text)
        }
    }

    /// Whether `source` can see `channel` for `action` (`nil` = reading; then `permissions.audit` names who reads
    /// everything).
    ///
    /// In order: asking from the channel itself; being named in the action's list (an ID or a group, never `"*"`);
    /// a public channel for people of the workspace's team; membership (`conversations.members`).
    func access(
        to channel: String,
        for action: ConversationSettings.Permissions.Action?,
        source: ActionSource
    ) async -> ChannelAccess {
        if source.channel == channel { return .visible }
        let named = settings.permissions[action ?? .audit]
        if named.userIDs.contains(source.user) { return .visible }
        if !named.userGroupIDs.isEmpty,
            await permits(Audience(userGroupIDs: named.userGroupIDs), user: source.user) == .allowed
        {
            return .visible
        }
        let needMembers = isExternal(source)
        guard let facts = await channelFacts(channel, needMembers: needMembers) else { return .unknown }
        if !facts.isPrivate && !needMembers { return .visible }
        guard let members = facts.members else { return .unknown }
        return members.contains(source.user) ? .visible : .hidden
    }

    /// The channels among `channels` that `viewer` can see, and how many could not be checked.
    func visibleChannels(_ channels: Set<String>, to viewer: Viewer) async -> (visible: Set<String>, unchecked: Int) {
        var visible: Set<String> = []
        var unchecked = 0
        for channel in channels.sorted() {
            switch viewer {
            case .person(let source):
                switch await access(to: channel, for: nil, source: source) {
                case .visible: visible.insert(channel)
                case .hidden: break
                case .unknown: unchecked += 1
                }
            case .channelReaders(let readersChannel):
                if channel == readersChannel {
                    visible.insert(channel)
                } else if let facts = await channelFacts(channel, needMembers: false) {
                    if !facts.isPrivate { visible.insert(channel) }
                } else {
                    unchecked += 1
                }
            }
        }
        return (visible, unchecked)
    }

    /// `incidents` without those of channels `viewer` cannot see, and how many channels could not be checked.
    func visibleIncidents(_ incidents: [Incident], to viewer: Viewer) async -> (incidents: [Incident], unchecked: Int) {
        let (visible, unchecked) = await visibleChannels(Set(incidents.map(\.channel)), to: viewer)
        return (incidents.filter { visible.contains($0.channel) }, unchecked)
    }

    /// A note for lists that left incidents out because channel membership could not be checked.
    static func uncheckedNote(_ unchecked: Int) -> String {
        unchecked == 0
            ? ""
            : "\n_\(HumanFormat.count(unchecked, "channel")) left out: I couldn't check whether you can see "
                + "\(unchecked == 1 ? "it" : "them") (Slack didn't answer). Try again in a minute._"
    }

    // MARK: - The cache

    /// The channel's facts, from the cache while fresh, else from Slack; `nil` when Slack did not answer.
    private func channelFacts(_ channel: String, needMembers: Bool) async -> ChannelFacts? {
        let at = context.now()
        var facts = channelFactsCache[channel]
        if let cached = facts, HumanFormat.between(cached.fetchedAt, at) >= settings.channelAccessCacheTTL {
            facts = nil
        }
        do {
            if facts == nil {
                facts = ChannelFacts(isPrivate: try await context.slack.channelIsPrivate(channel: channel), fetchedAt: at)
            }
            if var known = facts, known.members == nil, known.isPrivate || needMembers {
                known.members = try await context.slack.channelMembers(channel: channel)
                facts = known
            }
        } catch {
            context.logger.warning("could not read a channel's privacy or members: \(error)", metadata: ["slack.channel": "\(channel)"])
            return nil
        }
        if let facts { remember(facts, of: channel) }
        return facts
    }

    /// Stores `facts`, dropping expired entries and then the oldest while the cache is over its limit.
    private func remember(_ facts: ChannelFacts, of channel: String) {
        channelFactsCache[channel] = facts
        guard channelFactsCache.count > Self.channelFactsCacheLimit else { return }
        let at = context.now()
        channelFactsCache = channelFactsCache.filter {
            HumanFormat.between($0.value.fetchedAt, at) < settings.channelAccessCacheTTL
        }
        while channelFactsCache.count > Self.channelFactsCacheLimit,
            let oldest = channelFactsCache.min(by: { $0.value.fetchedAt < $1.value.fetchedAt })?.key
        {
            channelFactsCache[oldest] = nil
        }
    }
}

/// Whether a user may do an action.
enum PermissionDecision: Sendable, Hashable {
    /// The user may.
    case allowed
    /// The user may not.
    case notAllowed
    /// A user-group lookup failed, so Vigil cannot tell.
    case unknown
}

/// What Vigil knows about one channel for channel-scoped permissions: whether it is private and, once needed,
/// who is in it. Cached for ``ConversationSettings/channelAccessCacheTTL``.
struct ChannelFacts: Sendable {
    /// `conversations.info`'s `is_private`.
    var isPrivate: Bool
    /// `conversations.members`, read only when a private channel (or an external person) needs it.
    var members: Set<String>?
    /// When ``isPrivate`` was read; both values expire together.
    var fetchedAt: Date
}

/// Whether someone can see a channel.
enum ChannelAccess: Sendable, Hashable {
    /// They can: they are in it, it is public (and they are of the workspace's team), or the configuration names
    /// them for the action.
    case visible
    /// They cannot.
    case hidden
    /// Slack did not answer, so Vigil cannot tell (treated as hidden, with a "try again" answer).
    case unknown
}

/// Who an answer is for: one person (a DM, the slash command, an ephemeral refusal), or everyone who can read a
/// channel (a reply in an alert thread).
enum Viewer: Sendable {
    /// One person asking.
    case person(ActionSource)
    /// Everyone in this channel; a public channel's incidents and this channel's own are fine to show them.
    case channelReaders(String)
}
