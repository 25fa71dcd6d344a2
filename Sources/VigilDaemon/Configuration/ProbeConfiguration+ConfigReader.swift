import AlertInvestigation
import CurlHTTP

extension ProbeConfiguration {
    /// Reads one item of `runbooks[n].probes`; returns `nil` (after reporting) when it cannot be used.
    ///
    /// - Parameters:
    ///   - scope: The `runbooks[n].probes[m]` scope.
    ///   - globalAllowedHosts: The top-level `probes.allowed_hosts`, when configured.
    ///   - diagnostics: Where problems go.
    init?(
        _ scope: ConfigurationScope, globalAllowedHosts: [AllowedHost]?, _ diagnostics: inout ConfigurationDiagnostics
    ) {
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
        let ownAllowedHosts = Self.allowedHosts(scope, &diagnostics)
        let destinations = ProbeDestinationPolicy(allowedHostLists: [globalAllowedHosts, ownAllowedHosts].compactMap { $0 })
        if case .http(let template)? = action {
            let httpPath = scope.path.appending("http")
            do {
                let host = try URLTemplate(template).requestHost()
                if let refusal = destinations.refusal(forHost: host) {
                    diagnostics.report(
                        httpPath,
                        "an HTTP probe may not fetch this host: \(refusal); probes never reach link-local or cloud "
                            + "metadata addresses, and with allowed_hosts set only the hosts listed there")
                    action = nil
                }
            } catch {
                diagnostics.report(httpPath, "\(error)")
                action = nil
            }
        } else if ownAllowedHosts != nil, action != nil {
            diagnostics.report(
                scope.name("allowed_hosts"),
                "applies to http probes only (a command probe connects wherever its program does); remove it")
        }
        if requiresApproval, case .http = action {
            diagnostics.report(
                scope.name("requires_approval"),
                "applies to command probes only: an http probe sends one read-only GET and never waits for "
                    + "approval; remove it"
            )
        }
        guard let name, let action else { return nil }
        self.init(
            name: name, action: action, timeout: timeout, outputLimit: outputLimit, requiresApproval: requiresApproval,
            destinations: { if case .http = action { destinations } else { ProbeDestinationPolicy() } }())
    }

    /// Reads the `allowed_hosts` list at `scope` (a probe, or the top-level `probes` section); `nil` when absent.
    /// Every entry that is not a host name, `*.suffix`, address or CIDR range is reported; an empty list is an
    /// error because it would refuse every request.
    ///
    /// - Parameters:
    ///   - scope: The scope holding the key.
    ///   - diagnostics: Where problems go.
    static func allowedHosts(_ scope: ConfigurationScope, _ diagnostics: inout ConfigurationDiagnostics)
        -> [AllowedHost]?
    {
        guard let entries = scope.list("allowed_hosts") else { return nil }
        guard !entries.isEmpty else {
            diagnostics.report(
                scope.name("allowed_hosts"),
                "lists nothing, which would refuse every HTTP probe; list hosts, or remove the key to allow any "
                    + "host but link-local and metadata addresses")
            return []
        }
        var hosts: [AllowedHost] = []
        for (position, entry) in entries.enumerated() {
            if let host = AllowedHost(entry) {
                hosts.append(host)
            } else {
                diagnostics.report(
                    scope.path.appending("allowed_hosts").appending(position),
                    "\(ConfigurationDiagnostics.quote(entry)) is not a host name, *.domain wildcard, IP address or "
                        + "CIDR range (such as metrics.example.com, *.internal.example.com, 10.0.0.0/8)")
            }
        }
        return hosts
    }
}
