import CurlHTTP

/// One diagnostic check of a runbook rule (an item of `runbooks[n].probes`).
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `name` | text | required | shown in the investigation message; unique within the rule |
/// | `command` | list: absolute executable path, then arguments | – | run directly, no shell, no `PATH` lookup |
/// | `http` | URL template | – | one `GET`; `{{name}}`, `{{host}}`, `{{service}}`, `{{label.<key>}}` are filled in, percent-encoded |
/// | `timeout` | duration | `10s` | 1s–5m; a command then gets SIGTERM, later SIGKILL |
/// | `output_limit` | integer (bytes) | 4096 | 1–1048576; the head of the output that is kept and shown |
/// | `requires_approval` | bool | `false` | command probes only: run only after someone in `permissions.approve` approves |
/// | `allowed_hosts` | list of host names, `*.suffix`, addresses or CIDR ranges | none | http probes only: where the request may connect, on top of the global `probes.allowed_hosts` |
///
/// Exactly one of `command` and `http` is required. An `http` URL must have a literal scheme, host and port (no
/// `{{…}}` there, refused at load), its host must be allowed by every `allowed_hosts` list that applies, and
/// link-local and cloud-metadata addresses are refused always, also after DNS resolution (see
/// ``ProbeDestinationPolicy``). Command arguments are passed verbatim: alert fields reach a
/// command only through environment variables (`VIGIL_ALERT_NAME`, `VIGIL_ALERT_HOST`, `VIGIL_LABEL_<KEY>`, …),
/// never through its arguments, so a crafted alert cannot inject options. Commands run as the `vigil` user; mark
/// anything that changes state, or is expensive, `requires_approval: true`. HTTP probes are read-only `GET`s and
/// never need approval.
public struct ProbeConfiguration: Sendable, Hashable {
    /// What the probe does.
    public enum Action: Sendable, Hashable {
        /// Run `executable` (an absolute path) with `arguments`, without a shell.
        case command(executable: String, arguments: [String])
        /// Send a `GET` to the URL rendered from `urlTemplate`.
        case http(urlTemplate: String)
    }

    /// The probe's name.
    public var name: String
    /// The command or HTTP request.
    public var action: Action
    /// How long the probe may take.
    public var timeout: Duration
    /// Bytes of output kept.
    public var outputLimit: Int
    /// Whether a person must approve the probe before it runs (always `false` for HTTP probes).
    public var requiresApproval: Bool
    /// Where an HTTP probe may connect: the global `probes.allowed_hosts` and the probe's own list, each of which
    /// must allow the destination (no lists: anywhere but link-local and metadata addresses). Unused for commands.
    public var destinations: ProbeDestinationPolicy

    /// The default timeout, 10 seconds.
    public static let defaultTimeout: Duration = .seconds(10)
    /// The longest allowed timeout, 5 minutes.
    public static let maximumTimeout: Duration = .seconds(300)
    /// The default output limit, 4096 bytes.
    public static let defaultOutputLimit = 4_096

    /// Creates a probe configuration.
    ///
    /// - Parameters:
    ///   - name: The name.
    ///   - action: The command or HTTP request.
    ///   - timeout: Default 10 seconds.
    ///   - outputLimit: Default 4096 bytes.
    ///   - requiresApproval: Default `false`.
    ///   - destinations: Default: no `allowed_hosts` lists.
    public init(
        name: String,
        action: Action,
        timeout: Duration = ProbeConfiguration.defaultTimeout,
        outputLimit: Int = ProbeConfiguration.defaultOutputLimit,
        requiresApproval: Bool = false,
        destinations: ProbeDestinationPolicy = ProbeDestinationPolicy()
    ) {
        self.destinations = destinations
        self.name = name
        self.action = action
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.requiresApproval = requiresApproval
    }
}
