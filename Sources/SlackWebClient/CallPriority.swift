/// Which outbound calls go first when a workspace's budget is short: an investigation result before a reaction
/// before a status update.
public enum CallPriority: Int, Sendable, Comparable, CaseIterable {
    case statusUpdate = 0
    case reaction = 1
    case investigation = 2

    public static func < (lhs: CallPriority, rhs: CallPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}
