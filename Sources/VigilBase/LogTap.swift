import Logging
import Synchronization

/// A swift-log handler that keeps selected records and lets a task wait for one, so a caller (the demo, a test) can
/// wait for something the worker only logs — "flapping alert already flagged" — without sleeping.
///
/// Records are kept when their message starts with one of `interesting`, or when they are at `keepLevel` or above.
/// Optionally every record at `forwardLevel` or above is passed on to another logger's handler.
public final class LogTap: Sendable {
    /// One kept log record.
    public struct Record: Sendable, CustomStringConvertible {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        public var description: String {
            "[\(level)] \(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
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
    private let interesting: [String]
    private let keepLevel: Logger.Level

    /// - Parameters:
    ///   - interesting: message prefixes whose records are kept.
    ///   - keepLevel: records at this level or above are kept whatever their message (default: none beyond `interesting`).
    public init(interesting: [String], keepLevel: Logger.Level = .critical) {
        self.interesting = interesting
        self.keepLevel = keepLevel
    }

    /// A logger whose records go to this tap (from `tapLevel` on) and, from `forwardLevel` on, to `forward`.
    public func logger(label: String, tapLevel: Logger.Level, forwardingTo forward: Logger? = nil,
                       forwardLevel: Logger.Level = .critical) -> Logger {
        var logger = Logger(label: label) { _ in
            Handler(tap: self, forward: forward?.handler, forwardLevel: forwardLevel)
        }
        logger.logLevel = forward == nil ? tapLevel : min(forwardLevel, tapLevel)
        return logger
    }

    /// The records kept so far, oldest first.
    public var records: [Record] { state.withLock { $0.records } }

    /// The first kept record (already seen or still to come) matching `predicate`, or `nil` after `timeout`.
    public func first(where predicate: @escaping @Sendable (Record) -> Bool, timeout: Duration) async -> Record? {
        await value(within: timeout) { await self.next(where: predicate) }
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
        guard record.level >= keepLevel || interesting.contains(where: { record.message.hasPrefix($0) }) else { return }
        let resumed = state.withLock { state -> [CheckedContinuation<Record?, Never>] in
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

    private struct Handler: LogHandler {
        let tap: LogTap
        var forward: (any LogHandler)?
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
            guard let forward, event.level >= forwardLevel else { return }
            var forwarded = event
            forwarded.metadata = merged
            forward.log(event: forwarded)
        }
    }
}
