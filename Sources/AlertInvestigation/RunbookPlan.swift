import AlertReading

/// The runbook links and probes that apply to one alert, resolved from the configured rules.
///
/// Rules are applied in configured order. Links are rendered with the alert's fields (see ``URLTemplate``) and
/// de-duplicated by URL; a link whose template cannot be rendered for this alert (for example `{{host}}` on an
/// alert without a host) is left out and described in ``problems``. Probes are de-duplicated by name (the first
/// rule wins) and keep rule order; their URL templates are rendered when they run.
public struct RunbookPlan: Sendable, Hashable {
    /// The alert the plan is for.
    public var alert: Alert
    /// Names of the rules that matched, in order.
    public var ruleNames: [String]
    /// Rendered runbook links, in order.
    public var links: [AlertLink]
    /// Probes to run, in order.
    public var probes: [ProbeSpec]
    /// Human-readable notes about links that were left out, for logs.
    public var problems: [String]

    /// Builds the plan for `alert` from all configured `rules`.
    ///
    /// - Parameters:
    ///   - alert: The alert.
    ///   - rules: Every configured rule; non-matching ones are ignored.
    public init(alert: Alert, rules: [RunbookRule]) {
        self.alert = alert
        var ruleNames: [String] = []
        var links: [AlertLink] = []
        var seenURLs: Set<String> = []
        var probes: [ProbeSpec] = []
        var seenProbeNames: Set<String> = []
        var problems: [String] = []
        for rule in rules.matching(alert: alert) {
            ruleNames.append(rule.name)
            for link in rule.links {
                do {
                    let url = try link.urlTemplate.render(for: alert)
                    if seenURLs.insert(url).inserted { links.append(AlertLink(label: link.label, url: url)) }
                } catch {
                    problems.append("rule \(rule.name): link \"\(link.label)\" left out: \(error)")
                }
            }
            for probe in rule.probes where seenProbeNames.insert(probe.name).inserted {
                probes.append(probe)
            }
        }
        self.ruleNames = ruleNames
        self.links = links
        self.probes = probes
        self.problems = problems
    }
}
