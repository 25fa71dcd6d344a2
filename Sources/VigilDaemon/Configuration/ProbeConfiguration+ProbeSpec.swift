import AlertInvestigation

extension ProbeConfiguration {
    /// The runtime probe this configuration describes.
    public var probeSpec: ProbeSpec {
        switch action {
        case .command(let executable, let arguments):
            .command(
                name: name,
                executable: executable,
                arguments: arguments,
                timeout: timeout,
                outputLimitBytes: outputLimit,
                requiresApproval: requiresApproval
            )
        case .http(let urlTemplate):
            .http(
                name: name, urlTemplate: URLTemplate(urlTemplate), timeout: timeout, outputLimitBytes: outputLimit,
                destinations: destinations)
        }
    }
}
