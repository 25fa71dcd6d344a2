import CurlHTTP

/// One diagnostic check attached to a runbook rule.
///
/// Alert fields never reach a command through its `arguments`: a command probe sees them only as environment
/// variables (see ``ProbeEnvironment``), so a hostile alert name cannot inject shell syntax or extra arguments.
/// HTTP probes substitute alert fields into their URL template percent-encoded (see ``URLTemplate``), and only into
/// its path, query and fragment: the server they reach is fixed by configuration and checked against a
/// ``ProbeDestinationPolicy`` before and while connecting.
public enum ProbeSpec: Sendable, Hashable {
    /// Run an executable directly (no shell) with fixed arguments.
    ///
    /// - `name`: shown in the message; probe names are unique within a plan.
    /// - `executable`: absolute path of the program (it is not looked up in `PATH`).
    /// - `arguments`: fixed arguments, taken verbatim from configuration (`argv[1...]`).
    /// - `timeout`: after this the process group gets SIGTERM, then SIGKILL after a grace period.
    /// - `outputLimitBytes`: how much of the combined stdout+stderr is kept (the head); the rest is counted.
    /// - `requiresApproval`: when `true` the executor does not run it but reports ``ProbeOutcome/awaitingApproval``.
    case command(
        name: String,
        executable: String,
        arguments: [String] = [],
        timeout: Duration,
        outputLimitBytes: Int = 65_536,
        requiresApproval: Bool = false
    )
    /// Send one `GET` through a ``ProbeHTTPClient``; never needs approval.
    ///
    /// - `urlTemplate`: the URL, with `{{…}}` placeholders filled from the alert (percent-encoded).
    /// - `expectStatus`: statuses that count as success; `nil` means any HTTP response counts (reachability).
    /// - `outputLimitBytes`: how much of the response body is kept.
    /// - `destinations`: where the request may connect (`allowed_hosts`; link-local and metadata addresses never).
    case http(
        name: String,
        urlTemplate: URLTemplate,
        timeout: Duration,
        expectStatus: ClosedRange<Int>? = 200...299,
        outputLimitBytes: Int = 16_384,
        destinations: ProbeDestinationPolicy = ProbeDestinationPolicy()
    )

    /// The probe's name.
    public var name: String {
        switch self {
        case .command(let name, _, _, _, _, _): name
        case .http(let name, _, _, _, _, _): name
        }
    }

    /// The probe's timeout.
    public var timeout: Duration {
        switch self {
        case .command(_, _, _, let timeout, _, _): timeout
        case .http(_, _, let timeout, _, _, _): timeout
        }
    }

    /// Whether a person must approve the probe before it runs; always `false` for HTTP probes (a `GET` is read-only).
    public var requiresApproval: Bool {
        switch self {
        case .command(_, _, _, _, _, let requiresApproval): requiresApproval
        case .http: false
        }
    }
}
