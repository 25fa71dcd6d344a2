import Foundation
import Testing
import VigilCore
import Yams

/// The Slack app manifest requests exactly the scopes the code uses, and `vigil check` asks for the same ones.
struct SlackAppScopesTests {
    /// `deploy/slack-app-manifest.yaml`, parsed.
    private func manifest() throws -> [String: Any] {
        let text = try RepositoryFiles.text("deploy/slack-app-manifest.yaml")
        return try #require(try Yams.load(yaml: text) as? [String: Any], "the manifest is not a YAML mapping")
    }

    private func strings(_ value: Any?, _ path: String) throws -> [String] {
        try #require(value as? [String], "the manifest has no list at \(path)")
    }

    @Test func theManifestRequestsExactlyTheScopesTheCodeUses() throws {
        let oauth = try #require(try manifest()["oauth_config"] as? [String: Any])
        let scopes = try #require(oauth["scopes"] as? [String: Any])
        let bot = try strings(scopes["bot"], "oauth_config.scopes.bot")
        #expect(bot.count == Set(bot).count, "a scope is listed twice: \(bot)")
        let expected = Set(SlackAppScopes.required + [SlackAppScopes.userGroups])
        #expect(Set(bot).subtracting(expected).sorted() == [], "requested but never used by the code")
        #expect(expected.subtracting(bot).sorted() == [], "used by the code but not requested")
    }

    @Test func theManifestSubscribesToTheEventsTheScopesCover() throws {
        let settings = try #require(try manifest()["settings"] as? [String: Any])
        let subscriptions = try #require(settings["event_subscriptions"] as? [String: Any])
        let events = try strings(subscriptions["bot_events"], "settings.event_subscriptions.bot_events")
        #expect(Set(events) == Set(SlackAppScopes.botEvents.keys))
        let features = try #require(try manifest()["features"] as? [String: Any])
        let commands = try #require(features["slash_commands"] as? [[String: Any]])
        #expect(commands.compactMap { $0["command"] as? String } == ["/vigil"])
    }

    @Test func userGroupsAreAskedForOnlyWhenPermissionsNameThem() {
        #expect(!SlackAppScopes.required.contains(SlackAppScopes.userGroups))
        #expect(SlackMethod.usergroupsUsersList.scopes == [SlackAppScopes.userGroups])
    }

    @Test func readScopesFollowTheMethodsReallyCalled() {
        // conversations.info (vigil check's membership test) is what needs channels:read / groups:read; nothing
        // calls users.info, so users:read is not requested.
        #expect(SlackMethod.calledByVigil.contains(.conversationsInfo))
        #expect(!SlackMethod.calledByVigil.contains(.usersInfo))
        #expect(!SlackAppScopes.required.contains("users:read"))
        #expect(SlackAppScopes.required.contains("channels:read") && SlackAppScopes.required.contains("groups:read"))
    }
}
