import AlertReading
import CurlHTTP
import VigilBase

/// The environment a command probe runs with: a fixed minimum plus the alert's fields, sanitised.
///
/// The child never inherits Vigil's own environment (it holds the Slack tokens). It gets exactly:
/// `PATH=/usr/bin:/bin`, `LANG=C.UTF-8`, `VIGIL_ALERT_NAME`, `VIGIL_ALERT_STATUS`, `VIGIL_ALERT_SEVERITY`,
/// `VIGIL_ALERT_SOURCE`, `VIGIL_ALERT_IDENTITY`, `VIGIL_ALERT_HOST` and `VIGIL_ALERT_SERVICE` (when the alert has
/// them), and one `VIGIL_LABEL_<KEY>` per label, where `<KEY>` is the label key upper-cased with every character
/// other than ASCII letters and digits replaced by `_`. When two keys map to the same variable name, the key that
/// sorts first wins. NUL characters, which cannot travel in an environment string, are removed from values.
///
/// ## Sanitising
/// Alert values come from chat messages, so from anyone who can post in an alert channel. A script that passes one
/// on as an argument (`ssh "$VIGIL_ALERT_HOST" …`) would have a value like `-oProxyCommand=…` read as an option,
/// quotes or no quotes. So:
/// - **host-like values** — `VIGIL_ALERT_HOST` and the labels Vigil reads hosts from (``hostLabelKeys``: `instance`,
///   `host`, `hostname`, `node`, …) — are passed only when they are a host name, an IPv4 address or an IPv6
///   address, optionally with `:port` (``HostName/isHostLike(_:)``);
/// - **service-like values** — `VIGIL_ALERT_SERVICE` and ``serviceLabelKeys`` (`service`, `job`, `app`, …) — only when
///   they start with an ASCII letter or digit and consist of letters, digits and `. _ - : @ / +` (systemd units such
///   as `nginx@site.service`, Kubernetes `namespace/name`, CloudWatch `AWS/EC2`);
/// - **every other value** is data (an alert name has spaces and punctuation) and is passed unless it starts with
///   `-`.
///
/// A value that fails its rule is left out (the variable is absent, never emptied or rewritten) and ``notes`` says
/// which variable and why, for the check result in the thread. Nothing here makes a value safe to splice into a
/// shell string: scripts must still quote (`"$VIGIL_ALERT_NAME"`) and end options (`--`) before passing values on.
public struct ProbeEnvironment: Sendable, Hashable {
    /// The `PATH` given to probes.
    public static let path = "/usr/bin:/bin"
    /// The `LANG` given to probes.
    public static let lang = "C.UTF-8"
    /// Label keys whose values must be host-like (the keys alert parsers take the host from).
    public static let hostLabelKeys: Set<String> = Set(LabelLines.hostKeys + ["ip", "address", "target", "fqdn"])
    /// Label keys whose values must be service-like (the keys alert parsers take the service from).
    public static let serviceLabelKeys: Set<String> = Set(LabelLines.serviceKeys + ["unit", "container"])

    /// The child's complete environment: variable name → value.
    public var variables: [String: String]
    /// One line per alert value left out, naming the variable and the rule it broke (never the value).
    public var notes: [String]

    /// Builds the environment for a command probe about `alert`.
    ///
    /// - Parameter alert: The alert.
    public init(alert: Alert) {
        var variables: [String: String] = [
            "PATH": Self.path,
            "LANG": Self.lang,
            "VIGIL_ALERT_STATUS": alert.status.rawValue,
            "VIGIL_ALERT_SEVERITY": alert.severity.rawValue,
            "VIGIL_ALERT_SOURCE": alert.source.rawValue,
        ]
        var notes: [String] = []
        func offer(_ name: String, _ raw: String, _ kind: ValueKind) {
            let value = Self.clean(raw)
            if let problem = kind.problem(with: value) {
                notes.append("\(name) left out: the alert's value \(problem)")
            } else {
                variables[name] = value
            }
        }
        offer("VIGIL_ALERT_NAME", alert.name, .data)
        offer("VIGIL_ALERT_IDENTITY", alert.identity, .data)
        if let host = alert.host { offer("VIGIL_ALERT_HOST", host, .host) }
        if let service = alert.service { offer("VIGIL_ALERT_SERVICE", service, .service) }
        var taken: Set<String> = []  // the first key (sorted) owns its variable name, even when left out
        for key in alert.labels.keys.sorted() {
            let name = Self.labelVariableName(forKey: key)
            guard taken.insert(name).inserted, let value = alert.labels[key] else { continue }
            let lowered = key.lowercased()
            let kind: ValueKind =
                Self.hostLabelKeys.contains(lowered) ? .host : Self.serviceLabelKeys.contains(lowered) ? .service : .data
            offer(name, value, kind)
        }
        self.variables = variables
        self.notes = notes
    }

    /// The complete environment for a command probe about `alert` (``variables`` of ``init(alert:)``).
    ///
    /// - Parameter alert: The alert.
    /// - Returns: Variable name → value, without the values sanitising left out.
    public static func variables(for alert: Alert) -> [String: String] {
        ProbeEnvironment(alert: alert).variables
    }

    /// The variable name for label `key`: `VIGIL_LABEL_` + the key upper-cased, non-alphanumerics → `_`.
    ///
    /// - Parameter key: A label key.
    /// - Returns: For example `VIGIL_LABEL_K8S_NAMESPACE` for `k8s.namespace`.
    public static func labelVariableName(forKey key: String) -> String {
        var name = "VIGIL_LABEL_"
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        return name
    }

    /// Which rule a value must pass.
    private enum ValueKind {
        case host, service, data

        /// Why `value` may not be passed, or `nil` when it may.
        func problem(with value: String) -> String? {
            if value.hasPrefix("-") { return "starts with \"-\" (a program could read it as an option)" }
            switch self {
            case .host:
                return HostName.isHostLike(value)
                    ? nil : "is not a host name or IP address (with an optional :port)"
            case .service:
                return ProbeEnvironment.isServiceLike(value)
                    ? nil : "is not a service name (letters, digits and . _ - : @ / +)"
            case .data:
                return nil
            }
        }
    }

    /// Whether `value` looks like a service name: an ASCII letter or digit, then letters, digits, `. _ - : @ / +`,
    /// at most 253 characters.
    static func isServiceLike(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first)
            || ("0"..."9").contains(first), value.utf8.count <= 253
        else { return false }
        return value.unicodeScalars.allSatisfy { scalar in
            guard scalar.isASCII else { return false }
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":", "@", "/", "+": return true
            default: return false
            }
        }
    }

    private static func clean(_ value: String) -> String {
        value.contains("\0") ? String(value.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : value
    }
}
