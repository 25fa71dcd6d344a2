import Foundation
import Testing

@testable import VigilBase
@testable import VigilDaemon

struct ConfigurationValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var yaml: String
        var environment: [String: String] = [:]
        var key: String
        var mentions: String
        var testDescription: String { key }
    }

    static let workspace = "workspaces:\n  - name: ops\n"
    static let rule = "runbooks:\n  - name: r\n"

    static let cases: [Case] = [
        Case(yaml: "limits:\n  related_window: 15 minutes\n", key: "limits.related_window", mentions: "not a duration"),
        Case(
            yaml: "limits:\n  flapping:\n    window: 1.5h\n", key: "limits.flapping.window",
            mentions: "not a duration"),
        Case(yaml: "limits:\n  approval_timeout: 30\n", key: "limits.approval_timeout", mentions: "unit"),
        Case(
            yaml: "limits:\n  history_retention: 12h\n", key: "limits.history_retention", mentions: "from 1d to 3650d"),
        Case(
            yaml: workspace + "    alert_channels: [C0123ALERT, \"#alerts\"]\n", key: "workspaces[0].alert_channels[1]",
            mentions: "not a channel ID"),
        Case(
            yaml: "", environment: ["VIGIL_ALERT_CHANNELS": "alerts"], key: "VIGIL_ALERT_CHANNELS",
            mentions: "not a channel ID"),
        Case(yaml: "metrics:\n  listen: 0.0.0.0:9464\n", key: "metrics.listen", mentions: "loopback"),
        Case(yaml: "metrics:\n  listen: \"[fe80::1]:9464\"\n", key: "metrics.listen", mentions: "loopback"),
        Case(yaml: "metrics:\n  listen: localhost:9464\n", key: "metrics.listen", mentions: "not a host name"),
        Case(yaml: "metrics:\n  listen: 127.0.0.1\n", key: "metrics.listen", mentions: "host:port"),
        Case(yaml: "metrics: {}\n", key: "metrics.listen", mentions: "required"),
        Case(
            yaml: "", environment: ["VIGIL_METRICS_LISTEN": "0.0.0.0:9464"], key: "VIGIL_METRICS_LISTEN",
            mentions: "loopback"),
        Case(
            yaml: "metrics:\n  listen: 127.0.0.1:9464\n", environment: ["VIGIL_METRICS_LISTEN": "192.168.1.5:9464"],
            key: "VIGIL_METRICS_LISTEN", mentions: "loopback"),
        Case(yaml: "connections: 0\n", key: "connections", mentions: "from 1 to 10"),
        Case(yaml: "connections: 11\n", key: "connections", mentions: "from 1 to 10"),
        Case(yaml: "connections: [2]\n", key: "connections", mentions: "must be a single value"),
        Case(
            yaml: "connections: 3\n", environment: ["VIGIL_CONNECTIONS": "11"], key: "VIGIL_CONNECTIONS",
            mentions: "from 1 to 10"),
        Case(yaml: "log_level: loud\n", key: "log_level", mentions: "trace, debug"),
        Case(yaml: "log_levle: info\n", key: "log_levle", mentions: "did you mean log_level?"),
        Case(
            yaml: workspace + "    alert_chanels: [C0123ALERT]\n", key: "workspaces[0].alert_chanels",
            mentions: "did you mean alert_channels?"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        comand: [/bin/true]\n",
            key: "runbooks[0].probes[0].comand", mentions: "did you mean command?"),
        Case(
            yaml: "limits:\n  flapping:\n    windows: 1h\n", key: "limits.flapping.windows",
            mentions: "did you mean window?"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        command: [df, -h]\n",
            key: "runbooks[0].probes[0].command", mentions: "absolute path"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        command: [/bin/df, \"{{host}}\"]\n",
            key: "runbooks[0].probes[0].command[1]", mentions: "environment variables"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        command: [/bin/true]\n        http: https://x/\n",
            key: "runbooks[0].probes[0]", mentions: "both command and http"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n", key: "runbooks[0].probes[0]",
            mentions: "needs either command"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        http: https://x/\n        requires_approval: true\n",
            key: "runbooks[0].probes[0].requires_approval", mentions: "command probes only"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        command: [/bin/true]\n        requires_approval: yes\n",
            key: "runbooks[0].probes[0].requires_approval", mentions: "true or false"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        command: [/bin/true]\n        timeout: 10m\n",
            key: "runbooks[0].probes[0].timeout", mentions: "from 1s to 5m"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        command: [/bin/true]\n        output_limit: 0\n",
            key: "runbooks[0].probes[0].output_limit", mentions: "from 1 to 1048576"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        http: \"https://x/{{hots}}\"\n",
            key: "runbooks[0].probes[0].http", mentions: "unknown placeholder"),
        // Issue 14: an alert must not choose the server an HTTP probe fetches.
        Case(
            yaml: rule + "    probes:\n      - name: p\n        http: \"https://{{host}}:9100/metrics\"\n",
            key: "runbooks[0].probes[0].http", mentions: "{{host}} is in the host of the URL"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        http: \"http://metrics.example.com:{{label.port}}/\"\n",
            key: "runbooks[0].probes[0].http", mentions: "{{label.port}} is in the port of the URL"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        http: \"https://{{name}}@metrics.example.com/\"\n",
            key: "runbooks[0].probes[0].http", mentions: "is in the user info of the URL"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        http: http://169.254.169.254/latest/meta-data/\n",
            key: "runbooks[0].probes[0].http", mentions: "169.254.169.254 is a link-local address"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        http: \"http://[::ffff:169.254.169.254]/\"\n",
            key: "runbooks[0].probes[0].http", mentions: "link-local"),
        Case(
            yaml: rule
                + "    probes:\n      - name: p\n        http: https://other.example.com/\n        allowed_hosts: [metrics.example.com]\n",
            key: "runbooks[0].probes[0].http", mentions: "other.example.com is not in allowed_hosts (metrics.example.com)"),
        Case(
            yaml: "probes:\n  allowed_hosts: [\"*.internal.example.com\"]\n" + rule
                + "    probes:\n      - name: p\n        http: https://metrics.example.com/\n",
            key: "runbooks[0].probes[0].http", mentions: "not in allowed_hosts (*.internal.example.com)"),
        Case(
            yaml: rule
                + "    probes:\n      - name: p\n        http: https://x.example.com/\n        allowed_hosts: [x.example.com, \"http://y\"]\n",
            key: "runbooks[0].probes[0].allowed_hosts[1]", mentions: "not a host name, *.domain wildcard"),
        Case(
            yaml: "probes:\n  allowed_hosts: []\n", key: "probes.allowed_hosts", mentions: "would refuse every HTTP probe"),
        Case(
            yaml: rule + "    probes:\n      - name: p\n        command: [/bin/true]\n        allowed_hosts: [10.0.0.0/8]\n",
            key: "runbooks[0].probes[0].allowed_hosts", mentions: "http probes only"),
        Case(
            yaml: rule + "    probes:\n      - command: [/bin/true]\n", key: "runbooks[0].probes[0].name",
            mentions: "required"),
        Case(
            yaml: rule
                + "    probes:\n      - { name: p, command: [/bin/true] }\n"
                + "      - { name: p, command: [/bin/false] }\n",
            key: "runbooks[0].probes[1].name", mentions: "unique"),
        Case(
            yaml: rule + "    match:\n      min_severity: critcal\n", key: "runbooks[0].match.min_severity",
            mentions: "did you mean critical?"),
        Case(
            yaml: rule + "    match:\n      sources: [prometheus]\n", key: "runbooks[0].match.sources[0]",
            mentions: "not a source"),
        Case(
            yaml: rule + "    links:\n      - label: x\n        url: wiki/page\n", key: "runbooks[0].links[0].url",
            mentions: "http"),
        Case(yaml: "runbooks:\n  - match: {name: x}\n", key: "runbooks[0].name", mentions: "required"),
        Case(
            yaml: "runbooks:\n  - name: a\n    probes:\n      - { name: p, command: [/bin/true] }\n"
                + "  - name: b\n    probes:\n      - { name: bad, command: [x] }\n"
                + "      - { name: p, command: [/bin/false] }\n",
            key: "runbooks[1].probes[1].name", mentions: "de-duplicated by name across rules"),
        Case(yaml: "runbooks:\n  - name: a\n  - name: a\n", key: "runbooks[1].name", mentions: "unique"),
        Case(
            yaml: workspace + "    permissions:\n      ack: [\"@alice\"]\n", key: "workspaces[0].permissions.ack[0]",
            mentions: "not \"*\", a user ID"),
        Case(
            yaml: workspace + "    permissions:\n      approve: [alice]\n", key: "workspaces[0].permissions.approve[0]",
            mentions: "user-group ID"),
        Case(
            yaml: workspace + "    approvers: [S0123GROUP]\n    permissions:\n      approve: [\"*\"]\n",
            key: "workspaces[0].approvers[0]", mentions: "list people"),
        Case(
            yaml: workspace + "    approvers: [U0123ALICE]\n", key: "workspaces[0].approvers",
            mentions: "permissions.approve is empty"),
        Case(
            yaml: workspace + "    approvers: [U0123ALICE]\n    permissions:\n      approve: [U0123BOBBY]\n",
            key: "workspaces[0].approvers[0]", mentions: "may not approve"),
        Case(
            yaml: workspace + "    api_url: http://slack.example.com/api/\n", key: "workspaces[0].api_url",
            mentions: "clear text"),
        Case(yaml: "", environment: ["SLACK_API_URL": "slack.com/api"], key: "SLACK_API_URL", mentions: "http(s) URL"),
        Case(yaml: workspace + "    slash_command: vigil\n", key: "workspaces[0].slash_command", mentions: "must be /"),
        Case(yaml: "workspaces:\n  - name: Ops Team\n", key: "workspaces[0].name", mentions: "not a valid name"),
        Case(yaml: "workspaces:\n  - name: ops\n  - name: ops\n", key: "workspaces[1].name", mentions: "unique"),
        Case(
            yaml: "workspaces:\n  - name: ops\n  - alert_channels: []\n", key: "workspaces[1].name",
            mentions: "required"),
        Case(yaml: "workspaces: []\n", key: "workspaces", mentions: "at least one"),
        Case(yaml: "workspaces:\n  name: ops\n", key: "workspaces", mentions: "list of sections"),
        Case(
            yaml: workspace + "    bot_token_file: relative/path\n", key: "workspaces[0].bot_token_file",
            mentions: "absolute path"),
        Case(
            yaml: workspace + "    app_token_credential: \"a/b\"\n", key: "workspaces[0].app_token_credential",
            mentions: "credential name"),
        Case(yaml: "ca_file: /nonexistent/ca.pem\n", key: "ca_file", mentions: "cannot read"),
        Case(
            yaml: "workspaces:\n  - name: ops\n    app_token: xapp-1\n", key: "workspaces[0].app_token",
            mentions: "LoadCredential"),
    ]

    @Test(arguments: cases)
    func everyProblemNamesItsKey(_ testCase: Case) async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems(testCase.yaml, environment: testCase.environment)
            let error = errors.errors.first { $0.key == testCase.key }
            #expect(error != nil, "got \(errors.keys)")
            #expect(error?.problem.contains(testCase.mentions) == true, "\(String(describing: error))")
            #expect(!errors.leaksToken)
        }
    }

    @Test func allProblemsAreReportedTogether() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let yaml = """
                connections: 0
                log_levle: info
                metrics:
                  listen: 0.0.0.0:9464
                workspaces:
                  - name: ops
                    alert_chanels: [C0123ALERT]
                    permissions:
                      ack: [alice]
                limits:
                  related_window: soon
                runbooks:
                  - name: r
                    match:
                      min_severity: critcal
                    probes:
                      - name: p
                        command: [ls]
                """
            let errors = await sandbox.problems(yaml)
            #expect(
                Set(errors.keys) == [
                    "connections", "log_levle", "metrics.listen", "workspaces[0].alert_chanels",
                    "workspaces[0].permissions.ack[0]", "limits.related_window", "runbooks[0].match.min_severity",
                    "runbooks[0].probes[0].command",
                ])
            #expect(errors.description.hasPrefix("8 configuration problems:\n"))
        }
    }

    @Test func badTokensAreNamedBySourceWithoutShowingThem() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems(
                "",
                environment: ["SLACK_APP_TOKEN": "xoxb-test-wrong-kind"],
                credentials: ["slack-bot-token": "xoxp-test-user-token"])
            #expect(errors.keys == ["SLACK_APP_TOKEN", "credential slack-bot-token"])
            #expect(!errors.leaksToken)
            #expect(!errors.description.contains("xoxp-test"))
        }
    }

    @Test func theSameBotTokenTwiceIsRefused() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems(
                "workspaces:\n  - name: ops\n  - name: lab\n",
                credentials: [
                    "slack-app-token": "xapp-test-1", "slack-bot-token": "xoxb-test-same",
                    "lab-slack-app-token": "xapp-test-2", "lab-slack-bot-token": "xoxb-test-same",
                ])
            #expect(errors.keys == ["credential lab-slack-bot-token"])
            #expect(!errors.leaksToken)
        }
    }

    @Test func yamlSyntaxErrorsNameTheFileAndLineWithoutQuotingIt() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems("workspaces:\n  - name: ops\n    app_token: \"xoxb-literal-1\n")
            #expect(errors.errors.count == 1)
            #expect(errors.keys[0].hasSuffix("vigil.yaml"))
            #expect(errors.errors[0].problem.contains("line"))
            #expect(!errors.leaksToken)
        }
    }

    @Test func duplicateKeysAreRefused() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems("connections: 2\nconnections: 3\n")
            #expect(errors.errors.first?.problem.contains("appears twice") == true)
        }
    }

    @Test func topLevelMustBeASection() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems("- a\n- b\n")
            #expect(errors.errors.first?.problem.contains("top level") == true)
        }
    }

    @Test func errorValuesAreRedactedWhenTheyLookLikeTokens() {
        #expect(ConfigurationDiagnostics.quote("xoxb-test-123") == "<redacted>")
        #expect(ConfigurationDiagnostics.quote("C0123") == "\"C0123\"")
        #expect(ConfigurationDiagnostics.quote(String(repeating: "a", count: 100)).count == 80)
    }

    @Test func keysAreNamedLikeTheFile() {
        let path = ConfigurationPath.root.appending("runbooks").appending(0).appending("match").appending("labels")
            .appending("app.kubernetes.io/name")
        #expect(path.description == "runbooks[0].match.labels[\"app.kubernetes.io/name\"]")
        #expect(
            ConfigurationPath.root.appending("workspaces").appending(1).appending("bot_token_file").description
                == "workspaces[1].bot_token_file")
    }
}
