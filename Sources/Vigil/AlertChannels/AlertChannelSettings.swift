import AlertInvestigation

/// Tuning of the alert-channel pipeline. Every value has a configuration key (docs/configuration.md).
public struct AlertChannelSettings: Sendable {
    /// More than this many new alerts in one channel within ``stormWindow`` switches the channel to storm mode:
    /// per-alert replies stop and one summary message is kept up to date instead.
    public var stormThreshold: Int
    public var stormWindow: Duration
    /// Flapping: at least ``flappingThreshold`` firing↔resolved flips within ``flappingWindow``.
    public var flappingWindow: Duration
    public var flappingThreshold: Int
    /// Related alerts: other incidents within ± this window sharing host/service/instance/cluster labels.
    public var relatedWindow: Duration
    /// At most this many messages are read per channel when catching up after a restart or a total disconnect.
    public var catchUpLimit: Int
    /// Runbook rules matched against every new alert.
    public var runbooks: [RunbookRule]
    /// `https://<workspace>.slack.com` for links to threads, from `auth.test`; `nil` falls back to slack.com links.
    public var workspaceURL: String?

    public init(
        stormThreshold: Int = 10,
        stormWindow: Duration = .seconds(60),
        flappingWindow: Duration = .seconds(3600),
        flappingThreshold: Int = 4,
        relatedWindow: Duration = .seconds(15 * 60),
        catchUpLimit: Int = 200,
        runbooks: [RunbookRule] = [],
        workspaceURL: String? = nil
    ) {
        self.stormThreshold = stormThreshold
        self.stormWindow = stormWindow
        self.flappingWindow = flappingWindow
        self.flappingThreshold = flappingThreshold
        self.relatedWindow = relatedWindow
        self.catchUpLimit = catchUpLimit
        self.runbooks = runbooks
        self.workspaceURL = workspaceURL
    }
}
