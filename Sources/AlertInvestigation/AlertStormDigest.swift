import AlertReading

/// The alerts a channel received during a storm, for ``InvestigationMessage/stormSummary(_:options:)``.
public struct AlertStormDigest: Sendable, Hashable {
    /// One alert of the storm.
    public struct Entry: Sendable, Hashable {
        /// Alert name.
        public var name: String
        /// Alert severity.
        public var severity: AlertSeverity
        /// Alert status as the source reports it.
        public var status: AlertStatus
        /// The `ts` of its root post.
        public var rootTS: String
        /// Its permalink, when known.
        public var permalink: String?

        /// Creates an entry.
        ///
        /// - Parameters:
        ///   - name: Alert name.
        ///   - severity: Alert severity.
        ///   - status: Alert status.
        ///   - rootTS: `ts` of its root post.
        ///   - permalink: Permalink, if known.
        public init(
            name: String,
            severity: AlertSeverity,
            status: AlertStatus,
            rootTS: String,
            permalink: String? = nil
        ) {
            self.name = name
            self.severity = severity
            self.status = status
            self.rootTS = rootTS
            self.permalink = permalink
        }
    }

    /// The channel in storm.
    public var channelID: String
    /// The counting window (usually one minute).
    public var window: Duration
    /// The alerts in the window, in any order.
    public var entries: [Entry]

    /// Creates a digest.
    ///
    /// - Parameters:
    ///   - channelID: The channel.
    ///   - window: The counting window.
    ///   - entries: The alerts in the window.
    public init(channelID: String, window: Duration, entries: [Entry]) {
        self.channelID = channelID
        self.window = window
        self.entries = entries
    }
}
