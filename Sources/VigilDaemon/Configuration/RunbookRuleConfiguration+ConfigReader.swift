import VigilBase
import AlertInvestigation
import AlertReading
import CurlHTTP

extension RunbookRuleConfiguration {
    /// Reads one item of `runbooks`; returns `nil` when it has no usable name (other problems are reported and the
    /// faulty link or probe is left out, so the caller can go on).
    ///
    /// - Parameters:
    ///   - scope: The `runbooks[n]` scope.
    ///   - globalAllowedHosts: The top-level `probes.allowed_hosts`, when configured.
    ///   - diagnostics: Where problems go.
    init?(
        _ scope: ConfigurationScope, globalAllowedHosts: [AllowedHost]? = nil,
        _ diagnostics: inout ConfigurationDiagnostics
    ) {
        let name = scope.requiredText("name", what: "a short name for the rule, used in logs and errors", &diagnostics)

        let matchScope = scope.child("match")
        var match = Match()
        for (position, text) in (matchScope.list("sources") ?? []).enumerated() {
            if let source = AlertSource(rawValue: text.lowercased()) {
                if !match.sources.contains(source) { match.sources.append(source) }
            } else {
                let names = AlertSource.allCases.map(\.rawValue)
                let hint = ConfigurationSchema.closestMatch(to: text, in: names).map { " (did you mean \($0)?)" } ?? ""
                diagnostics.report(
                    matchScope.path.appending("sources").appending(position),
                    "\(ConfigurationDiagnostics.quote(text)) is not a source\(hint); use one of "
                        + "\(names.joined(separator: ", "))"
                )
            }
        }
        match.namePattern = matchScope.text("name")
        for entry in matchScope.node("labels")?.entries ?? [] {
            // The label keys are free-form, and ConfigReader cannot list keys: enumerate them from the parsed file,
            // then read each value through the reader like every other value.
            let labelsScope = matchScope.child("labels")
            if entry.key.trimmed().isEmpty {
                diagnostics.report(labelsScope.path.appending(entry.key), "a label key must not be empty")
            } else if let glob = labelsScope.text(entry.key) {
                match.labels[entry.key] = glob
            }
        }
        if let text = matchScope.text("min_severity") {
            let allowed = ["info", "warning", "high", "critical"]
            if allowed.contains(text.lowercased()), let severity = AlertSeverity(rawValue: text.lowercased()) {
                match.minimumSeverity = severity
            } else {
                let hint =
                    ConfigurationSchema.closestMatch(to: text, in: allowed).map { " (did you mean \($0)?)" } ?? ""
                diagnostics.report(
                    matchScope.name("min_severity"),
                    "\(ConfigurationDiagnostics.quote(text)) is not a severity\(hint); use info, warning, high "
                        + "or critical"
                )
            }
        }

        var links: [Link] = []
        for index in scope.itemIndices("links") {
            let linkScope = scope.child("links").child(index)
            let label = linkScope.requiredText("label", what: "the link text", &diagnostics)
            let url = linkScope.requiredText("url", what: "the link's URL (a template, see probes' http)", &diagnostics)
            if let url, !Self.checkURLTemplate(url, at: linkScope.path.appending("url"), &diagnostics) { continue }
            if let label, let url { links.append(Link(label: label, urlTemplate: url)) }
        }

        var probes: [ProbeConfiguration] = []
        for index in scope.itemIndices("probes") {
            let probeScope = scope.child("probes").child(index)
            guard let probe = ProbeConfiguration(probeScope, globalAllowedHosts: globalAllowedHosts, &diagnostics)
            else { continue }
            if probes.contains(where: { $0.name == probe.name }) {
                diagnostics.report(
                    probeScope.name("name"),
                    "\(ConfigurationDiagnostics.quote(probe.name)) is already the name of another probe of "
                        + "this rule; names must be unique"
                )
                continue
            }
            probes.append(probe)
        }

        guard let name else { return nil }
        self.init(name: name, match: match, links: links, probes: probes)
    }

    /// Checks an http(s) URL template with the runtime's own validator; reports and returns `false` when bad.
    static func checkURLTemplate(
        _ template: String, at path: ConfigurationPath, _ diagnostics: inout ConfigurationDiagnostics
    ) -> Bool {
        let lowered = template.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            diagnostics.report(
                path, "must be an http:// or https:// URL, got \(ConfigurationDiagnostics.quote(template))")
            return false
        }
        do {
            try URLTemplate(template).validate()
            return true
        } catch {
            diagnostics.report(path, "\(error)")
            return false
        }
    }
}
