/// Any `Clock<Duration>`, read as the time since this value was made.
///
/// ``SlackWebAPI`` takes its clock as `any Clock<Duration>` (a `ContinuousClock` in production, a clock the test
/// moves by hand in unit tests), but its ``RateLimiter`` needs one concrete instant type. This wrapper gives it one:
/// every instant is the offset from the moment the wrapper was made, and every sleep is a sleep on the wrapped
/// clock.
struct ElapsedClock: Clock {
    /// A point in time: the offset from the wrapper's start.
    struct Instant: InstantProtocol {
        /// The time since the wrapper was made.
        var sinceStart: Duration

        func advanced(by duration: Duration) -> Instant { Instant(sinceStart: sinceStart + duration) }

        func duration(to other: Instant) -> Duration { other.sinceStart - sinceStart }

        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.sinceStart < rhs.sinceStart }
    }

    private let base: any Clock<Duration>
    private let elapsed: @Sendable () -> Duration

    /// Starts counting on `base` now.
    init(_ base: any Clock<Duration>) {
        self.base = base
        self.elapsed = Self.stopwatch(base)
    }

    private static func stopwatch<Base: Clock<Duration>>(_ clock: Base) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    var now: Instant { Instant(sinceStart: elapsed()) }

    var minimumResolution: Duration { base.minimumResolution }

    /// Sleeps on the wrapped clock until `deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await base.sleep(for: now.duration(to: deadline), tolerance: tolerance)
    }
}
