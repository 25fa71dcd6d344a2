import Logging
import Synchronization

/// The process's log level, shared by every copy of the root logger so a configuration reload (SIGHUP) can change
/// it at run time. ``JournaldLogHandler`` reads it on every record (one atomic load).
public final class LogLevelSwitch: Sendable {
    private let raw: Atomic<Int>

    /// - Parameter level: the starting level.
    public init(_ level: Logger.Level) {
        raw = Atomic(Self.index(of: level))
    }

    /// The level now; setting it affects every logger whose handler shares this switch.
    public var level: Logger.Level {
        get { Logger.Level.allCases[raw.load(ordering: .relaxed)] }
        set { raw.store(Self.index(of: newValue), ordering: .relaxed) }
    }

    private static func index(of level: Logger.Level) -> Int {
        Logger.Level.allCases.firstIndex(of: level) ?? 0
    }
}
