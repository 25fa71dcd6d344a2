import Foundation
/// Whether an alert identity is flapping: flipping between firing and resolved too often within a window.
public struct FlapState: Sendable, Hashable {
    /// The window Vigil uses unless configured otherwise: one hour.
    public static let defaultWindow: Duration = .seconds(3600)
    /// The flip count Vigil treats as flapping unless configured otherwise: 4 (fire, resolve, fire, resolve).
    public static let defaultThreshold = 4

    /// Firing↔resolved flips of the identity within the window (resolutions, and re-fires after a resolution).
    public var transitions: Int
    /// The threshold the count was compared with.
    public var threshold: Int
    /// When an incident of this identity was last flagged as flapping within the window; `nil` if none was.
    public var flaggedAt: Date?

    /// Creates a flap state value.
    public init(transitions: Int, threshold: Int, flaggedAt: Date?) {
        self.transitions = transitions
        self.threshold = threshold
        self.flaggedAt = flaggedAt
    }

    /// True when `transitions >= threshold`.
    public var isFlapping: Bool { transitions >= threshold }
    /// True when the identity was already flagged within the window, so Vigil should not investigate again.
    public var alreadyFlagged: Bool { flaggedAt != nil }
}
