import Foundation
import Testing
import SlackWebClient
import VigilBase
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

    /// ``SlackMethod/calledByVigil`` (plus `usergroups.users.list`) names exactly the methods whose typed call in
    /// `SlackWebAPI` is used somewhere in Vigil's sources (the modules `vigil` links, and `vigil` itself): a new call of an
    /// unlisted method, or a listed method no longer called, fails here before the manifest drifts.
    @Test func calledByVigilMatchesTheCallsInTheSources() throws {
        let api = try RepositoryFiles.text("Sources/SlackWebClient/SlackWebAPI.swift")
        func identifier(_ text: Substring) -> String { String(text.prefix { $0.isLetter || $0.isNumber || $0 == "_" }) }
        // The typed call of each method: the function whose body has `call(.<method constant>`.
        var typedCall: [String: String] = [:]
        for function in api.components(separatedBy: "func ").dropFirst() {
            for use in function.components(separatedBy: "call(.").dropFirst() {
                typedCall[identifier(Substring(use))] = identifier(Substring(function))
            }
        }
        try #require(typedCall.count >= 15, "found the typed calls: \(typedCall)")

        var sources = ""
        for folder in [
            "Sources/SlackWebClient", "Sources/Vigil", "Sources/VigilDaemon", "Sources/AlertInvestigation",
            "Sources/SlackSocketMode", "Sources/vigil",
        ] {
            let root = RepositoryFiles.url(folder)
            let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            for file in files where file.hasSuffix(".swift") {
                sources += try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) + "\n"
            }
        }
        // Used when some occurrence of `name(` is neither part of a longer name nor its own declaration.
        func isCalled(_ function: String) -> Bool {
            sources.components(separatedBy: function + "(").dropLast().contains { before in
                let boundary = before.last.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? true
                return boundary && !before.hasSuffix("func ")
            }
        }
        // `chat.postMessage` ↔ `chatPostMessage`.
        func constant(_ method: SlackMethod) -> String {
            let parts = method.name.split(separator: ".")
            return parts.enumerated()
                .map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }
                .joined()
        }
        let called = Set(typedCall.filter { isCalled($0.value) }.keys)
        let listed = Set((SlackMethod.calledByVigil + [.usergroupsUsersList]).map(constant))
        #expect(called.subtracting(listed).sorted() == [], "called in Sources/ but missing from SlackMethod.calledByVigil")
        #expect(listed.subtracting(called).sorted() == [], "listed in SlackMethod.calledByVigil but never called")
    }
}
