extension LimitsConfiguration {
    /// Reads the `limits` section; problems go to `diagnostics` and the default is kept for that key.
    ///
    /// - Parameters:
    ///   - scope: The `limits` scope.
    ///   - diagnostics: Where problems go.
    init(_ scope: ConfigurationScope, _ diagnostics: inout ConfigurationDiagnostics) {
        let defaults = LimitsConfiguration()
        let minute = Duration.seconds(60)
        let day = Duration.seconds(86_400)
        let flapping = scope.child("flapping")
        self.init(
            stormThreshold: scope.integer(
                "storm_threshold", in: 1...10_000, default: defaults.stormThreshold, &diagnostics),
            flappingWindow: flapping.duration(
                "window", in: minute...(day * 7), default: defaults.flappingWindow, &diagnostics),
            flappingThreshold: flapping.integer(
                "threshold", in: 2...1_000, default: defaults.flappingThreshold, &diagnostics),
            relatedWindow: scope.duration(
                "related_window", in: .seconds(1)...day, default: defaults.relatedWindow, &diagnostics),
            approvalTimeout: scope.duration(
                "approval_timeout", in: minute...day, default: defaults.approvalTimeout, &diagnostics),
            probeConcurrency: scope.integer(
                "probe_concurrency", in: 1...64, default: defaults.probeConcurrency, &diagnostics),
            historyRetention: scope.duration(
                "history_retention", in: day...(day * 3_650), default: defaults.historyRetention, &diagnostics),
            catchUpLimit: scope.integer("catch_up_limit", in: 0...10_000, default: defaults.catchUpLimit, &diagnostics),
            handlerConcurrency: scope.integer(
                "handler_concurrency", in: 1...1_024, default: defaults.handlerConcurrency, &diagnostics),
            maxSilence: scope.duration(
                "max_silence", in: (minute * 60)...(day * 90), default: defaults.maxSilence, &diagnostics),
            silencePatternMinLiterals: scope.integer(
                "silence_pattern_min_literals", in: 1...64, default: defaults.silencePatternMinLiterals, &diagnostics)
        )
    }
}
