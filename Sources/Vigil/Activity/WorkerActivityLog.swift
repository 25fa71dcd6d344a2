import Synchronization
import VigilBase

/// Keeps what the worker reports as ``WorkerActivity`` and lets tasks wait for an entry, so that a test or the demo
/// can wait for "the router is done with this post" without reading log lines and without sleeping.
///
/// The worker only writes to it (``record(_:)`` takes a lock, appends and resumes matching waiters outside the lock);
/// nothing here calls back into the worker. Entries are kept for the log's lifetime, so give one only to a bounded
/// run (a test, the demo): the production worker runs without one.
public final class WorkerActivityLog: Sendable {
    private struct Waiter {
        var id: Int
        var matches: @Sendable (WorkerActivity) -> Bool
        var continuation: CheckedContinuation<WorkerActivity?, Never>
    }

    private struct State {
        var entries: [WorkerActivity] = []
        var waiters: [Waiter] = []
        var nextWaiterID = 0
    }

    private let state = Mutex(State())

    /// An empty log.
    public init() {}

    /// Everything recorded so far, oldest first.
    public var entries: [WorkerActivity] { state.withLock { $0.entries } }

    /// Records `activity` and resumes the waiters it matches. Called by the worker; quick and non-blocking, so it
    /// may be called on the libwebsockets service thread.
    public func record(_ activity: WorkerActivity) {
        let resumed = state.withLock { state -> [CheckedContinuation<WorkerActivity?, Never>] in
            state.entries.append(activity)
            var matched: [CheckedContinuation<WorkerActivity?, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.matches(activity) else { return false }
                matched.append(waiter.continuation)
                return true
            }
            return matched
        }
        for continuation in resumed { continuation.resume(returning: activity) }
    }

    /// The first entry, already recorded or still to come, for which `extract` returns a value; that value.
    /// - Parameters:
    ///   - timeout: how long to wait for an entry still to come.
    ///   - extract: picks the entry and what to return of it (`nil` for entries that do not match).
    /// - Returns: the value, or `nil` when no entry matched within `timeout` or the caller was cancelled.
    public func first<Value: Sendable>(
        timeout: Duration,
        _ extract: @escaping @Sendable (WorkerActivity) -> Value?
    ) async -> Value? {
        let found = await value(within: timeout) { await self.next { extract($0) != nil } }
        return found.flatMap(extract)
    }

    /// The first ``EventOutcome`` (already recorded or still to come) that `matches`, or `nil` after `timeout`.
    public func firstEvent(
        timeout: Duration,
        where matches: @escaping @Sendable (EventOutcome) -> Bool
    ) async -> EventOutcome? {
        await first(timeout: timeout) { activity in activity.event.flatMap { matches($0) ? $0 : nil } }
    }

    /// The first entry (already recorded or still to come) that `matches`; `nil` when cancelled.
    private func next(where matches: @escaping @Sendable (WorkerActivity) -> Bool) async -> WorkerActivity? {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WorkerActivity?, Never>) in
                let immediate: WorkerActivity?? = state.withLock { state in
                    if Task.isCancelled { return .some(nil) }
                    if let seen = state.entries.first(where: matches) { return .some(seen) }
                    state.waiters.append(Waiter(id: id, matches: matches, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<WorkerActivity?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(returning: nil)
        }
    }
}
