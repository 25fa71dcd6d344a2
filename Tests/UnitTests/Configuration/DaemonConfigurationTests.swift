@testable import AlertInvestigation
@testable import AlertReading
@testable import Vigil
@testable import VigilDaemon
import Foundation
import Logging
import Testing


struct DaemonConfigurationTests {
    static let fullExample = """
        log_level: debug
        state_directory: /var/lib/vigil
        connections: 4
        metrics:
          listen: "[::1]:9464"
        workspaces:
          - name: ops
            api_url: https://slack.example.com/api
            alert_channels: [C0123ALERT, G0456PRIV, C0123ALERT]
            permissions:
              ack: ["*"]
              resolve: [U0123ALICE, S0123ONCALL]
              silence: []
              watch: [W0123ADMIN]
              approve: [S0123ONCALL, U0123ALICE]
            approvers: [U0123ALICE]
            slash_command: /oncall
          - name: platform
            app_token_credential: platform-app
            bot_token_file: {BOT_FILE}
        limits:
          storm_threshold: 25
          flapping:
            window: 2h
            threshold: 6
          related_window: 1h30m
          approval_timeout: 10m
          probe_concurrency: 2
          history_retention: 30d
          catch_up_limit: 0
          handler_concurrency: 16
        runbooks:
          - name: disk
            match:
              sources: [alertmanager, uptime_kuma]
              name: "Disk*"
              labels:
                app.kubernetes.io/name: "node-*"
                env: prod
              min_severity: high
            links:
              - label: Runbook
                url: "https://wiki.example.com/disk?host={{host}}"
            probes:
              - name: df
                command: [/usr/bin/df, -h]
                timeout: 30s
                output_limit: 8192
                requires_approval: true
              - name: exporter
                http: "http://metrics.example.com:9100/metrics?host={{host}}"
          - name: everything
        """

    @Test func fullFileParsesIntoTheModel() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let botFile = try sandbox.write("platform-bot", "xoxb-test-platform-bot\n")
            let credentials = [
                "slack-app-token": ConfigurationSandbox.appToken, "slack-bot-token": ConfigurationSandbox.botToken,
                "platform-app": "xapp-test-platform-app",
            ]
            let yaml = Self.fullExample.replacingOccurrences(of: "{BOT_FILE}", with: botFile)
            let configuration = try await sandbox.load(yaml, credentials: credentials)

            #expect(configuration.configurationFile == sandbox.root.appendingPathComponent("vigil.yaml").path)
            #expect(configuration.logLevel == .debug)
            #expect(configuration.stateDirectory == "/var/lib/vigil")
            #expect(configuration.caFile == nil)
            #expect(configuration.connections == 4)
            #expect(configuration.metrics == MetricsConfiguration(host: "::1", port: 9464))
            #expect(configuration.metrics?.listen == "[::1]:9464")

            try #require(configuration.workspaces.count == 2)
            let ops = configuration.workspaces[0]
            #expect(ops.name == "ops")
            #expect(ops.appToken.reveal() == ConfigurationSandbox.appToken)
            #expect(ops.botToken.reveal() == ConfigurationSandbox.botToken)
            #expect(ops.appTokenSource == "credential slack-app-token")
            #expect(ops.apiURL == "https://slack.example.com/api/")
            #expect(ops.alertChannels == ["C0123ALERT", "G0456PRIV"])
            #expect(ops.permissions.ack == .everyone)
            #expect(ops.permissions.resolve == Audience(userIDs: ["U0123ALICE"], userGroupIDs: ["S0123ONCALL"]))
            #expect(ops.permissions.silence == .nobody)
            #expect(ops.permissions.watch == Audience(userIDs: ["W0123ADMIN"]))
            #expect(ops.permissions.approve.permits(userID: "U0123ALICE"))
            #expect(ops.permissions.approve.permits(userID: "U0999OTHER", userGroupIDs: ["S0123ONCALL"]))
            #expect(!ops.permissions.approve.permits(userID: "U0999OTHER"))
            #expect(ops.approvers == ["U0123ALICE"])
            #expect(ops.slashCommand == "/oncall")

            let platform = configuration.workspaces[1]
            #expect(platform.name == "platform")
            #expect(platform.appToken.reveal() == "xapp-test-platform-app")
            #expect(platform.appTokenSource == "credential platform-app")
            #expect(platform.botToken.reveal() == "xoxb-test-platform-bot")
            #expect(platform.botTokenSource == "workspaces[1].bot_token_file")
            #expect(platform.apiURL == "https://slack.com/api/")
            #expect(platform.permissions == PermissionsConfiguration())
            #expect(platform.permissions.watch.isNobody && platform.permissions.approve.isNobody)
            #expect(platform.slashCommand == "/vigil")

            #expect(
                configuration.limits
                    == LimitsConfiguration(
                        stormThreshold: 25, flappingWindow: .seconds(7_200), flappingThreshold: 6,
                        relatedWindow: .seconds(5_400), approvalTimeout: .seconds(600), probeConcurrency: 2,
                        historyRetention: .seconds(30 * 86_400), catchUpLimit: 0, handlerConcurrency: 16))

            try #require(configuration.runbooks.count == 2)
            let disk = configuration.runbooks[0]
            #expect(disk.name == "disk")
            #expect(disk.match.sources == [.alertmanager, .uptimeKuma])
            #expect(disk.match.namePattern == "Disk*")
            #expect(disk.match.labels == ["app.kubernetes.io/name": "node-*", "env": "prod"])
            #expect(disk.match.minimumSeverity == .high)
            #expect(disk.links == [.init(label: "Runbook", urlTemplate: "https://wiki.example.com/disk?host={{host}}")])
            #expect(
                disk.probes == [
                    ProbeConfiguration(
                        name: "df", action: .command(executable: "/usr/bin/df", arguments: ["-h"]),
                        timeout: .seconds(30),
                        outputLimit: 8192, requiresApproval: true),
                    ProbeConfiguration(name: "exporter", action: .http(urlTemplate: "http://metrics.example.com:9100/metrics?host={{host}}")),
                ])
            #expect(configuration.runbooks[1] == RunbookRuleConfiguration(name: "everything"))
        }
    }

    @Test func runbookConfigurationMapsOntoTheRuntimeRule() {
        let configuration = RunbookRuleConfiguration(
            name: "disk",
            match: .init(sources: [.zabbix], namePattern: "Disk*", labels: ["env": "prod"], minimumSeverity: .warning),
            links: [.init(label: "Runbook", urlTemplate: "https://wiki/{{name}}")],
            probes: [
                ProbeConfiguration(
                    name: "df", action: .command(executable: "/usr/bin/df", arguments: ["-h"]), requiresApproval: true),
                ProbeConfiguration(name: "web", action: .http(urlTemplate: "https://web.example.com/{{host}}"), timeout: .seconds(3)),
            ]
        )
        let rule = configuration.runbookRule
        let alert = Alert(
            source: .zabbix, status: .firing, severity: .high, name: "Disk full", labels: ["env": "prod"],
            identity: "z:1")
        #expect(rule.matches(alert))
        #expect(
            !rule.matches(
                Alert(
                    source: .grafana, status: .firing, severity: .high, name: "Disk full", labels: ["env": "prod"],
                    identity: "g:1")))
        #expect(rule.probes.map(\.name) == ["df", "web"])
        #expect(rule.probes[0].requiresApproval)
        #expect(rule.probes[1].timeout == .seconds(3))
        #expect(
            rule.probes[0]
                == .command(
                    name: "df", executable: "/usr/bin/df", arguments: ["-h"], timeout: .seconds(10),
                    outputLimitBytes: 4096, requiresApproval: true))
    }

    static func shippedExample() throws -> String {
        try RepositoryFiles.text("deploy/vigil.example.yaml")
    }

    /// The shipped example, installed as is, is valid and changes nothing: it spells out the defaults.
    @Test func shippedExampleIsValidAndSpellsOutTheDefaults() async throws {
        let yaml = try Self.shippedExample()
        try await ConfigurationSandbox.with { sandbox in
            let configuration = try await sandbox.load(yaml)
            var defaults = try await sandbox.load(nil)
            defaults.configurationFile = configuration.configurationFile
            #expect(configuration == defaults)
        }
    }

    /// Every optional setting of the shipped example (the `#key: value` lines) is valid too.
    @Test func shippedExampleWithEveryOptionalSettingEnabled() async throws {
        // A comment whose text is YAML ("#key: value", "#  - label: x") is an optional setting; prose stays.
        let enabled = try Self.shippedExample()
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                guard let hash = line.firstIndex(of: "#"), line[..<hash].allSatisfy({ $0 == " " }) else {
                    return String(line)
                }
                let rest = line[line.index(after: hash)...]
                guard rest.prefixMatch(of: /\s*(- )?[a-z_]+:( |$)/) != nil else { return String(line) }
                return String(line[..<hash]) + rest
            }
            .joined(separator: "\n")
        #expect(enabled.contains("\nmetrics:\n  listen:"))
        try await ConfigurationSandbox.with { sandbox in
            let caFile = try sandbox.write("ca.pem", "-----BEGIN CERTIFICATE-----\n")
            let configuration = try await sandbox.load(
                enabled.replacingOccurrences(of: "/etc/vigil/corporate-ca.pem", with: caFile),
                credentials: [
                    "slack-app-token": "xapp-test-ops", "slack-bot-token": "xoxb-test-ops",
                    "platform-slack-app-token": "xapp-test-platform", "platform-slack-bot-token": "xoxb-test-platform",
                ])
            #expect(configuration.stateDirectory == "/var/lib/vigil")
            #expect(configuration.caFile == caFile)
            #expect(configuration.metrics?.listen == "127.0.0.1:9464")
            #expect(configuration.workspaces.map(\.name) == ["default", "platform"])
            #expect(configuration.workspaces[0].appTokenSource == "credential slack-app-token")
            let platform = configuration.workspaces[1]
            #expect(platform.botToken.reveal() == "xoxb-test-platform")
            #expect(platform.alertChannels == ["C0123ALERT", "C0456INFRA"])
            #expect(platform.permissions.silence == Audience(userGroupIDs: ["S0123ONCALL"]))
            #expect(platform.permissions.ack == .everyone)
            #expect(platform.approvers == ["U0123ADMIN"])
            #expect(platform.slashCommand == "/vigil-platform")
            #expect(configuration.runbooks.map(\.name) == ["node-down", "payments-errors"])
            let probes = configuration.runbooks[0].probes
            #expect(probes.map(\.name) == ["ping", "restart-node-exporter", "metrics endpoint"])
            #expect(probes.map(\.requiresApproval) == [false, true, false])
            #expect(
                probes[0].action == .command(executable: "/usr/local/lib/vigil/ping-host", arguments: ["--count", "3"]))
            #expect(configuration.runbooks[0].match.labels == ["env": "prod*", "team": "infra"])
        }
    }

    /// The YAML examples in docs/configuration.md load without errors.
    @Test func documentationExamplesAreValid() async throws {
        let markdown = try RepositoryFiles.text("docs/configuration.md")
        let blocks = markdown.components(separatedBy: "```yaml\n").dropFirst()
            .map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count >= 2)
        for yaml in blocks {
            try await ConfigurationSandbox.with { sandbox in
                _ = try await sandbox.load(
                    yaml,
                    credentials: [
                        "slack-app-token": "xapp-test-1", "slack-bot-token": "xoxb-test-1",
                        "platform-slack-app-token": "xapp-test-2", "platform-slack-bot-token": "xoxb-test-2",
                    ])
            }
        }
    }

    @Test func environmentOnlyWhenTheDefaultFileIsMissing() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let configuration = try await sandbox.load(
                nil,
                environment: [
                    "SLACK_APP_TOKEN": "xapp-test-env", "SLACK_BOT_TOKEN": "xoxb-test-env",
                    "VIGIL_ALERT_CHANNELS": "C0123ALERT, C0456OTHER", "STATE_DIRECTORY": "/var/lib/vigil:/var/lib/x",
                ],
                credentials: nil)
            #expect(configuration.configurationFile == nil)
            #expect(configuration.workspaces.count == 1)
            #expect(configuration.workspaces[0].name == "default")
            #expect(configuration.workspaces[0].appTokenSource == "SLACK_APP_TOKEN")
            #expect(configuration.workspaces[0].alertChannels == ["C0123ALERT", "C0456OTHER"])
            #expect(configuration.stateDirectory == "/var/lib/vigil")
            #expect(configuration.connections == 2)
            #expect(configuration.logLevel == .info)
            #expect(configuration.runbooks.isEmpty)
        }
    }

    @Test func metricsListenFromTheEnvironmentEnablesAndOverridesTheEndpoint() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let enabled = try await sandbox.load(nil, environment: ["VIGIL_METRICS_LISTEN": "127.0.0.1:9555"])
            #expect(enabled.metrics == MetricsConfiguration(host: "127.0.0.1", port: 9555))
            let overridden = try await sandbox.load(
                "metrics:\n  listen: 127.0.0.1:9464\n", environment: ["VIGIL_METRICS_LISTEN": " [::1]:9465 "])
            #expect(overridden.metrics == MetricsConfiguration(host: "::1", port: 9465))
            let unset = try await sandbox.load(nil, environment: ["VIGIL_METRICS_LISTEN": ""])
            #expect(unset.metrics == nil, "an empty variable counts as unset")
        }
    }

    @Test func environmentOnlyKeepsTheOldVariableNamesInErrors() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems(nil, credentials: nil)
            #expect(errors.keys == ["SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"])
        }
    }

    @Test func aMissingExplicitFileIsAnError() async throws {
        try await ConfigurationSandbox.with { sandbox in
            do throws(ConfigurationErrors) {
                _ = try await DaemonConfiguration.load(
                    configPath: sandbox.root.appendingPathComponent("nope.yaml").path,
                    environment: ["SLACK_APP_TOKEN": "xapp-test-a", "SLACK_BOT_TOKEN": "xoxb-test-b"],
                    defaultConfigPath: sandbox.missingDefaultPath)
                Issue.record("expected an error")
            } catch {
                #expect(error.keys == ["--config"])
                #expect(error.description.contains("nope.yaml"))
            }
        }
    }

    @Test func aDirectoryIsNotAConfigurationFile() async throws {
        try await ConfigurationSandbox.with { sandbox in
            do throws(ConfigurationErrors) {
                _ = try await DaemonConfiguration.load(
                    configPath: sandbox.root.path,
                    environment: ["SLACK_APP_TOKEN": "xapp-test-a", "SLACK_BOT_TOKEN": "xoxb-test-b"],
                    defaultConfigPath: sandbox.missingDefaultPath)
                Issue.record("expected an error")
            } catch {
                #expect(error.keys == [sandbox.root.path])
                #expect(error.errors[0].problem.contains("directory"))
            }
        }
    }

    @Test func environmentWinsOverTheFile() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let yaml = """
                log_level: error
                state_directory: /srv/vigil
                connections: 3
                workspaces:
                  - name: ops
                    api_url: https://file.example.com/api/
                    alert_channels: [C0123FILE1]
                """
            let configuration = try await sandbox.load(
                yaml,
                environment: [
                    "VIGIL_LOG_LEVEL": "TRACE", "VIGIL_STATE_DIR": "/tmp/state", "VIGIL_CONNECTIONS": "5",
                    "SLACK_API_URL": "http://127.0.0.1:8080/api", "VIGIL_ALERT_CHANNELS": "C0123ENV01,C0123FILE1",
                    "SLACK_BOT_TOKEN": "xoxb-test-from-env", "STATE_DIRECTORY": "/var/lib/vigil",
                    "CONNECTIONS": "9", "LOG_LEVEL": "critical",  // not Vigil's variables: ignored
                ])
            #expect(configuration.logLevel == .trace)
            #expect(configuration.stateDirectory == "/tmp/state")
            #expect(configuration.connections == 5)
            let ops = configuration.workspaces[0]
            #expect(ops.apiURL == "http://127.0.0.1:8080/api/")
            #expect(ops.alertChannels == ["C0123FILE1", "C0123ENV01"])
            #expect(ops.botToken.reveal() == "xoxb-test-from-env")
            #expect(ops.botTokenSource == "SLACK_BOT_TOKEN")
            #expect(ops.appTokenSource == "credential slack-app-token")
        }
    }

    @Test func fileWinsOverDefaultsAndEmptyVariablesCountAsUnset() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let configuration = try await sandbox.load(
                "state_directory: /srv/vigil\nconnections: 3\n",
                environment: ["VIGIL_CONNECTIONS": "  ", "STATE_DIRECTORY": "/var/lib/vigil"])
            #expect(configuration.stateDirectory == "/srv/vigil")
            #expect(configuration.connections == 3)
        }
    }

    @Test func environmentVariablesApplyToTheFirstWorkspaceOnly() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let yaml = """
                workspaces:
                  - name: ops
                  - name: platform
                """
            let configuration = try await sandbox.load(
                yaml,
                environment: [
                    "SLACK_API_URL": "https://proxy.example.com/api/", "VIGIL_ALERT_CHANNELS": "C0123ENV01",
                ],
                credentials: [
                    "slack-app-token": "xapp-test-1", "slack-bot-token": "xoxb-test-1",
                    "platform-slack-app-token": "xapp-test-2", "platform-slack-bot-token": "xoxb-test-2",
                ])
            #expect(
                configuration.workspaces.map(\.apiURL) == ["https://proxy.example.com/api/", "https://slack.com/api/"])
            #expect(configuration.workspaces.map(\.alertChannels) == [["C0123ENV01"], []])
        }
    }

    @Test func credentialsAreLookedUpPerWorkspace() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let yaml = """
                workspaces:
                  - name: ops
                  - name: platform
                  - name: lab
                    app_token_credential: lab-app
                    bot_token_credential: lab-bot
                """
            let configuration = try await sandbox.load(
                yaml,
                environment: ["SLACK_APP_TOKEN": "xapp-test-env"],
                credentials: [
                    "slack-app-token": "xapp-test-ops-cred", "slack-bot-token": "xoxb-test-ops",
                    "platform-slack-app-token": "xapp-test-platform", "platform-slack-bot-token": "xoxb-test-platform",
                    "lab-app": "xapp-test-lab", "lab-bot": "xoxb-test-lab", "unrelated": "ignored",
                ])
            let workspaces = configuration.workspaces
            #expect(
                workspaces.map { $0.appToken.reveal() } == ["xapp-test-env", "xapp-test-platform", "xapp-test-lab"])
            #expect(
                workspaces.map { $0.botToken.reveal() } == ["xoxb-test-ops", "xoxb-test-platform", "xoxb-test-lab"])
            #expect(
                workspaces.map(\.appTokenSource) == [
                    "SLACK_APP_TOKEN", "credential platform-slack-app-token", "credential lab-app",
                ])
        }
    }

    @Test func credentialWinsOverTokenFile() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let file = try sandbox.write("bot", "xoxb-test-from-file")
            let configuration = try await sandbox.load("workspaces:\n  - name: ops\n    bot_token_file: \(file)\n")
            #expect(configuration.workspaces[0].botToken.reveal() == ConfigurationSandbox.botToken)
        }
    }

    @Test func aSecondWorkspaceNeedsItsOwnCredentials() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems("workspaces:\n  - name: ops\n  - name: platform\n")
            #expect(errors.keys == ["workspaces[1].app_token", "workspaces[1].bot_token"])
            #expect(errors.errors[0].problem.contains("platform-slack-app-token"))
        }
    }

    @Test func literalTokensInTheFileAreRefused() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let yaml = """
                workspaces:
                  - name: ops
                    app_token: xapp-test-literal-1234
                    bot_token: xoxb-literal-5678
                    api_url: xoxb-literal-9999
                """
            let errors = await sandbox.problems(yaml)
            #expect(errors.keys == ["workspaces[0].app_token", "workspaces[0].bot_token", "workspaces[0].api_url"])
            #expect(errors.errors[0].problem.contains("credential"))
            #expect(!errors.leaksToken)
        }
    }

    @Test func descriptionsNeverShowTokens() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let configuration = try await sandbox.load(
                Self.fullExample.replacingOccurrences(of: "{BOT_FILE}", with: "/x"),
                credentials: [
                    "slack-app-token": ConfigurationSandbox.appToken, "slack-bot-token": ConfigurationSandbox.botToken,
                    "platform-app": "xapp-test-platform-app", "platform-slack-bot-token": "xoxb-test-platform-bot",
                ])
            var dumped = ""
            dump(configuration, to: &dumped)
            let texts = [
                configuration.description, configuration.debugDescription, String(describing: configuration),
                String(reflecting: configuration), "\(configuration.workspaces)", dumped,
                String(describing: Mirror(reflecting: configuration.workspaces[0].botToken).children.map { $0 }),
            ]
            for text in texts {
                #expect(!text.contains("xoxb-test") && !text.contains("xapp-test"), "\(text)")
            }
            #expect(configuration.description.contains("bot_token: <redacted>  # from credential slack-bot-token"))
        }
    }
}
