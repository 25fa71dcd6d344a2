extension ProbeConfiguration {
    /// Reads one item of `runbooks[n].probes`; returns `nil` (after reporting) when it cannot be used.
    ///
    /// - Parameters:
    ///   - scope: The `runbooks[n].probes[m]` scope.
    ///   - diagnostics: Where problems go.
    init?(_ scope: ConfigurationScope, _ diagnostics: inout ConfigurationDiagnostics) {
        let name = scope.requiredText(
            "name", what: "the probe's name, shown in the investigation message", &diagnostics)
        let command = scope.list("command")
        let http = scope.text("http")
        var action: Action?
        switch (command, http) {
        case (let command?, nil):
            if let executable = command.first, executable.hasPrefix("/") {
                let arguments = Array(command.dropFirst())
                if let position = arguments.firstIndex(where: { $0.contains("{{") }) {
                    diagnostics.report(
                        scope.path.appending("command").appending(position + 1),
                        "command arguments are passed verbatim, {{…}} is not filled in; a command gets the "
                            + "alert's fields as environment variables instead (VIGIL_ALERT_NAME, VIGIL_ALERT_HOST, "
                            + "VIGIL_LABEL_<KEY>, …)"
                    )
                } else {
                    action = .command(executable: executable, arguments: arguments)
                }
            } else if let executable = command.first {
                diagnostics.report(
                    scope.path.appending("command"),
                    "the executable must be an absolute path (there is no PATH lookup and no shell), got "
                        + "\(ConfigurationDiagnostics.quote(executable)); write e.g. "
                        + "/usr/bin/\(executable.split(separator: "/").last ?? "")"
                )
            } else {
                diagnostics.report(
                    scope.path.appending("command"), "is empty; give the executable's absolute path and its arguments")
            }
        case (nil, let http?):
            if RunbookRuleConfiguration.checkURLTemplate(http, at: scope.path.appending("http"), &diagnostics) {
                action = .http(urlTemplate: http)
            }
        case (.some, .some):
            diagnostics.report(
                scope.path,
                "has both command and http; a probe is one or the other, split it into two probes")
        case (nil, nil):
            if !diagnostics.hasReported(scope.path.appending("command").description),
                !diagnostics.hasReported(scope.path.appending("http").description)
            {
                diagnostics.report(
                    scope.path,
                    "needs either command: [/absolute/path, args…] or http: https://…")
            }
        }
        let timeout = scope.duration(
            "timeout", in: .seconds(1)...ProbeConfiguration.maximumTimeout, default: ProbeConfiguration.defaultTimeout,
            &diagnostics)
        let outputLimit = scope.integer(
            "output_limit", in: 1...1_048_576, default: ProbeConfiguration.defaultOutputLimit, why: " bytes",
            &diagnostics)
        let requiresApproval = scope.boolean("requires_approval", default: false, &diagnostics)
        if requiresApproval, case .http = action {
            diagnostics.report(
                scope.name("requires_approval"),
                "applies to command probes only: an http probe sends one read-only GET and never waits for "
                    + "approval; remove it"
            )
        }
        guard let name, let action else { return nil }
        self.init(
            name: name, action: action, timeout: timeout, outputLimit: outputLimit, requiresApproval: requiresApproval)
    }
}
