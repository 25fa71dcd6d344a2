/// Races `operation` against `timeout`: its value if it finishes in time, else `nil` (the operation is then
/// cancelled and awaited). Cancelling the caller cancels both and returns whatever finished first.
///
/// - Parameters:
///   - timeout: How long `operation` may take.
///   - operation: The work; it should end promptly when cancelled.
/// - Returns: The operation's value, or `nil` after `timeout`.
public func value<T: Sendable>(
    within timeout: Duration,
    of operation: @escaping @Sendable () async -> T?
) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
