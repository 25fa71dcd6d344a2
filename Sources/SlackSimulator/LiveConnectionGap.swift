/// A period during which no connection was live (not counting silent ones).
public struct LiveConnectionGap: Sendable, CustomStringConvertible {
    /// When the live count dropped to zero (or the start of the inspected window, if it was already zero).
    public let start: ContinuousClock.Instant
    /// When a connection became live again; `nil` if the gap lasts until the end of the inspected window.
    public let end: ContinuousClock.Instant?

    /// The gap's length, measured up to `end` or, for an open gap, up to now.
    public var duration: Duration { (self.end ?? .now) - self.start }

    public var description: String {
        self.end == nil ? "gap(ongoing, \(self.duration))" : "gap(\(self.duration))"
    }
}
