/// Thresholds and bounds of Vigil's behaviour (YAML section `limits`). Every key is optional.
///
/// | key | type | default | allowed | meaning |
/// |---|---|---|---|---|
/// | `storm_threshold` | integer | 10 | 1–10000 | new alerts per channel per minute before storm mode (one summary instead of one thread per alert) |
/// | `flapping.window` | duration | `1h` | 1m–7d | window in which state flips are counted |
/// | `flapping.threshold` | integer | 4 | 2–1000 | flips within the window that mark an alert as flapping |
/// | `related_window` | duration | `15m` | 1s–24h | alerts this close in time are shown as related |
/// | `approval_timeout` | duration | `30m` | 1m–24h | an approval request expires after this |
/// | `probe_concurrency` | integer | 4 | 1–64 | probes running at once, all workspaces together |
/// | `history_retention` | duration | `90d` | 1d–3650d | incidents and audit entries older than this are deleted |
/// | `catch_up_limit` | integer | 200 | 0–10000 | messages read per channel after a restart (0 = no catch-up) |
/// | `handler_concurrency` | integer | 64 | 1–1024 | Slack events handled at once per workspace |
/// | `max_silence` | duration | `7d` | 1h–90d | the longest silence a person can set |
/// | `silence_pattern_min_literals` | integer | 4 | 1–64 | characters other than `*` and `?` a `/vigil silence` pattern needs |
///
/// Durations are written `30s`, `15m`, `1h`, `90d` (see ``Swift/Duration/init(configurationText:)``).
public struct LimitsConfiguration: Sendable, Hashable {
    /// New alerts per channel per minute before storm mode.
    public var stormThreshold: Int
    /// Window in which flips are counted.
    public var flappingWindow: Duration
    /// Flips within ``flappingWindow`` that mark an alert as flapping.
    public var flappingThreshold: Int
    /// Alerts within this time of each other are related.
    public var relatedWindow: Duration
    /// How long an approval request stays open.
    public var approvalTimeout: Duration
    /// Probes running at once.
    public var probeConcurrency: Int
    /// How long history is kept.
    public var historyRetention: Duration
    /// Messages read per channel after a restart.
    public var catchUpLimit: Int
    /// Slack events handled at once per workspace.
    public var handlerConcurrency: Int
    /// The longest silence a person can set.
    public var maxSilence: Duration
    /// Characters other than `*` and `?` that a silence pattern needs, so `*e*` cannot silence nearly everything.
    public var silencePatternMinLiterals: Int

    /// Creates limits; every argument defaults to the documented default.
    ///
    /// - Parameters:
    ///   - stormThreshold: Default 10.
    ///   - flappingWindow: Default 1 hour.
    ///   - flappingThreshold: Default 4.
    ///   - relatedWindow: Default 15 minutes.
    ///   - approvalTimeout: Default 30 minutes.
    ///   - probeConcurrency: Default 4.
    ///   - historyRetention: Default 90 days.
    ///   - catchUpLimit: Default 200.
    ///   - handlerConcurrency: Default 64.
    ///   - maxSilence: Default 7 days.
    ///   - silencePatternMinLiterals: Default 4.
    public init(
        stormThreshold: Int = 10,
        flappingWindow: Duration = .seconds(3_600),
        flappingThreshold: Int = 4,
        relatedWindow: Duration = .seconds(900),
        approvalTimeout: Duration = .seconds(1_800),
        probeConcurrency: Int = 4,
        historyRetention: Duration = .seconds(90 * 86_400),
        catchUpLimit: Int = 200,
        handlerConcurrency: Int = 64,
        maxSilence: Duration = .seconds(7 * 86_400),
        silencePatternMinLiterals: Int = 4
    ) {
        self.stormThreshold = stormThreshold
        self.flappingWindow = flappingWindow
        self.flappingThreshold = flappingThreshold
        self.relatedWindow = relatedWindow
        self.approvalTimeout = approvalTimeout
        self.probeConcurrency = probeConcurrency
        self.historyRetention = historyRetention
        self.catchUpLimit = catchUpLimit
        self.handlerConcurrency = handlerConcurrency
        self.maxSilence = maxSilence
        self.silencePatternMinLiterals = silencePatternMinLiterals
    }
}
