/// One point of the live-connection timeline: the counts right after a connection changed state.
public struct LiveConnectionSample: Sendable, CustomStringConvertible {
    /// When the change happened (monotonic).
    public let at: ContinuousClock.Instant
    /// Connections that are live and not silent.
    public let liveCount: Int
    /// Connections that are open in any state (opening, live, silent).
    public let openCount: Int

    public var description: String { "live=\(self.liveCount) open=\(self.openCount)" }
}
