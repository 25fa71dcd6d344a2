@testable import Vigil
@testable import VigilDaemon
import Logging
import Synchronization
import Testing


struct ConfigurationChangesTests {
    static func base() -> DaemonConfiguration {
        DaemonConfiguration(
            logLevel: .info,
            stateDirectory: "/var/lib/vigil",
            connections: 2,
            workspaces: [
                WorkspaceConfiguration(
                    name: "ops", appToken: SecretValue("xapp-test-a"), botToken: SecretValue("xoxb-test-a"),
                    alertChannels: ["C0123ALERT"])
            ]
        )
    }

    @Test func identicalConfigurationsHaveNoChanges() {
        #expect(ConfigurationChanges(from: Self.base(), to: Self.base()).isEmpty)
    }

    /// Changes the value behind `key`.
    static func change(_ key: String, in c: inout DaemonConfiguration) {
        switch key {
        case "log_level": c.logLevel = .debug
        case "workspaces[0].alert_channels": c.workspaces[0].alertChannels.append("C0456INFRA")
        case "workspaces[0].permissions": c.workspaces[0].permissions.approve = .everyone
        case "workspaces[0].approvers": c.workspaces[0].approvers = ["U0123ALICE"]
        case "workspaces[0].slash_command": c.workspaces[0].slashCommand = "/oncall"
        case "limits.storm_threshold": c.limits.stormThreshold = 50
        case "limits.approval_timeout": c.limits.approvalTimeout = .seconds(60)
        case "runbooks": c.runbooks = [RunbookRuleConfiguration(name: "r")]
        case "connections": c.connections = 4
        case "state_dir": c.stateDirectory = "/srv/vigil"
        case "limits.handler_concurrency": c.limits.handlerConcurrency = 8
        case "workspaces[0].bot_token": c.workspaces[0].botToken = SecretValue("xoxb-test-b")
        case "workspaces[0].api_url": c.workspaces[0].apiURL = "https://example.invalid/api/"
        case "workspaces": c.workspaces[0].name = "platform"
        default: Issue.record("no change for \(key)")
        }
    }

    @Test(arguments: [
        ("log_level", true), ("workspaces[0].alert_channels", true), ("workspaces[0].permissions", true),
        ("workspaces[0].approvers", true), ("workspaces[0].slash_command", true), ("limits.storm_threshold", true),
        ("limits.approval_timeout", true), ("runbooks", true), ("connections", false), ("state_dir", false),
        ("limits.handler_concurrency", false), ("workspaces[0].bot_token", false), ("workspaces[0].api_url", false),
        ("workspaces", false),
    ])
    func eachKeyIsAppliedOrWaitsForARestart(key: String, live: Bool) {
        var new = Self.base()
        Self.change(key, in: &new)
        let changes = ConfigurationChanges(from: Self.base(), to: new)
        #expect(changes.applied == (live ? [key] : []))
        #expect(changes.needRestart == (live ? [] : [key]))
    }

    @Test func aChangedTokenIsNamedButNeverShown() {
        var new = Self.base()
        new.workspaces[0].appToken = SecretValue("xapp-test-new")
        let changes = ConfigurationChanges(from: Self.base(), to: new)
        #expect(changes.needRestart == ["workspaces[0].app_token"])
        #expect(!"\(changes)".contains("xapp-test"))
    }
}

struct LogLevelSwitchTests {
    @Test func everyCopyOfTheLoggerFollowsTheSwitch() {
        let lines = LinesSink()
        let levelSwitch = LogLevelSwitch(.info)
        let logger = Logger(label: "t") { label in JournaldLogHandler(label: label, levelSwitch: levelSwitch, sink: lines.append) }
        let copy = logger
        copy.debug("hidden")
        levelSwitch.level = .debug
        copy.debug("shown")
        logger.trace("still hidden")
        #expect(lines.all == ["<7>t: shown"])
        var other = logger
        other.logLevel = .error  // setting it on any copy sets the shared level
        #expect(levelSwitch.level == .error)
        #expect(logger.logLevel == .error)
    }
}

private final class LinesSink: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}
