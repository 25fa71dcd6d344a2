import Configuration
import Logging
import SystemPackage

import Foundation
import CurlHTTP
import VigilBase

extension DaemonConfiguration {
    /// The environment variables of the outside contract, and the file key each one overrides.
    ///
    /// `VIGIL_ALERT_CHANNELS` is not here because it adds to the first workspace's `alert_channels` instead of
    /// replacing them; `STATE_DIRECTORY` and `CREDENTIALS_DIRECTORY` (set by systemd) are not overrides either.
    static let environmentOverrides: [[String]: String] = [
        ["log_level"]: "VIGIL_LOG_LEVEL",
        ["state_directory"]: "VIGIL_STATE_DIR",
        ["connections"]: "VIGIL_CONNECTIONS",
        ["ca_file"]: "VIGIL_CA_FILE",
        ["metrics", "listen"]: "VIGIL_METRICS_LISTEN",
        ["workspaces", "0", "api_url"]: "SLACK_API_URL",
        ["workspaces", "0", "app_token"]: "SLACK_APP_TOKEN",
        ["workspaces", "0", "bot_token"]: "SLACK_BOT_TOKEN",
    ]

    /// Every environment variable Vigil reads; all others are ignored.
    static let environmentVariables: Set<String> = Set(environmentOverrides.values).union([
        "VIGIL_ALERT_CHANNELS", "STATE_DIRECTORY", "CREDENTIALS_DIRECTORY",
    ])

    /// A key no environment variable is called, for file keys that have no override.
    private static let notFromEnvironment = "VIGIL_NOT_CONFIGURABLE_FROM_THE_ENVIRONMENT"

    /// Reads, merges and validates the configuration file, the environment and the systemd credentials.
    ///
    /// Sources, highest precedence first:
    /// 1. the environment variables of the existing contract (`VIGIL_LOG_LEVEL`, `VIGIL_STATE_DIR`,
    ///    `VIGIL_CONNECTIONS`, `VIGIL_CA_FILE`, `VIGIL_METRICS_LISTEN`, and for the first workspace `SLACK_API_URL`, `SLACK_APP_TOKEN`,
    ///    `SLACK_BOT_TOKEN`; `VIGIL_ALERT_CHANNELS` adds channels to the first workspace); an empty variable counts
    ///    as unset;
    /// 2. for tokens, `$CREDENTIALS_DIRECTORY/<credential name>` (systemd `LoadCredential=`), then the
    ///    `app_token_file`/`bot_token_file` of the workspace;
    /// 3. the YAML file;
    /// 4. the documented defaults (`STATE_DIRECTORY` from systemd is the default of `state_directory`).
    ///
    /// The file is read through swift-configuration's `FileProvider` (with ``ConfigurationFileSnapshot``) under an
    /// `EnvironmentVariablesProvider`; the credentials through a `DirectoryFilesProvider`. Nothing else in Vigil
    /// touches a `ConfigReader`.
    ///
    /// - Parameters:
    ///   - configPath: The `--config` argument, or `nil` for ``defaultConfigPath``. A missing file at the default
    ///     path is fine (environment-only operation); a missing file at an explicit path is an error.
    ///   - environment: The process environment.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationErrors`` with every problem found, each naming its key or variable; none contains a
    ///   secret. Exit with 78 (`EX_CONFIG`) on it.
    public static func load(
        configPath: String?,
        environment: [String: String]
    ) async throws(ConfigurationErrors) -> DaemonConfiguration {
        try await load(configPath: configPath, environment: environment, defaultConfigPath: defaultConfigPath)
    }

    /// ``load(configPath:environment:)`` with the default path replaced (tests must not depend on whether the
    /// machine has an `/etc/vigil/vigil.yaml`).
    static func load(
        configPath: String?,
        environment: [String: String],
        defaultConfigPath: String
    ) async throws(ConfigurationErrors) -> DaemonConfiguration {
        var diagnostics = ConfigurationDiagnostics()
        var environment = environment.filter { environmentVariables.contains($0.key) }.mapValues { $0.trimmed() }
        environment = environment.filter { !$0.value.isEmpty }

        // The file, through the library's FileProvider.
        let path = configPath ?? defaultConfigPath
        let file: FileProvider<ConfigurationFileSnapshot>
        do {
            file = try await openFile(atPath: path, isExplicit: configPath != nil, defaultConfigPath: defaultConfigPath)
        } catch {
            throw ConfigurationErrors([error])
        }
        let snapshot = file.snapshot() as? ConfigurationFileSnapshot
        let root = snapshot?.root
        diagnostics.root = root
        if let root { ConfigurationSchema.daemon.check(root, at: .root, into: &diagnostics) }

        // The environment layer on top of it.
        let overrides = environmentOverrides
        let environmentLayer = EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .specific(["SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"])
        ).mapKeys { key in AbsoluteConfigKey([overrides[key.components] ?? notFromEnvironment]) }
        let reader = ConfigReader(providers: [environmentLayer, file])
        let scope = ConfigurationScope(
            reader: reader,
            root: root,
            path: .root,
            overriddenBy: overrides.filter { environment[$0.value] != nil }
        )

        // Top-level values.
        var logLevel = Logger.Level.info
        if let text = scope.text("log_level") {
            if let level = Logger.Level(rawValue: text.lowercased()) {
                logLevel = level
            } else {
                diagnostics.report(
                    scope.name("log_level"),
                    "must be one of trace, debug, info, notice, warning, error, critical; got "
                        + "\(ConfigurationDiagnostics.quote(text))"
                )
            }
        }
        let systemdState = environment["STATE_DIRECTORY"].map { String($0.split(separator: ":").first ?? "") }
        let stateDirectory = scope.text("state_directory") ?? systemdState ?? "./.vigil"
        let caFile = scope.text("ca_file")
        if let caFile, FileManager.default.contents(atPath: caFile) == nil {
            diagnostics.report(
                scope.name("ca_file"),
                "cannot read \(ConfigurationDiagnostics.quote(caFile)); give a readable PEM bundle or remove "
                    + "the setting"
            )
        }
        let connections = scope.integer(
            "connections", in: 1...10, default: 2, why: " (Slack allows 10 connections per app)", &diagnostics)
        var metrics: MetricsConfiguration?
        // The section, or VIGIL_METRICS_LISTEN alone, turns the endpoint on.
        if environment["VIGIL_METRICS_LISTEN"] != nil || scope.node("metrics").map({ !$0.isNull }) == true {
            let metricsScope = scope.child("metrics")
            if let listen = metricsScope.requiredText(
                "listen", what: "the address to serve metrics on, such as 127.0.0.1:9464", &diagnostics)
            {
                switch MetricsConfiguration.parse(listen) {
                case .success(let value): metrics = value
                case .failure(let problem):
                    diagnostics.report(
                        metricsScope.name("listen"), "\(problem.text); got \(ConfigurationDiagnostics.quote(listen))")
                }
            }
        }

        let workspaces = await WorkspaceConfiguration.readAll(
            scope, environment: environment, environmentLayer: environmentLayer, &diagnostics)
        let limits = LimitsConfiguration(scope.child("limits"), &diagnostics)
        let globalAllowedHosts = ProbeConfiguration.allowedHosts(scope.child("probes"), &diagnostics)
        let runbooks = readRunbooks(scope, globalAllowedHosts: globalAllowedHosts, &diagnostics)

        guard diagnostics.errors.isEmpty else { throw ConfigurationErrors(diagnostics.errors) }
        return DaemonConfiguration(
            configurationFile: snapshot == nil ? nil : path,
            logLevel: logLevel,
            stateDirectory: stateDirectory,
            caFile: caFile,
            metrics: metrics,
            connections: connections,
            workspaces: workspaces,
            limits: limits,
            runbooks: runbooks
        )
    }

    /// Opens the file; a missing file is an empty configuration unless the path was given explicitly.
    private static func openFile(
        atPath path: String,
        isExplicit: Bool,
        defaultConfigPath: String
    ) async throws(ConfigurationError) -> FileProvider<ConfigurationFileSnapshot> {
        do {
            return try await FileProvider<ConfigurationFileSnapshot>(
                filePath: FilePath(path), allowMissing: !isExplicit)
        } catch let error as ConfigurationFileSnapshot.ParseError {
            throw ConfigurationError(key: path, problem: "\(error)")
        } catch {
            if !FileManager.default.fileExists(atPath: path) {
                throw ConfigurationError(
                    key: "--config",
                    problem: "there is no file at \(path); check the path, or leave out --config to use "
                        + "\(defaultConfigPath) (which may be absent)"
                )
            }
            throw ConfigurationError(
                key: path,
                problem: (try? FileManager.default.contentsOfDirectory(atPath: path)) != nil
                    ? "is a directory; give the path of the YAML file"
                    : "cannot be read (\(error)); check that the vigil user may read it"
            )
        }
    }

    /// Reads every runbook rule and checks names across rules.
    private static func readRunbooks(
        _ scope: ConfigurationScope,
        globalAllowedHosts: [AllowedHost]?,
        _ diagnostics: inout ConfigurationDiagnostics
    ) -> [RunbookRuleConfiguration] {
        var rules: [RunbookRuleConfiguration] = []
        var ruleNames: [String: Int] = [:]
        var probesByName: [String: (path: String, probe: ProbeConfiguration)] = [:]
        for index in scope.itemIndices("runbooks") {
            let ruleScope = scope.child("runbooks").child(index)
            guard let rule = RunbookRuleConfiguration(ruleScope, globalAllowedHosts: globalAllowedHosts, &diagnostics)
            else { continue }
            if let first = ruleNames[rule.name] {
                diagnostics.report(
                    ruleScope.name("name"),
                    "\(ConfigurationDiagnostics.quote(rule.name)) is already the name of runbooks[\(first)]; "
                        + "rule names must be unique"
                )
            } else {
                ruleNames[rule.name] = index
            }
            for probeIndex in ruleScope.itemIndices("probes") {
                // Match the file's items to the parsed probes by name (unique within a rule), so the error names the
                // right item even when an earlier probe of the rule was left out for an error of its own.
                let probeScope = ruleScope.child("probes").child(probeIndex)
                guard let name = probeScope.text("name"), let probe = rule.probes.first(where: { $0.name == name })
                else { continue }
                let probePath = probeScope.path.description
                if let earlier = probesByName[probe.name] {
                    if earlier.probe != probe, !earlier.path.hasPrefix(ruleScope.path.description + ".") {
                        diagnostics.report(
                            probeScope.path.appending("name"),
                            "\(ConfigurationDiagnostics.quote(probe.name)) is also the name of a different probe at "
                                + "\(earlier.path); probes are de-duplicated by name across rules, so only the "
                                + "first would run: rename one"
                        )
                    }
                } else {
                    probesByName[probe.name] = (probePath, probe)
                }
            }
            rules.append(rule)
        }
        return rules
    }
}
