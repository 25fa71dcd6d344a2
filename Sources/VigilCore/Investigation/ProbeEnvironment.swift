/// The environment a command probe runs with: a fixed minimum plus the alert's fields.
///
/// The child never inherits Vigil's own environment (it holds the Slack tokens). It gets exactly:
/// `PATH=/usr/bin:/bin`, `LANG=C.UTF-8`, `VIGIL_ALERT_NAME`, `VIGIL_ALERT_STATUS`, `VIGIL_ALERT_SEVERITY`,
/// `VIGIL_ALERT_SOURCE`, `VIGIL_ALERT_IDENTITY`, `VIGIL_ALERT_HOST` and `VIGIL_ALERT_SERVICE` (when the alert has
/// them), and one `VIGIL_LABEL_<KEY>` per label, where `<KEY>` is the label key upper-cased with every character
/// other than ASCII letters and digits replaced by `_`. When two keys map to the same variable name, the key that
/// sorts first wins. NUL characters, which cannot travel in an environment string, are removed from values.
///
/// Values arrive verbatim: nothing is ever interpreted by a shell unless the configured probe itself passes a
/// variable to one, and probes should quote them (`"$VIGIL_ALERT_HOST"`).
public enum ProbeEnvironment {
    /// The `PATH` given to probes.
    public static let path = "/usr/bin:/bin"
    /// The `LANG` given to probes.
    public static let lang = "C.UTF-8"

    /// The complete environment for a command probe about `alert`.
    ///
    /// - Parameter alert: The alert.
    /// - Returns: Variable name → value.
    public static func variables(for alert: Alert) -> [String: String] {
        var environment: [String: String] = [
            "PATH": path,
            "LANG": lang,
            "VIGIL_ALERT_NAME": clean(alert.name),
            "VIGIL_ALERT_STATUS": alert.status.rawValue,
            "VIGIL_ALERT_SEVERITY": alert.severity.rawValue,
            "VIGIL_ALERT_SOURCE": alert.source.rawValue,
            "VIGIL_ALERT_IDENTITY": clean(alert.identity),
        ]
        if let host = alert.host { environment["VIGIL_ALERT_HOST"] = clean(host) }
        if let service = alert.service { environment["VIGIL_ALERT_SERVICE"] = clean(service) }
        for key in alert.labels.keys.sorted() {
            let name = labelVariableName(forKey: key)
            if environment[name] == nil, let value = alert.labels[key] { environment[name] = clean(value) }
        }
        return environment
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

    private static func clean(_ value: String) -> String {
        value.contains("\0") ? String(value.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : value
    }
}
