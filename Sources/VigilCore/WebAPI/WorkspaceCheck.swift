import Logging

/// `vigil check` for one workspace: does the bot token work, does it have the scopes Vigil needs, and can the app
/// token open a Socket Mode connection.
public struct WorkspaceCheck: Sendable {
    /// The bot scopes Vigil needs (see deploy/slack-app-manifest.yaml).
    public static let requiredScopes = [
        "app_mentions:read", "channels:history", "channels:join", "channels:read", "chat:write", "commands",
        "groups:history", "groups:read", "im:history", "im:write", "reactions:write", "users:read",
    ]

    /// Needed as well when permissions name user groups (`usergroups.users.list`).
    public static let userGroupScope = "usergroups:read"

    /// One line of the report.
    public struct Item: Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    /// The result for one workspace.
    public struct Report: Sendable, Equatable {
        public var workspace: String
        public var items: [Item]

        public var allPassed: Bool { items.allSatisfy(\.passed) }

        /// A readable multi-line rendering; never contains a token.
        public var rendered: String {
            var lines = ["workspace \(workspace):"]
            for item in items {
                lines.append("  \(item.passed ? "✔" : "✘") \(item.name): \(item.detail)")
            }
            lines.append(allPassed ? "  all checks passed" : "  some checks failed")
            return lines.joined(separator: "\n")
        }
    }

    private let name: String
    private let api: SlackWebAPI
    private let neededScopes: [String]

    /// - Parameters:
    ///   - name: The workspace's name in the configuration.
    ///   - api: Its Web API client.
    ///   - readsUserGroups: Whether its permissions name user groups (adds ``userGroupScope`` to the needed scopes).
    public init(name: String, api: SlackWebAPI, readsUserGroups: Bool = false) {
        self.name = name
        self.api = api
        self.neededScopes = Self.requiredScopes + (readsUserGroups ? [Self.userGroupScope] : [])
    }

    /// Runs the checks; never throws (failures are report items).
    public func run() async -> Report {
        var items: [Item] = []
        do {
            let identity = try await api.authTest()
            items.append(Item(name: "bot token", passed: true,
                              detail: "workspace \(identity.team) (\(identity.teamID)), bot user \(identity.user) (\(identity.userID)), bot id \(identity.botID ?? "none")"))
            let granted = Set(identity.grantedScopes)
            let missing = neededScopes.filter { !granted.contains($0) }
            if identity.grantedScopes.isEmpty {
                items.append(Item(name: "scopes", passed: false, detail: "Slack did not report the granted scopes (no x-oauth-scopes header)"))
            } else if missing.isEmpty {
                items.append(Item(name: "scopes", passed: true, detail: "all \(neededScopes.count) needed scopes granted"))
            } else {
                items.append(Item(name: "scopes", passed: false,
                                  detail: "missing \(missing.joined(separator: ", ")); add them under OAuth & Permissions and reinstall the app"))
            }
        } catch {
            items.append(Item(name: "bot token", passed: false, detail: "\(error)"))
        }
        do {
            _ = try await api.openConnection()
            items.append(Item(name: "app token / Socket Mode", passed: true, detail: "apps.connections.open returned a WebSocket URL"))
        } catch {
            items.append(Item(name: "app token / Socket Mode", passed: false, detail: "\(error)"))
        }
        return Report(workspace: name, items: items)
    }
}
