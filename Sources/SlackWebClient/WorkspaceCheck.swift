import Logging
import VigilBase

/// `vigil check` for one workspace: does the bot token work, does it have the scopes Vigil needs, is the bot a
/// member of every alert channel, and can the app token open a Socket Mode connection.
///
/// Each step is reported as soon as it finishes (``run(progress:)``), so an operator watching a slow or hanging
/// check sees how far it got.
public struct WorkspaceCheck: Sendable {
    /// The bot scopes Vigil needs on every installation (``SlackAppScopes/required``, which
    /// deploy/slack-app-manifest.yaml requests).
    public static let requiredScopes = SlackAppScopes.required

    /// Needed as well when permissions name user groups (`usergroups.users.list`).
    public static let userGroupScope = SlackAppScopes.userGroups

    /// One line of the report.
    public struct Item: Sendable, Equatable {
        /// What was checked (`bot token`, `scopes`, `alert channel C0123`…).
        public var name: String
        /// Whether it works.
        public var passed: Bool
        /// What was found and, when it failed, what to do.
        public var detail: String

        /// The item as one report line: `  ✔ name: detail` or `  ✘ name: detail`.
        public var rendered: String { "  \(passed ? "✔" : "✘") \(name): \(detail)" }
    }

    /// The result for one workspace.
    public struct Report: Sendable, Equatable {
        /// The workspace's name in the configuration.
        public var workspace: String
        /// The checks in the order they ran.
        public var items: [Item]

        /// Whether every check passed.
        public var allPassed: Bool { items.allSatisfy(\.passed) }

        /// The first line, printed before any check runs.
        public var heading: String { Self.heading(workspace) }

        /// The last line: whether everything passed.
        public var summary: String { allPassed ? "  all checks passed" : "  some checks failed" }

        /// A readable multi-line rendering; never contains a token.
        public var rendered: String {
            ([heading] + items.map(\.rendered) + [summary]).joined(separator: "\n")
        }

        static func heading(_ workspace: String) -> String { "workspace \(workspace):" }
    }

    private let name: String
    private let api: SlackWebAPI
    private let neededScopes: [String]
    private let alertChannels: [String]

    /// - Parameters:
    ///   - name: The workspace's name in the configuration.
    ///   - api: Its Web API client.
    ///   - readsUserGroups: Whether its permissions name user groups (adds ``userGroupScope`` to the needed scopes).
    ///   - alertChannels: The channel IDs Vigil watches from the start; the bot must be a member of each.
    public init(name: String, api: SlackWebAPI, readsUserGroups: Bool = false, alertChannels: [String] = []) {
        self.name = name
        self.api = api
        self.neededScopes = Self.requiredScopes + (readsUserGroups ? [Self.userGroupScope] : [])
        self.alertChannels = alertChannels
    }

    /// Runs the checks in order, giving each line to `progress` as soon as it is known: the heading, one line per
    /// check, then the summary. Never throws (failures are report items).
    /// - Parameter progress: Receives each line of ``Report/rendered`` as it is produced.
    /// - Returns: The whole report.
    public func run(progress: (String) -> Void = { _ in }) async -> Report {
        var items: [Item] = []
        func record(_ item: Item) {
            items.append(item)
            progress(item.rendered)
        }
        progress(Report.heading(name))
        var botName: String?
        do {
            let identity = try await api.authTest()
            botName = identity.user.isEmpty ? nil : identity.user
            record(Item(name: "bot token", passed: true,
                        detail: "workspace \(identity.team) (\(identity.teamID)), bot user \(identity.user) (\(identity.userID)), bot id \(identity.botID ?? "none")"))
            let granted = Set(identity.grantedScopes)
            let missing = neededScopes.filter { !granted.contains($0) }
            if identity.grantedScopes.isEmpty {
                record(Item(name: "scopes", passed: false, detail: "Slack did not report the granted scopes (no x-oauth-scopes header)"))
            } else if missing.isEmpty {
                record(Item(name: "scopes", passed: true, detail: "all \(neededScopes.count) needed scopes granted"))
            } else {
                record(Item(name: "scopes", passed: false,
                            detail: "missing \(missing.joined(separator: ", ")); add them under OAuth & Permissions and reinstall the app"))
            }
        } catch {
            record(Item(name: "bot token", passed: false, detail: "\(error)"))
        }
        for channel in alertChannels {
            record(await membership(of: channel, botName: botName))
        }
        do {
            _ = try await api.openConnection()
            record(Item(name: "app token / Socket Mode", passed: true, detail: "apps.connections.open returned a WebSocket URL"))
        } catch {
            record(Item(name: "app token / Socket Mode", passed: false, detail: "\(error)"))
        }
        let report = Report(workspace: name, items: items)
        progress(report.summary)
        return report
    }

    /// Whether the bot is a member of `channel` (`conversations.info` → `channel.is_member`), and how to fix it
    /// when it is not.
    private func membership(of channel: String, botName: String?) async -> Item {
        let itemName = "alert channel \(channel)"
        let invite = "/invite @\(botName ?? "<bot name>")"
        do {
            let info = try await api.conversationInfo(channel: channel)
            let label = info["name"]?.stringValue.map { "#\($0) (\(channel))" } ?? channel
            if info["is_archived"]?.boolValue == true {
                return Item(name: itemName, passed: false,
                            detail: "\(label) is archived; unarchive it or remove it from alert_channels / VIGIL_ALERT_CHANNELS")
            }
            if info["is_member"]?.boolValue == true {
                return Item(name: itemName, passed: true, detail: "the bot is a member of \(label)")
            }
            return Item(name: itemName, passed: false,
                        detail: "the bot is not a member of \(label), so it sees none of its alerts; type \(invite) in \(label)")
        } catch let error as SlackAPIError where error.code == "channel_not_found" {
            return Item(name: itemName, passed: false,
                        detail: "Slack finds no channel \(channel) the bot can see: check the ID (channel details → bottom "
                            + "of the About tab); if it is a private channel, type \(invite) in it")
        } catch {
            return Item(name: itemName, passed: false, detail: "\(error)")
        }
    }
}
