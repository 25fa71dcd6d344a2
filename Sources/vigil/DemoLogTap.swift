import Logging
import Synchronization

/// Sees the worker's log records during `vigil demo`, so the script can wait for a decision that has no visible
/// effect in Slack (a flapping alert recorded without a new investigation), and forwards the records at or above
/// the chosen level to the real log handler.
///
/// Waiting is event-driven: a waiter is resumed by the record itself, never by polling.
final class DemoLogTap: Sendable {
    /// One log record, reduced to what the script matches on.
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private struct Waiter {
        var id: Int
        var predicate: @Sendable (Record) -> Bool
        var continuation: CheckedContinuation<Record?, Never>
    }

    private struct State {
        var records: [Record] = []
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())
    /// Only records whose message starts with one of these are kept (the rest are only forwarded).
    private let interesting: [String]

    /// - Parameter interesting: message prefixes worth keeping for ``first(where:timeout:)``.
    init(interesting: [String]) {
        self.interesting = interesting
    }

    /// A logger that feeds this tap and forwards records at or above `forwardLevel` to `forward`'s handler.
    /// - Parameters:
    ///   - forward: the process's logger (bootstrapped by the executable).
    ///   - forwardLevel: what the person asked to see (`--log-level`).
    ///   - tapLevel: the lowest level the tap needs to see.
    func logger(forwardingTo forward: Logger, forwardLevel: Logger.Level, tapLevel: Logger.Level) -> Logger {
        var logger = Logger(label: forward.label) { _ in
            Handler(tap: self, forward: forward.handler, forwardLevel: forwardLevel)
        }
        logger.logLevel = min(forwardLevel, tapLevel)
        return logger
    }

    /// Waits for the first record (already seen or still to come) that satisfies `predicate`.
    /// - Returns: the record, or `nil` when none arrived within `timeout`.
    func first(where predicate: @escaping @Sendable (Record) -> Bool, timeout: Duration) async -> Record? {
        await withTaskGroup(of: Record?.self) { group in
            group.addTask { await self.next(where: predicate) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func next(where predicate: @escaping @Sendable (Record) -> Bool) async -> Record? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Record?, Never>) in
                let immediate: Record?? = state.withLock { state in
                    if Task.isCancelled { return .some(nil) }
                    if let seen = state.records.first(where: predicate) { return .some(seen) }
                    state.waiters.append(Waiter(id: id, predicate: predicate, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Record?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    fileprivate func record(_ record: Record) {
        guard interesting.contains(where: { record.message.hasPrefix($0) }) else { return }
        let resumed = state.withLock { state -> [(CheckedContinuation<Record?, Never>)] in
            state.records.append(record)
            var matched: [CheckedContinuation<Record?, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.predicate(record) else { return false }
                matched.append(waiter.continuation)
                return true
            }
            return matched
        }
        for continuation in resumed { continuation.resume(returning: record) }
    }

    /// The handler behind ``logger(forwardingTo:forwardLevel:tapLevel:)``.
    private struct Handler: LogHandler {
        let tap: DemoLogTap
        var forward: any LogHandler
        let forwardLevel: Logger.Level
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
            if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
            tap.record(Record(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
            guard event.level >= forwardLevel else { return }
            var forwarded = event
            forwarded.metadata = merged
            forward.log(event: forwarded)
        }
    }
}
