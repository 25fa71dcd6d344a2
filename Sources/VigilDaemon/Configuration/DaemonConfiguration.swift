import AlertReading
import CurlHTTP
import Vigil
import VigilBase
import Logging

/// Vigil's validated configuration: the YAML file (`/etc/vigil/vigil.yaml` unless `--config` says otherwise) with
/// the environment variables and systemd credentials of the existing contract on top.
///
/// Built once at startup by ``load(configPath:environment:)``; the rest of Vigil reads this struct and never a
/// `ConfigReader`. Every value has been checked, so consumers need no defensive code.
///
/// Top-level keys of the file (see `docs/configuration.md` for the full reference):
///
/// | key | type | default | environment (wins) | meaning |
/// |---|---|---|---|---|
/// | `log_level` | `trace` … `critical` | `info` | `VIGIL_LOG_LEVEL` | minimum level logged |
/// | `state_directory` | path | `$STATE_DIRECTORY`, else `./.vigil` | `VIGIL_STATE_DIR` | folder of the embedded database |
/// | `ca_file` | path | none | `VIGIL_CA_FILE` | extra PEM CA bundle for HTTPS and WSS |
/// | `connections` | 1–10 | 2 | `VIGIL_CONNECTIONS` | Socket Mode connections per workspace |
/// | `metrics` | section | none | `VIGIL_METRICS_LISTEN` (for `metrics.listen`) | see ``MetricsConfiguration`` |
/// | `workspaces` | list | one workspace from the environment | – | see ``WorkspaceConfiguration`` |
/// | `limits` | section | defaults | – | see ``LimitsConfiguration`` |
/// | `probes` | section | none | – | `allowed_hosts`: where every HTTP probe may connect (see ``ProbeConfiguration``) |
/// | `runbooks` | list | `[]` | – | see ``RunbookRuleConfiguration`` and ``ProbeConfiguration`` |
///
/// `description` and `debugDescription` are safe to log: tokens print as `<redacted>`.
public struct DaemonConfiguration: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The file the configuration was read from, or `nil` when there was none (environment only).
    public var configurationFile: String?
    /// The minimum log level.
    public var logLevel: Logger.Level
    /// The folder of the embedded database.
    public var stateDirectory: String
    /// An extra PEM CA bundle, or `nil`.
    public var caFile: String?
    /// The metrics endpoint, or `nil` for none.
    public var metrics: MetricsConfiguration?
    /// Socket Mode connections per workspace, 1–10.
    public var connections: Int
    /// The workspaces, at least one; the first is the one the `SLACK_*` variables apply to.
    public var workspaces: [WorkspaceConfiguration]
    /// Thresholds and bounds.
    public var limits: LimitsConfiguration
    /// Runbook rules, in configured order.
    public var runbooks: [RunbookRuleConfiguration]

    /// The configuration file read when `--config` is not given; it may be absent.
    public static let defaultConfigPath = "/etc/vigil/vigil.yaml"

    /// Creates a configuration from already validated parts (tests and tools; Vigil itself uses
    /// ``load(configPath:environment:)``).
    ///
    /// - Parameters:
    ///   - configurationFile: The file read, if any.
    ///   - logLevel: Default `info`.
    ///   - stateDirectory: Default `./.vigil`.
    ///   - caFile: Default none.
    ///   - metrics: Default none.
    ///   - connections: Default 2.
    ///   - workspaces: At least one.
    ///   - limits: Default limits.
    ///   - runbooks: Default none.
    public init(
        configurationFile: String? = nil,
        logLevel: Logger.Level = .info,
        stateDirectory: String = "./.vigil",
        caFile: String? = nil,
        metrics: MetricsConfiguration? = nil,
        connections: Int = 2,
        workspaces: [WorkspaceConfiguration],
        limits: LimitsConfiguration = LimitsConfiguration(),
        runbooks: [RunbookRuleConfiguration] = []
    ) {
        self.configurationFile = configurationFile
        self.logLevel = logLevel
        self.stateDirectory = stateDirectory
        self.caFile = caFile
        self.metrics = metrics
        self.connections = connections
        self.workspaces = workspaces
        self.limits = limits
        self.runbooks = runbooks
    }

    /// The effective configuration in the file's YAML shape, tokens shown as `<redacted>` with their source;
    /// suitable for `vigil check-config` output and a debug log at startup.
    public var description: String {
        var lines: [String] = []
        lines.append("# from \(configurationFile ?? "the environment only (no configuration file)")")
        lines.append("log_level: \(logLevel.rawValue)")
        lines.append("state_directory: \(stateDirectory)")
        if let caFile { lines.append("ca_file: \(caFile)") }
        lines.append("connections: \(connections)")
        if let metrics { lines.append("metrics:\n  listen: \"\(metrics.listen)\"") }
        lines.append("workspaces:")
        for workspace in workspaces {
            let permissions = workspace.permissions
            lines.append("  - name: \(workspace.name)")
            lines.append("    app_token: \(workspace.appToken)  # from \(workspace.appTokenSource)")
            lines.append("    bot_token: \(workspace.botToken)  # from \(workspace.botTokenSource)")
            lines.append("    api_url: \(workspace.apiURL)")
            lines.append("    alert_channels: [\(workspace.alertChannels.joined(separator: ", "))]")
            lines.append("    permissions:")
            lines.append("      ack: \(permissions.ack)")
            lines.append("      resolve: \(permissions.resolve)")
            lines.append("      silence: \(permissions.silence)")
            lines.append("      watch: \(permissions.watch)")
            lines.append("      approve: \(permissions.approve)")
            lines.append("      audit: \(permissions.audit)")
            lines.append("      other_teams: \(permissions.otherTeams)")
            lines.append("    approvers: [\(workspace.approvers.joined(separator: ", "))]")
            lines.append("    slash_command: \(workspace.slashCommand)")
            lines.append("    approvals:")
            lines.append("      allow_self_approval: \(workspace.allowSelfApproval)")
        }
        lines.append("limits:")
        lines.append("  storm_threshold: \(limits.stormThreshold)")
        lines.append("  flapping:")
        lines.append("    window: \(limits.flappingWindow.configurationText)")
        lines.append("    threshold: \(limits.flappingThreshold)")
        lines.append("  related_window: \(limits.relatedWindow.configurationText)")
        lines.append("  approval_timeout: \(limits.approvalTimeout.configurationText)")
        lines.append("  probe_concurrency: \(limits.probeConcurrency)")
        lines.append("  history_retention: \(limits.historyRetention.configurationText)")
        lines.append("  catch_up_limit: \(limits.catchUpLimit)")
        lines.append("  handler_concurrency: \(limits.handlerConcurrency)")
        lines.append("  max_silence: \(limits.maxSilence.configurationText)")
        lines.append("  silence_pattern_min_literals: \(limits.silencePatternMinLiterals)")
        lines.append(runbooks.isEmpty ? "runbooks: []" : "runbooks:")
        for rule in runbooks {
            lines.append("  - name: \(rule.name)")
            let match = rule.match
            var matchLines: [String] = []
            if !match.sources.isEmpty {
                matchLines.append("sources: [\(match.sources.map(\.rawValue).joined(separator: ", "))]")
            }
            if let pattern = match.namePattern { matchLines.append("name: \"\(pattern)\"") }
            if !match.labels.isEmpty {
                matchLines.append("labels:")
                for key in match.labels.keys.sorted() { matchLines.append("  \(key): \"\(match.labels[key]!)\"") }
            }
            if let severity = match.minimumSeverity { matchLines.append("min_severity: \(severity.rawValue)") }
            if !matchLines.isEmpty {
                lines.append("    match:")
                lines += matchLines.map { "      " + $0 }
            }
            if !rule.links.isEmpty { lines.append("    links:") }
            for link in rule.links {
                lines.append("      - { label: \"\(link.label)\", url: \"\(link.urlTemplate)\" }")
            }
            if !rule.probes.isEmpty { lines.append("    probes:") }
            for probe in rule.probes {
                lines.append("      - name: \(probe.name)")
                switch probe.action {
                case .command(let executable, let arguments):
                    let words = ([executable] + arguments).map { "\"\($0)\"" }.joined(separator: ", ")
                    lines.append("        command: [\(words)]")
                case .http(let urlTemplate):
                    lines.append("        http: \"\(urlTemplate)\"")
                }
                lines.append("        timeout: \(probe.timeout.configurationText)")
                lines.append("        output_limit: \(probe.outputLimit)")
                lines.append("        requires_approval: \(probe.requiresApproval)")
                // The effective lists: the probe's own (or the global one), and the global one it must also pass.
                let lists = probe.destinations.allowedHostLists.map { list in
                    "[" + list.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
                }
                if let own = lists.last {
                    let also = lists.count > 1 ? "  # and probes.allowed_hosts: \(lists[0])" : ""
                    lines.append("        allowed_hosts: \(own)\(also)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The same as ``description``.
    public var debugDescription: String { description }
}
