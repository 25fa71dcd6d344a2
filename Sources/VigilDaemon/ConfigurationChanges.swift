/// What differs between the running configuration and a newly loaded one, split into what a reload applies in place
/// and what needs a restart of the process.
///
/// Applied in place: `log_level`, per workspace `alert_channels`, `permissions`, `approvers` and `slash_command`,
/// `runbooks`, and the `limits` the pipeline reads per alert (`storm_threshold`, `flapping_window`,
/// `flapping_threshold`, `related_window`, `approval_timeout`, `catch_up_limit`, `max_silence`,
/// `silence_pattern_min_literals`) and per workspace `approvals`. Needs a restart: the list of
/// workspaces (names, order), their tokens and `api_url`, `connections`, `state_dir`, `ca_file`, `metrics`,
/// `limits.handler_concurrency`, `limits.probe_concurrency` and `limits.history_retention`.
public struct ConfigurationChanges: Sendable, Equatable {
    /// Configuration keys whose change is applied by the reload.
    public var applied: [String]
    /// Configuration keys whose new value only takes effect after a restart (the old value stays in force).
    public var needRestart: [String]

    /// Whether nothing changed.
    public var isEmpty: Bool { applied.isEmpty && needRestart.isEmpty }

    /// Compares two validated configurations.
    public init(from old: DaemonConfiguration, to new: DaemonConfiguration) {
        var applied: [String] = []
        var restart: [String] = []
        func note<Value: Equatable>(_ key: String, _ path: KeyPath<DaemonConfiguration, Value>, live: Bool) {
            guard old[keyPath: path] != new[keyPath: path] else { return }
            if live { applied.append(key) } else { restart.append(key) }
        }
        note("log_level", \.logLevel, live: true)
        note("state_dir", \.stateDirectory, live: false)
        note("ca_file", \.caFile, live: false)
        note("metrics", \.metrics, live: false)
        note("connections", \.connections, live: false)
        note("runbooks", \.runbooks, live: true)
        note("limits.storm_threshold", \.limits.stormThreshold, live: true)
        note("limits.flapping_window", \.limits.flappingWindow, live: true)
        note("limits.flapping_threshold", \.limits.flappingThreshold, live: true)
        note("limits.related_window", \.limits.relatedWindow, live: true)
        note("limits.approval_timeout", \.limits.approvalTimeout, live: true)
        note("limits.catch_up_limit", \.limits.catchUpLimit, live: true)
        note("limits.max_silence", \.limits.maxSilence, live: true)
        note("limits.silence_pattern_min_literals", \.limits.silencePatternMinLiterals, live: true)
        note("limits.handler_concurrency", \.limits.handlerConcurrency, live: false)
        note("limits.probe_concurrency", \.limits.probeConcurrency, live: false)
        note("limits.history_retention", \.limits.historyRetention, live: false)
        if old.workspaces.map(\.name) != new.workspaces.map(\.name) {
            restart.append("workspaces")
        } else {
            for (index, (before, after)) in zip(old.workspaces, new.workspaces).enumerated() {
                let prefix = "workspaces[\(index)]"
                if before.appToken != after.appToken { restart.append("\(prefix).app_token") }
                if before.botToken != after.botToken { restart.append("\(prefix).bot_token") }
                if before.apiURL != after.apiURL { restart.append("\(prefix).api_url") }
                if before.alertChannels != after.alertChannels { applied.append("\(prefix).alert_channels") }
                if before.permissions != after.permissions { applied.append("\(prefix).permissions") }
                if before.approvers != after.approvers { applied.append("\(prefix).approvers") }
                if before.slashCommand != after.slashCommand { applied.append("\(prefix).slash_command") }
                if before.allowSelfApproval != after.allowSelfApproval { applied.append("\(prefix).approvals") }
            }
        }
        self.applied = applied
        self.needRestart = restart
    }
}
