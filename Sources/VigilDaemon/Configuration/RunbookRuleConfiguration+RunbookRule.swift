import AlertInvestigation

extension RunbookRuleConfiguration {
    /// The runtime rule this configuration describes.
    ///
    /// The configuration was validated at load (templates, executable paths, timeouts), so the conversion cannot
    /// fail. HTTP probes keep the runtime's default accepted statuses (2xx).
    public var runbookRule: RunbookRule {
        RunbookRule(
            name: name,
            sources: Set(match.sources),
            namePattern: match.namePattern.map { GlobPattern($0) },
            labelMatchers: match.labels.mapValues { GlobPattern($0) },
            minimumSeverity: match.minimumSeverity,
            links: links.map { RunbookRule.Link(label: $0.label, urlTemplate: URLTemplate($0.urlTemplate)) },
            probes: probes.map(\.probeSpec)
        )
    }
}
