/// What one probe produced, ready for the investigation message.
public struct ProbeResult: Sendable, Hashable {
    /// The probe's name (from its ``ProbeSpec``).
    public var name: String
    /// How it ended.
    public var outcome: ProbeOutcome
    /// Wall-clock time from start to end; zero for probes that did not run.
    public var duration: Duration
    /// The head of the combined stdout+stderr (commands) or body (HTTP), decoded as UTF-8 with invalid bytes
    /// replaced by U+FFFD.
    public var output: String
    /// Bytes of output that were produced but dropped because of the output limit.
    public var truncatedBytes: Int
    /// Things the reader of the result should know, shown under it: for a command probe, the alert values left out
    /// of its environment by sanitising (see ``ProbeEnvironment``).
    public var notes: [String]

    /// Creates a probe result.
    ///
    /// - Parameters:
    ///   - name: The probe's name.
    ///   - outcome: How it ended.
    ///   - duration: How long it ran.
    ///   - output: The kept output.
    ///   - truncatedBytes: Dropped output bytes.
    ///   - notes: Notes shown under the result (default none).
    public init(
        name: String,
        outcome: ProbeOutcome,
        duration: Duration = .zero,
        output: String = "",
        truncatedBytes: Int = 0,
        notes: [String] = []
    ) {
        self.notes = notes
        self.name = name
        self.outcome = outcome
        self.duration = duration
        self.output = output
        self.truncatedBytes = truncatedBytes
    }
}
